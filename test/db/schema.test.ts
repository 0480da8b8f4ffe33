import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCompany } from '../../src/companies/companies.ts';
import { loadActiveCsd, storeCsd } from '../../src/companies/csd-store.ts';
import { SecretBox } from '../../src/secrets.ts';
import { createTestDatabase, DB_MODE, type TestDatabase } from '../helpers/db.ts';

const CSD_DIR = new URL('../../src/sat/data/csd-demo/', import.meta.url);

describe(`schema rules (${DB_MODE})`, () => {
  let db: TestDatabase;
  let companyId: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    const company = await insertCompany(db.sql, {
      rfc: 'EKU9003173C9',
      name: 'ESCUELA KEMPER URGATE',
      regimenFiscal: '601',
      lugarExpedicion: '42501',
    });
    companyId = company.id;
  });
  afterAll(() => db.close());

  async function ticket(code: string): Promise<string> {
    const [row] = await db.sql`
      insert into tickets (company_id, code, external_id, sold_at, payment_form, items, total, deadline)
      values (${companyId}, ${code}, ${code}, now(), '01', '[]', 100, now() + interval '30 days')
      returning id`;
    return String(row!.id);
  }

  it('forbids two invoices for one ticket', async () => {
    const ticketId = await ticket('AAAABBBBCCCC');
    const insert = (folio: number) => db.sql`
      insert into invoices (company_id, ticket_id, serie, folio, channel, receptor, total)
      values (${companyId}, ${ticketId}, 'AF', ${folio}, 'web', '{}', 100)`;
    await insert(1);
    await expect(insert(2)).rejects.toThrow(/unique|duplicate/iu);
  });

  it('forbids a repeated serie and folio within a company', async () => {
    const t1 = await ticket('DDDDEEEEFFFF');
    const t2 = await ticket('GGGGHHHHJJJJ');
    const insert = (ticketId: string) => db.sql`
      insert into invoices (company_id, ticket_id, serie, folio, channel, receptor, total)
      values (${companyId}, ${ticketId}, 'ZZ', 7, 'web', '{}', 100)`;
    await insert(t1);
    await expect(insert(t2)).rejects.toThrow(/unique|duplicate/iu);
  });

  it('stores money as numeric and returns it exactly', async () => {
    const [row] = await db.sql`select total from tickets where code = 'AAAABBBBCCCC'`;
    expect(row!.total).toBe('100.00');
    const [col] = await db.sql`
      select data_type from information_schema.columns
      where table_name = 'invoices' and column_name = 'total' and table_schema = current_schema()`;
    expect(col!.data_type).toBe('numeric');
  });

  it('stores the CSD private key and password encrypted: the raw bytes never appear in the table', async () => {
    const box = new SecretBox(randomBytes(32));
    const key = readFileSync(new URL('EKU9003173C9.key', CSD_DIR));
    const certificate = readFileSync(new URL('EKU9003173C9.cer', CSD_DIR));
    const serial = await storeCsd(db.sql, box, companyId, {
      certificate,
      privateKey: key,
      password: '12345678a',
    });
    expect(serial).toBe('30001000000500003416');
    const rows = await db.sql`select * from csd_credentials where company_id = ${companyId}`;
    const dump = Buffer.from(
      JSON.stringify(
        rows.map((r) => Object.values(r).map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : v))),
      ),
    );
    expect(dump.includes(Buffer.from(key.toString('hex')))).toBe(false);
    expect(dump.includes(Buffer.from(Buffer.from('12345678a').toString('hex')))).toBe(false);
    expect(dump.includes(Buffer.from('12345678a'))).toBe(false);
    const loaded = await loadActiveCsd(db.sql, box, companyId);
    expect(Buffer.from(loaded!.privateKey).equals(key)).toBe(true);
    expect(loaded!.password).toBe('12345678a');
    const other = new SecretBox(randomBytes(32));
    await expect(loadActiveCsd(db.sql, other, companyId)).rejects.toThrow();
  });
});
