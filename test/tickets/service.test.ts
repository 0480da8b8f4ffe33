import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Company, insertCompany } from '../../src/companies/companies.ts';
import { TicketCode } from '../../src/sat/code.ts';
import { findTicketByCode } from '../../src/tickets/queries.ts';
import { cancelTicket, createTicket } from '../../src/tickets/service.ts';
import { createTestDatabase, DB_MODE, type TestDatabase } from '../helpers/db.ts';

const URL_BASE = 'https://factura.example.mx';
const body = (externalId: string, over: Record<string, unknown> = {}) => ({
  external_id: externalId,
  sold_at: '2026-11-24T13:45:00-06:00',
  payment_form: '01',
  prices_include_tax: true,
  items: [
    {
      description: 'Café americano',
      quantity: '2',
      unit_price: '45.00',
      product_key: '90101501',
      unit_key: 'H87',
      tax: 'IVA16' as const,
    },
  ],
  total: '90.00',
  ...over,
});

describe(`tickets service (${DB_MODE})`, () => {
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
      name: 'Xochilt',
      regimenFiscal: '612',
      lugarExpedicion: '22000',
      timeZone: 'America/Tijuana',
    });
  });
  afterAll(() => db.close());

  it('registers a sale with a fresh code, its deadline and links', async () => {
    const result = await createTicket(db.sql, shop, body('A-1'), URL_BASE);
    expect(result.kind).toBe('created');
    if (result.kind !== 'created') return;
    expect(result.ticket.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/u);
    expect(TicketCode.parse(result.ticket.code)).not.toBeNull();
    expect(result.ticket.deadline).toBe('2026-12-24T23:59:59-06:00');
    expect(result.ticket.total).toBe('90.00');
    expect(result.ticket.urls).toEqual({
      web: `${URL_BASE}/t/${result.record.code.compact}`,
      whatsapp: null,
      telegram: null,
    });
    const [row] = await db.sql`select code, total, items, status from tickets where id = ${result.record.id}`;
    expect(row!.code).toBe(result.record.code.compact);
    expect(row!.total).toBe('90.00');
    expect(row!.status).toBe('open');
    expect(row!.items[0]).toMatchObject({
      unitPrice: '45.00',
      productKey: '90101501',
      tax: 'IVA16',
      iepsRate: null,
      discount: '0',
    });
  });

  it('is idempotent on external_id: the same sale (even written differently) returns the same ticket', async () => {
    const first = await createTicket(db.sql, shop, body('A-2'), URL_BASE);
    const again = await createTicket(
      db.sql,
      shop,
      body('A-2', {
        sold_at: '2026-11-24T19:45:00Z',
        items: [{ ...body('x').items[0], unit_price: '45', quantity: '2.000' }],
        total: '90',
      }),
      URL_BASE,
    );
    expect(again.kind).toBe('existing');
    expect(
      again.kind !== 'invalid' && first.kind !== 'invalid' && again.ticket.code === first.ticket.code,
    ).toBe(true);
    const [n] = await db.sql`select count(*)::int as n from tickets where external_id = 'A-2'`;
    expect(n!.n).toBe(1);
  });

  it('answers conflict for a different sale under a used external_id, and scopes ids per company', async () => {
    await createTicket(db.sql, shop, body('A-3'), URL_BASE);
    const changed = await createTicket(db.sql, shop, body('A-3', { payment_form: '04' }), URL_BASE);
    expect(changed.kind).toBe('conflict');
    const elsewhere = await createTicket(db.sql, other, body('A-3'), URL_BASE);
    expect(elsewhere.kind).toBe('created');
  });

  it('settles concurrent registrations of one external_id on one ticket', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => createTicket(db.sql, shop, body('A-RACE'), URL_BASE)),
    );
    const kinds = results.map((r) => r.kind).sort();
    expect(kinds.filter((k) => k === 'created')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'existing')).toHaveLength(5);
    const codes = new Set(results.map((r) => (r.kind === 'invalid' ? null : r.ticket.code)));
    expect(codes.size).toBe(1);
  });

  it('reports shape and rule problems by field', async () => {
    const result = await createTicket(
      db.sql,
      shop,
      { ...body('A-4'), total: undefined, items: [{ ...body('x').items[0], tax: 'IVA8' }] } as never,
      URL_BASE,
    );
    expect(result.kind).toBe('invalid');
    if (result.kind === 'invalid') expect(result.problems).toEqual([{ field: 'total', message: 'required' }]);
    const rules = await createTicket(
      db.sql,
      shop,
      body('A-5', { items: [{ ...body('x').items[0], tax: 'IVA8' }] }),
      URL_BASE,
    );
    expect(rules.kind === 'invalid' && rules.problems.map((p) => p.field)).toEqual(['items[0].tax']);
  });

  it('uses the company’s window, time zone and channels', async () => {
    await db.sql`update company_settings set invoicing_window = 'week', whatsapp_number = '5216641234567',
                 telegram_bot_username = 'FacturaXochiltBot' where company_id = ${other.id}`;
    const result = await createTicket(
      db.sql,
      other,
      body('B-1', { sold_at: '2026-03-05T12:00:00-08:00' }),
      URL_BASE,
    );
    if (result.kind !== 'created') throw new Error(result.kind);
    expect(result.ticket.deadline).toBe('2026-03-12T23:59:59-07:00');
    expect(result.ticket.sold_at).toBe('2026-03-05T12:00:00-08:00');
    const code = result.record.code;
    expect(result.ticket.urls.telegram).toBe(`https://t.me/FacturaXochiltBot?start=${code.compact}`);
    expect(result.ticket.urls.whatsapp).toBe(
      `https://wa.me/5216641234567?text=${encodeURIComponent(`Hola, quiero facturar mi ticket ${code.toString()}`)}`,
    );
  });

  it('works inside the caller’s transaction (as the demo uses it)', async () => {
    const code = await db.sql.begin(async (tx) => {
      const r = await createTicket(tx, shop, body('TX-1'), URL_BASE);
      return r.kind === 'created' ? r.ticket.code : null;
    });
    expect(code).not.toBeNull();
    expect((await findTicketByCode(db.sql, code!.toLowerCase().replace(/-/gu, ' ')))?.externalId).toBe(
      'TX-1',
    );
  });

  it('finds tickets by code in any format and returns null for unknown or malformed codes', async () => {
    const r = await createTicket(db.sql, shop, body('F-1'), URL_BASE);
    if (r.kind !== 'created') throw new Error(r.kind);
    const compact = r.record.code.compact;
    for (const text of [compact, r.ticket.code, compact.toLowerCase(), r.record.code]) {
      expect((await findTicketByCode(db.sql, text))?.id).toBe(r.record.id);
    }
    expect(await findTicketByCode(db.sql, TicketCode.generate())).toBeNull();
    expect(await findTicketByCode(db.sql, 'not a code')).toBeNull();
  });

  it('cancels open tickets, once, and refuses invoiced ones with the invoice UUID', async () => {
    const open = await createTicket(db.sql, shop, body('C-1'), URL_BASE);
    if (open.kind !== 'created') throw new Error(open.kind);
    const first = await cancelTicket(db.sql, shop.id, open.record.code, 'devolución');
    expect(first.kind).toBe('cancelled');
    expect(first.kind === 'cancelled' && first.ticket.status).toBe('cancelled');
    expect((await cancelTicket(db.sql, shop.id, open.record.code, 'otra vez')).kind).toBe(
      'already_cancelled',
    );
    expect((await cancelTicket(db.sql, other.id, open.record.code, 'ajeno')).kind).toBe('not_found');

    const invoiced = await createTicket(db.sql, shop, body('C-2'), URL_BASE);
    if (invoiced.kind !== 'created') throw new Error(invoiced.kind);
    const uuid = 'a1b2c3d4-0000-4000-8000-000000000001';
    await db.sql`insert into invoices (company_id, ticket_id, serie, folio, uuid, status, channel, receptor, total)
                 values (${shop.id}, ${invoiced.record.id}, 'AF', 1, ${uuid}, 'vigente', 'web', '{}', 90)`;
    const refused = await cancelTicket(db.sql, shop.id, invoiced.record.code, 'devolución');
    expect(refused).toMatchObject({ kind: 'invoiced', invoiceUuid: uuid });

    const failed = await createTicket(db.sql, shop, body('C-3'), URL_BASE);
    if (failed.kind !== 'created') throw new Error(failed.kind);
    await db.sql`insert into invoices (company_id, ticket_id, serie, folio, status, channel, receptor, total)
                 values (${shop.id}, ${failed.record.id}, 'AF', 2, 'failed', 'web', '{}', 90)`;
    expect((await cancelTicket(db.sql, shop.id, failed.record.code, 'devolución')).kind).toBe('cancelled');
  });
});
