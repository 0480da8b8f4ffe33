import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Company, insertCompany } from '../../src/companies/companies.ts';
import { findCustomer, foldForSearch, searchCustomers, upsertCustomer } from '../../src/customers/repo.ts';
import { createTestDatabase, DB_MODE, type TestDatabase } from '../helpers/db.ts';

const base = { codigoPostal: '06600', regimenFiscal: '612', usoCfdi: 'G03' };

describe(`customers repository (${DB_MODE})`, () => {
  let db: TestDatabase;
  let shop: Company;
  let other: Company;
  beforeAll(async () => {
    db = await createTestDatabase();
    shop = await insertCompany(db.sql, {
      rfc: 'EKU9003173C9',
      name: 'Kemper',
      regimenFiscal: '601',
      lugarExpedicion: '06600',
    });
    other = await insertCompany(db.sql, {
      rfc: 'CACX7605101P8',
      name: 'X',
      regimenFiscal: '612',
      lugarExpedicion: '22000',
    });
    await upsertCustomer(db.sql, shop.id, {
      ...base,
      rfc: 'PEAM800101AB1',
      nombre: 'MARÍA PEÑA ÁVILA',
      email: 'maria@example.mx',
    });
    await upsertCustomer(db.sql, shop.id, { ...base, rfc: 'LOGJ750505XY2', nombre: 'JOSÉ LÓPEZ GARCÍA' });
    await upsertCustomer(db.sql, shop.id, { ...base, rfc: 'ZAPA900101QQ3', nombre: 'ANA ZAPATA' });
    await upsertCustomer(db.sql, other.id, {
      ...base,
      rfc: 'PEAM800101AB1',
      nombre: 'MARIA PENA (otra empresa)',
    });
  });
  afterAll(() => db.close());

  it('upserts by (company, RFC), keeping the e-mail unless told otherwise', async () => {
    const updated = await upsertCustomer(db.sql, shop.id, {
      ...base,
      rfc: 'peam800101ab1',
      nombre: 'MARÍA PEÑA ÁVILA',
      usoCfdi: 'S01',
    });
    expect(updated).toMatchObject({ rfc: 'PEAM800101AB1', usoCfdi: 'S01', email: 'maria@example.mx' });
    const cleared = await upsertCustomer(db.sql, shop.id, {
      ...base,
      rfc: 'PEAM800101AB1',
      nombre: 'MARÍA PEÑA ÁVILA',
      email: null,
    });
    expect(cleared.email).toBeNull();
    expect((await findCustomer(db.sql, shop.id, 'PEAM800101AB1'))?.id).toBe(updated.id);
    expect((await findCustomer(db.sql, other.id, 'PEAM800101AB1'))?.nombre).toBe('MARIA PENA (otra empresa)');
    expect(await findCustomer(db.sql, shop.id, 'XAXX010101000')).toBeNull();
  });

  it('folds case and accents for search', () => {
    expect(foldForSearch('  Peña ÁVILA ')).toBe('pena avila');
  });

  it.each([
    ['pena', ['MARÍA PEÑA ÁVILA']],
    ['PEÑA', ['MARÍA PEÑA ÁVILA']],
    ['jose lop', ['JOSÉ LÓPEZ GARCÍA']],
    ['garcia', ['JOSÉ LÓPEZ GARCÍA']],
    ['zapa900', ['ANA ZAPATA']],
    ['a', ['ANA ZAPATA', 'JOSÉ LÓPEZ GARCÍA', 'MARÍA PEÑA ÁVILA']],
    ['100%', []],
  ])('search %s', async (q, names) => {
    const found = await searchCustomers(db.sql, shop.id, { q, limit: 10 });
    expect(found.map((c) => c.nombre)).toEqual(names);
  });

  it('pages alphabetically with a keyset cursor', async () => {
    const first = await searchCustomers(db.sql, shop.id, { limit: 2 });
    expect(first.map((c) => c.nombre)).toEqual(['ANA ZAPATA', 'JOSÉ LÓPEZ GARCÍA']);
    const last = first[1]!;
    const next = await searchCustomers(db.sql, shop.id, {
      limit: 2,
      after: { nombre: last.nombre, id: last.id },
    });
    expect(next.map((c) => c.nombre)).toEqual(['MARÍA PEÑA ÁVILA']);
  });
});
