/**
 * Customer search and API key management over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCustomer } from '../../src/customers/repo.ts';
import { customerListSchema, customerSchema } from '../../src/http/api/contract/customers.ts';
import { apiKeyListSchema, createdApiKeySchema } from '../../src/http/api/contract/keys.ts';
import { DB_MODE } from '../helpers/db.ts';
import { type Harness, startHarness } from './harness.ts';

describe(`customer and key routes (${DB_MODE})`, () => {
  let h: Harness;
  let admin: string;
  let companyId: string;
  beforeAll(async () => {
    h = await startHarness();
    const company = await h.company();
    companyId = company.id;
    admin = await h.key(company.id, 'admin');
    const base = { codigoPostal: '06600', regimenFiscal: '612', usoCfdi: 'G03' };
    await upsertCustomer(h.db.sql, company.id, {
      ...base,
      rfc: 'PEAM800101AB1',
      nombre: 'MARÍA PEÑA ÁVILA',
      email: 'maria@example.mx',
    });
    await upsertCustomer(h.db.sql, company.id, {
      ...base,
      rfc: 'LOGJ750505XY2',
      nombre: 'JOSÉ LÓPEZ GARCÍA',
    });
    await upsertCustomer(h.db.sql, company.id, { ...base, rfc: 'ZAPA900101QQ3', nombre: 'ANA ZAPATA' });
  });
  afterAll(() => h.close());

  const get = async (path: string, status = 200) => {
    const res = await h.call('GET', `/api/v1${path}`, { key: admin });
    expect(res.status, path).toBe(status);
    return res.json();
  };

  it('searches customers by RFC or name, ignoring case and accents', async () => {
    const names = async (q: string) =>
      customerListSchema
        .parse(await get(`/customers?q=${encodeURIComponent(q)}`))
        .customers.map((c) => c.nombre);
    expect(await names('peña')).toEqual(['MARÍA PEÑA ÁVILA']);
    expect(await names('AVILA')).toEqual(['MARÍA PEÑA ÁVILA']);
    expect(await names('logj75')).toEqual(['JOSÉ LÓPEZ GARCÍA']);
    expect(await names('jose l')).toEqual(['JOSÉ LÓPEZ GARCÍA']);
    expect(await names('nadie')).toEqual([]);
    expect(await names('')).toEqual(['ANA ZAPATA', 'JOSÉ LÓPEZ GARCÍA', 'MARÍA PEÑA ÁVILA']);
  });

  it('pages customers alphabetically', async () => {
    const first = customerListSchema.parse(await get('/customers?limit=2'));
    expect(first.customers.map((c) => c.rfc)).toEqual(['ZAPA900101QQ3', 'LOGJ750505XY2']);
    const second = customerListSchema.parse(await get(`/customers?limit=2&cursor=${first.next_cursor}`));
    expect(second.customers.map((c) => c.rfc)).toEqual(['PEAM800101AB1']);
    expect(second.next_cursor).toBeNull();
    const bad = await get('/customers?cursor=eyJpZCI6IjEifQ', 400);
    expect(bad.error.fields).toEqual([{ field: 'cursor', message: 'not a cursor returned by this API' }]);
  });

  it('reads one customer by RFC', async () => {
    const maria = customerSchema.parse(await get('/customers/peam800101ab1'));
    expect(maria).toMatchObject({
      rfc: 'PEAM800101AB1',
      nombre: 'MARÍA PEÑA ÁVILA',
      email: 'maria@example.mx',
      uso_cfdi: 'G03',
    });
    expect((await get('/customers/XAXX010101000', 404)).error.code).toBe('not_found');
    expect((await get('/customers/ABC', 400)).error.fields[0].field).toBe('rfc');
  });

  it('creates a POS key that works for tickets only, shown once, and audited', async () => {
    const res = await h.call('POST', '/api/v1/keys', { key: admin, json: { role: 'pos', label: 'Caja 1' } });
    expect(res.status).toBe(201);
    const created = createdApiKeySchema.parse(await res.json());
    expect(created).toMatchObject({ role: 'pos', label: 'Caja 1', revoked_at: null, last_used_at: null });
    expect(created.key).toMatch(/^af_pos_/u);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    expect((await h.call('GET', '/api/v1/tickets', { key: created.key })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/keys', { key: created.key })).status).toBe(403);

    const list = apiKeyListSchema.parse(await get('/keys'));
    expect(list.keys[0]).toMatchObject({ id: created.id, role: 'pos', label: 'Caja 1' });
    expect(list.keys[0]!.last_used_at).not.toBeNull();
    expect(JSON.stringify(list)).not.toContain(created.key);
    const [audit] = await h.db.sql`select subject, details from audit_log where action = 'api_key.created'`;
    expect(audit).toMatchObject({ subject: created.id, details: { role: 'pos', label: 'Caja 1' } });
  });

  it('validates new keys', async () => {
    const res = await h.call('POST', '/api/v1/keys', { key: admin, json: { role: 'root', label: '' } });
    expect(res.status).toBe(400);
    const fields = (await res.json()).error.fields.map((f: { field: string }) => f.field);
    expect(fields.sort()).toEqual(['label', 'role']);
  });

  it('revokes keys (audited), harmlessly twice, but never the last admin key', async () => {
    const second = createdApiKeySchema.parse(
      await (await h.call('POST', '/api/v1/keys', { key: admin, json: { role: 'admin' } })).json(),
    );
    const revoke = (id: string, key = admin) => h.call('DELETE', `/api/v1/keys/${id}`, { key });
    const done = await revoke(second.id);
    expect(done.status).toBe(200);
    expect((await done.json()).revoked_at).not.toBeNull();
    expect((await revoke(second.id)).status).toBe(200);
    const audits = await h.db.sql`select subject from audit_log where action = 'api_key.revoked'`;
    expect(audits.map((a) => a.subject)).toEqual([second.id]);

    const own = (await get('/keys')).keys.find(
      (k: { prefix: string; revoked_at: string | null }) => k.prefix === admin.slice(0, 12),
    );
    const last = await revoke(own.id);
    expect(last.status).toBe(409);
    expect((await last.json()).error.code).toBe('last_admin_key');
    expect((await h.call('GET', '/api/v1/keys', { key: admin })).status).toBe(200);

    expect((await revoke('424242')).status).toBe(404);
    expect((await revoke('abc')).status).toBe(400);
    const [row] = await h.db
      .sql`select count(*)::int as n from api_keys where company_id = ${companyId} and revoked_at is null`;
    expect(row!.n).toBe(2);
  });
});
