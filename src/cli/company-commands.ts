/**
 * `companies create|list` and `keys create|list|revoke`: onboarding from the command line. A new
 * company gets its first admin key, printed once; from there the admin works through the API.
 * Arguments are checked before the database is opened.
 */
import { checkNewCompany, findCompanyByRfc, insertCompany } from '../companies/companies.ts';
import { createApiKey, type KeyRole } from '../companies/keys.ts';
import type { Config } from '../config.ts';
import { type Database, openDatabase, type Queryable } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { listApiKeys, revokeApiKey } from '../settings/api-keys.ts';
import { parseCommandArgs, UsageError } from './args.ts';

const USAGE = `usage:
  companies create --rfc RFC --name NAME --regimen 601 --cp 06600 [--time-zone America/Mexico_City]
  companies list
  keys create --company RFC --role admin|pos [--label TEXT]
  keys list --company RFC
  keys revoke --company RFC --id KEY_ID
`;

const FLAG_OF: Record<string, string> = {
  rfc: '--rfc',
  name: '--name',
  regimen: '--regimen',
  cp: '--cp',
  time_zone: '--time-zone',
};

/** What a subcommand does once its arguments are checked; a number is an exit code, no database. */
type Plan = ((db: Database) => Promise<number>) | number;

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);

function args(raw: string[], spec: Record<string, { type: 'string' | 'boolean' }>) {
  try {
    return parseCommandArgs(raw, spec).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
}

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new UsageError(`--${name} is required\n\n${USAGE}`);
  return value.trim();
}

async function audit(sql: Queryable, companyId: string, action: string, subject: string, details: object) {
  await sql`
    insert into audit_log (company_id, actor, action, subject, details)
    values (${companyId}, 'cli', ${action}, ${subject}, ${sql.json(details as never)})`;
}

async function companyOrFail(db: Database, rfc: string) {
  const company = await findCompanyByRfc(db.sql, rfc);
  if (!company) err(`No company with RFC ${rfc.toUpperCase()}. Create it with: companies create --rfc ...\n`);
  return company;
}

function createCompany(config: Config, rest: string[]): Plan {
  const values = args(rest, {
    rfc: { type: 'string' },
    name: { type: 'string' },
    regimen: { type: 'string' },
    cp: { type: 'string' },
    'time-zone': { type: 'string' },
  });
  const timeZone = values['time-zone'];
  const input = {
    rfc: required(values, 'rfc').toUpperCase(),
    name: required(values, 'name'),
    regimenFiscal: required(values, 'regimen'),
    lugarExpedicion: required(values, 'cp'),
    ...(typeof timeZone === 'string' ? { timeZone } : {}),
  };
  const problems = checkNewCompany(input);
  if (problems.length > 0) {
    const lines = problems.map((p) => `  ${FLAG_OF[p.field] ?? p.field}: ${p.message}\n`).join('');
    err(`The company was not created:\n${lines}`);
    return 2;
  }
  return async (db) => {
    if (await findCompanyByRfc(db.sql, input.rfc)) {
      err(
        `A company with RFC ${input.rfc} already exists. More keys: keys create --company ${input.rfc} --role admin\n`,
      );
      return 1;
    }
    const { company, key } = await db.sql.begin(async (tx) => {
      const company = await insertCompany(tx, input);
      const key = await createApiKey(tx, company.id, 'admin', 'first admin key (CLI)');
      await audit(tx, company.id, 'company.created', company.rfc, { name: company.name });
      await audit(tx, company.id, 'api_key.created', key.id, { role: 'admin' });
      return { company, key };
    });
    out(
      `Created company ${company.rfc} (${company.name}), régimen ${company.regimenFiscal}, ` +
        `lugar de expedición ${company.lugarExpedicion}, time zone ${company.timeZone}.\n\n` +
        `Admin API key (shown only now; store it safely):\n${key.key}\n\n` +
        'Next: upload the CSD, choose the PAC and create POS keys through the API, e.g.\n' +
        `  curl -X PUT -H "Authorization: Bearer ${key.key}" -F cer=@CSD.cer -F key=@CSD.key -F password=... ` +
        `${config.publicUrl}/api/v1/settings/csd\n` +
        `  API documentation: ${config.publicUrl}/docs\n`,
    );
    return 0;
  };
}

