/**
 * `companies` and `keys` CLI commands against a real database: in-process (output captured) and
 * once through `npm run -s cli` to prove the dispatcher wiring. In server mode the commands get the
 * test schema through the URL's search_path parameter.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/cli/args.ts';
import { companiesCommand } from '../../src/cli/company-commands.ts';
import { authenticateApiKey } from '../../src/companies/keys.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createTestDatabase, DB_MODE, TEST_DATABASE_URL, type TestDatabase } from '../helpers/db.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Runs a command in-process and captures what it prints. */
async function run(config: Config, command: 'companies' | 'keys', args: string[]) {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await companiesCommand(config, command, args);
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe(`companies and keys CLI (${DB_MODE})`, () => {
  let dir: string;
  let env: Record<string, string>;
  let config: Config;
  let testDb: TestDatabase | undefined;
  /** Runs `fn` against the database the CLI writes to. */
  async function withDb<T>(fn: (sql: TestDatabase['sql']) => Promise<T>): Promise<T> {
    if (testDb) return fn(testDb.sql);
    const db = await openDatabase({ dataDir: dir });
    try {
      return await fn(db.sql);
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'af-cli-'));
    env = { DATA_DIR: dir, PUBLIC_URL: 'https://factura.example.mx', LOG_LEVEL: 'silent' };
    if (TEST_DATABASE_URL) {
      testDb = await createTestDatabase();
      const url = new URL(TEST_DATABASE_URL);
      url.searchParams.set('search_path', testDb.schema!);
      env.DATABASE_URL = url.toString();
    }
    config = loadConfig(env);
  });
  afterAll(async () => {
    await testDb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let adminKey = '';

  it('creates a company and prints its first admin key once', async () => {
    const r = await run(config, 'companies', [
      'create',
      '--rfc',
      'eku9003173c9',
      '--name',
      'Escuela Kemper Urgate',
      '--regimen',
      '601',
      '--cp',
      '42501',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Created company EKU9003173C9 (Escuela Kemper Urgate)');
    expect(r.stdout).toContain('https://factura.example.mx/api/v1/settings/csd');
    const keys = r.stdout.match(/af_admin_[A-Za-z0-9_-]+/gu) ?? [];
    adminKey = keys[0]!;
    expect(new Set(keys).size).toBe(1);
    const [principal, audit] = await withDb(
      async (sql) =>
        [
          await authenticateApiKey(sql, adminKey),
          await sql`select actor, action from audit_log order by id`,
        ] as const,
    );
    expect(principal).toMatchObject({ companyRfc: 'EKU9003173C9', role: 'admin' });
    expect(audit.map((a) => `${a.actor} ${a.action}`)).toEqual([
      'cli company.created',
      'cli api_key.created',
    ]);
  });

  it('refuses a second company with the same RFC', async () => {
    const r = await run(config, 'companies', [
      'create',
      '--rfc',
      'EKU9003173C9',
      '--name',
      'Otra',
      '--regimen',
      '601',
      '--cp',
      '42501',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already exists');
  });

  it('validates against SAT catalogs before touching the database, naming the flags', async () => {
    const bad = loadConfig({
      ...env,
      DATA_DIR: path.join(dir, 'never-created'),
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    const r = await run(bad, 'companies', [
      'create',
      '--rfc',
      'EKU9003173C9',
      '--name',
      'X',
      '--regimen',
      '612',
      '--cp',
      '00000',
      '--time-zone',
      'Mars/Base',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--regimen: régimen 612 does not apply to a persona moral');
    expect(r.stderr).toContain('--cp: not in c_CodigoPostal');
    expect(r.stderr).toContain('--time-zone: unknown IANA time zone');
    const rfc = await run(bad, 'companies', [
      'create',
      '--rfc',
      'EKU9003173C8',
      '--name',
      'X',
      '--regimen',
      '601',
      '--cp',
      '42501',
    ]);
    expect(rfc.stderr).toContain('--rfc: not a valid RFC');
    await expect(run(bad, 'companies', ['create', '--rfc', 'EKU9003173C9'])).rejects.toThrow(UsageError);
    await expect(run(bad, 'companies', ['create', '--rfc', 'X', '--bogus', 'y'])).rejects.toThrow(UsageError);
    await expect(run(bad, 'keys', ['create', '--company', 'EKU9003173C9', '--role', 'root'])).rejects.toThrow(
      /admin or pos/u,
    );
    await expect(run(bad, 'keys', ['destroy'])).rejects.toThrow(UsageError);
  });

  it('creates, lists and revokes keys, but never the last admin key', async () => {
    const pos = await run(config, 'keys', [
      'create',
      '--company',
      'EKU9003173C9',
      '--role',
      'pos',
      '--label',
      'Caja 1',
    ]);
    expect(pos.code).toBe(0);
    const posKey = pos.stdout.match(/af_pos_[A-Za-z0-9_-]+/u)![0];
    const posId = pos.stdout.match(/POS API key (\d+)/u)![1]!;

    const list = await run(config, 'keys', ['list', '--company', 'EKU9003173C9']);
    expect(list.stdout.trim().split('\n')).toHaveLength(2);
    expect(list.stdout).toContain('Caja 1');
    expect(list.stdout).not.toContain(posKey);

    expect((await run(config, 'keys', ['revoke', '--company', 'EKU9003173C9', '--id', posId])).code).toBe(0);
    const [revoked, admin] = await withDb(
      async (sql) =>
        [await authenticateApiKey(sql, posKey), await authenticateApiKey(sql, adminKey)] as const,
    );
    expect(revoked).toBeNull();
    const adminId = admin!.keyId;
    const last = await run(config, 'keys', ['revoke', '--company', 'EKU9003173C9', '--id', adminId]);
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('last active admin key');
    const unknown = await run(config, 'keys', ['create', '--company', 'XAXX010101000', '--role', 'pos']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No company with RFC XAXX010101000');
    const companies = await run(config, 'companies', ['list']);
    expect(companies.stdout).toBe('EKU9003173C9\tEscuela Kemper Urgate\t1 active key(s)\n');
  });

  it('runs through `npm run -s cli` (main.ts dispatch)', () => {
    const r = spawnSync(
      'npm',
      [
        'run',
        '-s',
        'cli',
        '--',
        'companies',
        'create',
        '--rfc',
        'CACX7605101P8',
        '--name',
        'Xochilt Casas Chavez',
        '--regimen',
        '612',
        '--cp',
        '22000',
        '--time-zone',
        'America/Tijuana',
      ],
      { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Created company CACX7605101P8 .*time zone America\/Tijuana/u);
    expect(r.stdout).toMatch(/^af_admin_[A-Za-z0-9_-]{32}$/mu);
    const usage = spawnSync(
      'npm',
      ['run', '-s', 'cli', '--', 'keys', 'create', '--company', 'CACX7605101P8'],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--role is required');
  });
});