async function listCompanies(db: Database): Promise<number> {
  const rows = await db.sql`
    select c.rfc, c.name, c.is_demo, count(k.id) filter (where k.revoked_at is null)::int as keys
    from companies c left join api_keys k on k.company_id = c.id group by c.id order by c.id`;
  if (rows.length === 0) out('No companies yet.\n');
  for (const r of rows) out(`${r.rfc}\t${r.name}${r.is_demo ? '\t(demo)' : ''}\t${r.keys} active key(s)\n`);
  return 0;
}

function createKey(rest: string[]): Plan {
  const values = args(rest, {
    company: { type: 'string' },
    role: { type: 'string' },
    label: { type: 'string' },
  });
  const role = required(values, 'role');
  if (role !== 'admin' && role !== 'pos') throw new UsageError(`--role must be admin or pos\n\n${USAGE}`);
  const rfc = required(values, 'company');
  const label = typeof values.label === 'string' ? values.label : null;
  return async (db) => {
    const company = await companyOrFail(db, rfc);
    if (!company) return 1;
    const key = await db.sql.begin(async (tx) => {
      const key = await createApiKey(tx, company.id, role as KeyRole, label);
      await audit(tx, company.id, 'api_key.created', key.id, { role, label });
      return key;
    });
    const who = role === 'admin' ? 'Admin' : 'POS';
    out(`${who} API key ${key.id} for ${company.rfc} (shown only now; store it safely):\n${key.key}\n`);
    return 0;
  };
}

function listKeys(rest: string[]): Plan {
  const rfc = required(args(rest, { company: { type: 'string' } }), 'company');
  return async (db) => {
    const company = await companyOrFail(db, rfc);
    if (!company) return 1;
    for (const k of await listApiKeys(db.sql, company.id)) {
      const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
      out(`${k.id}\t${k.role}\t${k.prefix}…\t${state}\t${k.label ?? ''}\n`);
    }
    return 0;
  };
}

function revokeKey(rest: string[]): Plan {
  const values = args(rest, { company: { type: 'string' }, id: { type: 'string' } });
  const id = required(values, 'id');
  if (!/^\d{1,18}$/u.test(id)) throw new UsageError('--id must be a key id (see keys list)');
  const rfc = required(values, 'company');
  return async (db) => {
    const company = await companyOrFail(db, rfc);
    if (!company) return 1;
    const result = await revokeApiKey(db.sql, company.id, id);
    switch (result.kind) {
      case 'not_found':
        err(`${company.rfc} has no key ${id}\n`);
        return 1;
      case 'last_admin_key':
        err('That is the last active admin key: create another admin key first\n');
        return 1;
      case 'revoked':
        await audit(db.sql, company.id, 'api_key.revoked', id, {});
        break;
      case 'already_revoked':
        break;
    }
    out(`Key ${id} is revoked.\n`);
    return 0;
  };
}

function plan(config: Config, command: 'companies' | 'keys', sub: string, rest: string[]): Plan {
  if (command === 'companies') return sub === 'create' ? createCompany(config, rest) : listCompanies;
  if (sub === 'create') return createKey(rest);
  return sub === 'list' ? listKeys(rest) : revokeKey(rest);
}

/** Runs `companies ...` or `keys ...` against the configured database; returns the exit code. */
export async function companiesCommand(
  config: Config,
  command: 'companies' | 'keys',
  rawArgs: string[],
): Promise<number> {
  const [sub, ...rest] = rawArgs;
  const known = command === 'companies' ? ['create', 'list'] : ['create', 'list', 'revoke'];
  if (!sub || !known.includes(sub)) throw new UsageError(USAGE);
  const run = plan(config, command, sub, rest);
  if (typeof run === 'number') return run;
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(db.sql);
    return await run(db);
  } finally {
    await db.close();
  }
}
