/**
 * The ticket routes over real HTTP: registration (single and batch), idempotency, every validation
 * path, reading, listing with filters and cursors, cancelling.
 */
import jsqrModule from 'jsqr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchResultSchema,
  ticketListSchema,
  ticketWithQrSchema,
} from '../../src/http/api/contract/tickets.ts';
import { TicketCode } from '../../src/sat/code.ts';
import { DB_MODE } from '../helpers/db.ts';
import { type Harness, PUBLIC_URL, startHarness, ticketBody } from './harness.ts';

// jsqr is CommonJS: under NodeNext its default import is the module; the function is `.default`.
const jsQR = jsqrModule.default;
const item = (over: Record<string, unknown> = {}) => ({ ...(ticketBody().items as object[])[0], ...over });

async function qrText(pngBase64: string): Promise<string | undefined> {
  const { data, info } = await sharp(Buffer.from(pngBase64, 'base64'))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data;
}

describe(`ticket routes (${DB_MODE})`, () => {
  let h: Harness;
  let pos: string;
  let admin: string;
  let companyId: string;
  const post = (json: unknown, query = '') => h.call('POST', `/api/v1/tickets${query}`, { key: pos, json });
  const fieldsOf = async (res: Response) => {
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('invalid_request');
    return body.error.fields as Array<{ field: string; message: string }>;
  };

  beforeAll(async () => {
    h = await startHarness();
    const company = await h.company({ lugarExpedicion: '06600' });
    companyId = company.id;
    pos = await h.key(company.id, 'pos');
    admin = await h.key(company.id, 'admin');
  });
  afterAll(() => h.close());

  it('registers the issue’s example ticket: 201 with code, deadline, urls and a QR of the web URL', async () => {
    const res = await post(ticketBody({ external_id: 'POS1-000123' }));
    expect(res.status).toBe(201);
    const body = ticketWithQrSchema.parse(await res.json());
    expect(body.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/u);
    const code = TicketCode.parse(body.code)!;
    expect(body).toMatchObject({
      status: 'open',
      total: '90.00',
      deadline: '2026-12-24T23:59:59-06:00',
      external_id: 'POS1-000123',
    });
    expect(body.urls).toEqual({ web: `${PUBLIC_URL}/t/${code.compact}`, whatsapp: null, telegram: null });
    expect(await qrText(body.qr!.png_base64!)).toBe(body.urls.web);
    expect(body.qr!.svg).toMatch(/^<svg[^>]+viewBox/u);
    const [row] = await h.db.sql`select code, company_id from tickets where code = ${code.compact}`;
    expect(String(row!.company_id)).toBe(companyId);
  });

  it('is idempotent on external_id (200, same body) and refuses a different sale under it (409)', async () => {
    const first = await post(ticketBody({ external_id: 'POS1-IDEM' }));
    const firstBody = await first.json();
    const again = await post(ticketBody({ external_id: 'POS1-IDEM' }));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(firstBody);
    const other = await post(ticketBody({ external_id: 'POS1-IDEM', payment_form: '04' }));
    expect(other.status).toBe(409);
    expect((await other.json()).error).toMatchObject({
      code: 'external_id_conflict',
      ticket_code: firstBody.code,
    });
  });

  it.each([
    ['a missing total', ticketBody({ total: undefined }), [{ field: 'total', message: 'required' }]],
    [
      'a wrong total',
      ticketBody({ total: '91.00' }),
      [{ field: 'total', message: 'does not match the items: expected 90.00' }],
    ],
    [
      'a number instead of a decimal string',
      ticketBody({ items: [item({ unit_price: 45 })] }),
      [{ field: 'items[0].unit_price', message: 'expected a decimal string, e.g. "45.00"' }],
    ],
    [
      'a malformed decimal',
      ticketBody({ items: [item({ quantity: '2,5' })] }),
      [
        {
          field: 'items[0].quantity',
          message: 'expected a non-negative decimal string with at most 6 decimals, e.g. "45.00"',
        },
      ],
    ],
    [
      'an unknown field',
      ticketBody({ items: [item({ price: '45.00' })] }),
      [{ field: 'items[0].price', message: 'unknown field' }],
    ],
    [
      'a date without offset',
      ticketBody({ sold_at: '2026-11-24T13:45:00' }),
      [
        {
          field: 'sold_at',
          message: 'expected an ISO 8601 date-time with offset, e.g. 2026-11-24T13:45:00-06:00',
        },
      ],
    ],
    [
      'an unknown tax',
      ticketBody({ items: [item({ tax: 'IVA10' })] }),
      [{ field: 'items[0].tax', message: expect.stringContaining('IVA16') }],
    ],
    ['no items', ticketBody({ items: [] }), [{ field: 'items', message: 'at least one item is required' }]],
    ['a body that is not an object', [1, 2], [{ field: 'body', message: expect.any(String) }]],
  ])('answers 400 for %s', async (_name, body, expected) => {
    expect(await fieldsOf(await post(body))).toEqual(expected);
  });

  it('checks SAT catalogs and the border-region IVA, naming every field', async () => {
    const body = ticketBody({
      payment_form: '77',
      items: [
        item({ product_key: '99999999' }),
        item({ unit_key: 'ZZZ' }),
        item({ tax: 'IVA8' }),
        item({ ieps_rate: '0.12' }),
      ],
      total: '360.00',
    });
    const fields = await fieldsOf(await post(body));
    expect(fields.map((f) => f.field)).toEqual([
      'payment_form',
      'items[0].product_key',
      'items[1].unit_key',
      'items[2].tax',
      'items[3].ieps_rate',
    ]);
  });

  it('adds taxes when prices exclude them', async () => {
    const res = await post(
      ticketBody({ prices_include_tax: false, items: [item({ ieps_rate: '0.08' })], total: '112.75' }),
    );
    expect(res.status).toBe(201);
    expect((await res.json()).total).toBe('112.75');
  });

  it('renders only the QR formats asked for', async () => {
    const none = await (await post(ticketBody(), '?qr=none')).json();
    expect(none.qr).toBeNull();
    const svg = await (await post(ticketBody(), '?qr=svg')).json();
    expect(svg.qr).toEqual({ png_base64: null, svg: expect.stringMatching(/^<svg/u) });
    expect(await fieldsOf(await post(ticketBody(), '?qr=gif'))).toEqual([
      { field: 'qr', message: expect.any(String) },
    ]);
  });

  it('links WhatsApp and Telegram once the company configures them', async () => {
    const patch = await h.call('PATCH', '/api/v1/settings', {
      key: admin,
      json: { channels: { whatsapp_number: '5215512345678', telegram_bot_username: '@KemperFacturaBot' } },
    });
    expect(patch.status).toBe(200);
    const body = await (await post(ticketBody(), '?qr=none')).json();
    const code = TicketCode.parse(body.code)!;
    expect(body.urls.whatsapp).toBe(
      `https://wa.me/5215512345678?text=Hola%2C%20quiero%20facturar%20mi%20ticket%20${code.toString()}`,
    );
    expect(body.urls.telegram).toBe(`https://t.me/KemperFacturaBot?start=${code.compact}`);
  });

  it('reads a ticket by its code in any format; 400 for a malformed code, 404 for an unknown one', async () => {
    const created = await (await post(ticketBody(), '?qr=none')).json();
    const code = TicketCode.parse(created.code)!;
    for (const text of [created.code, code.compact.toLowerCase(), code.compact.replace(/0/gu, 'O')]) {
      const res = await h.call('GET', `/api/v1/tickets/${encodeURIComponent(text)}?qr=none`, { key: pos });
      expect(res.status, text).toBe(200);
      expect((await res.json()).code).toBe(created.code);
    }
    const withQr = ticketWithQrSchema.parse(
      await (await h.call('GET', `/api/v1/tickets/${created.code}`, { key: pos })).json(),
    );
    expect(await qrText(withQr.qr!.png_base64!)).toBe(created.urls.web);
    expect(await fieldsOf(await h.call('GET', '/api/v1/tickets/ABCD-EFGH-JKM0', { key: pos }))).toEqual([
      { field: 'code', message: expect.stringContaining('not a valid ticket code') },
    ]);
    const unknown = await h.call('GET', `/api/v1/tickets/${TicketCode.generate().toString()}`, { key: pos });
    expect(unknown.status).toBe(404);
  });

  it('registers a batch, answering each ticket on its own', async () => {
    const duplicate = ticketBody({ external_id: 'B-DUP' });
    await post(duplicate);
    const res = await h.call('POST', '/api/v1/tickets/batch?qr=none', {
      key: pos,
      json: {
        tickets: [
          ticketBody({ external_id: 'B-1' }),
          ticketBody({ external_id: 'B-2', total: '1.00' }),
          duplicate,
          { ...duplicate, payment_form: '03' },
          'not a ticket',
        ],
      },
    });
    expect(res.status).toBe(200);
    const { results } = batchResultSchema.parse(await res.json());
    expect(results.map((r) => [r.index, r.status])).toEqual([
      [0, 201],
      [1, 400],
      [2, 200],
      [3, 409],
      [4, 400],
    ]);
    expect(results[0]!.ticket?.external_id).toBe('B-1');
    expect(results[1]!.error?.fields).toEqual([
      { field: 'total', message: 'does not match the items: expected 90.00' },
    ]);
    expect(results[3]!.error?.code).toBe('external_id_conflict');
  });

  it('takes up to 1000 tickets in a batch of more than 1 MB, and refuses more', async () => {
    const long = 'Café de especialidad, tueste medio, molido para prensa francesa '.repeat(15).slice(0, 1000);
    const tickets = Array.from({ length: 1000 }, (_, i) =>
      ticketBody({ external_id: `BIG-${i}`, items: [item({ description: long })] }),
    );
    const payload = JSON.stringify({ tickets });
    expect(payload.length).toBeGreaterThan(1_100_000);
    const res = await h.call('POST', '/api/v1/tickets/batch?qr=none', {
      key: pos,
      body: payload,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    const { results } = await res.json();
    expect(results).toHaveLength(1000);
    expect(results.every((r: { status: number }) => r.status === 201)).toBe(true);
    const [n] = await h.db.sql`select count(*)::int as n from tickets where external_id like 'BIG-%'`;
    expect(n!.n).toBe(1000);

    const tooMany = await h.call('POST', '/api/v1/tickets/batch', {
      key: pos,
      json: { tickets: [...tickets, tickets[0]] },
    });
    expect(await fieldsOf(tooMany)).toEqual([
      { field: 'tickets', message: 'at most 1000 tickets per batch' },
    ]);
  });

  it('answers 413 for bodies over the limits and 415/400 for bodies that are not JSON', async () => {
    const big = JSON.stringify(ticketBody({ items: [item({ description: 'x'.repeat(1_100_000) })] }));
    const res = await h.call('POST', '/api/v1/tickets', {
      key: pos,
      body: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
    const huge = `{"tickets":["${'x'.repeat(5_300_000)}"]}`;
    const batch = await h.call('POST', '/api/v1/tickets/batch', {
      key: pos,
      body: huge,
      headers: { 'content-type': 'application/json' },
    });
    expect(batch.status).toBe(413);
    const form = await h.call('POST', '/api/v1/tickets', {
      key: pos,
      body: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const broken = await h.call('POST', '/api/v1/tickets', {
      key: pos,
      body: '{"external_id":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    const text = await broken.text();
    expect(JSON.parse(text).error.code).toBe('invalid_json');
    expect(text).not.toMatch(/at .*\.(ts|js):\d+/u);
  });

  it('lists tickets newest first with filters and cursor pagination', async () => {
    const mk = (id: string, soldAt: string) =>
      post(ticketBody({ external_id: id, sold_at: soldAt }), '?qr=none');
    await mk('L-1', '2026-10-01T10:00:00-06:00');
    await mk('L-2', '2026-10-15T23:30:00-06:00');
    await mk('L-3', '2026-10-31T23:59:00-06:00');
    await mk('L-4', '2026-11-01T00:00:00-06:00');
    const list = async (query: string) => {
      const res = await h.call('GET', `/api/v1/tickets?${query}`, { key: pos });
      expect(res.status, query).toBe(200);
      return ticketListSchema.parse(await res.json());
    };
    const october = await list('from=2026-10-01&to=2026-10-31');
    expect(october.tickets.map((t) => t.external_id)).toEqual(['L-3', 'L-2', 'L-1']);
    const exact = await list('from=2026-10-15T00:00:00-06:00&to=2026-10-31T23:59:00-06:00');
    expect(exact.tickets.map((t) => t.external_id)).toEqual(['L-2']);
    expect((await list('external_id=L-4')).tickets.map((t) => t.sold_at)).toEqual([
      '2026-11-01T00:00:00-06:00',
    ]);

    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    do {
      const page = await list(`from=2026-10-01&to=2026-11-01&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.tickets.map((t) => t.external_id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(['L-4', 'L-3', 'L-2', 'L-1']);
    expect(pages).toBe(2);

    expect(await fieldsOf(await h.call('GET', '/api/v1/tickets?cursor=bogus', { key: pos }))).toEqual([
      { field: 'cursor', message: 'not a cursor returned by this API' },
    ]);
    const bad = await fieldsOf(
      await h.call('GET', '/api/v1/tickets?limit=0&status=lost&from=yesterday&colour=red', { key: pos }),
    );
    expect(bad.map((f) => f.field).sort()).toEqual(['colour', 'from', 'limit', 'status']);
  });

  it('cancels a ticket (audited), harmlessly twice, and refuses an invoiced one with its UUID', async () => {
    const t = await (await post(ticketBody(), '?qr=none')).json();
    const cancel = (code: string, json: unknown = { reason: 'devolución' }) =>
      h.call('POST', `/api/v1/tickets/${code}/cancel`, { key: pos, json });
    const res = await cancel(t.code);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'devolución',
      code: t.code,
    });
    expect((await cancel(t.code)).status).toBe(200);
    const audit = await h.db
      .sql`select action, subject, actor from audit_log where action = 'ticket.cancelled' and subject = ${t.code}`;
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toMatch(/^api_key:\d+:pos$/u);
    const listed = await (await h.call('GET', '/api/v1/tickets?status=cancelled', { key: pos })).json();
    expect(listed.tickets.map((x: { code: string }) => x.code)).toContain(t.code);

    const invoiced = await (await post(ticketBody(), '?qr=none')).json();
    const [row] = await h.db.sql`select id from tickets where code = ${invoiced.code.replace(/-/gu, '')}`;
    await h.db
      .sql`insert into invoices (company_id, ticket_id, serie, folio, uuid, status, channel, receptor, total)
                   values (${companyId}, ${row!.id}, 'AF', 77, '6f35d3b5-3651-5370-bc2c-14cdbe384cd7', 'vigente', 'web', '{}', 90)`;
    await h.db.sql`update tickets set status = 'invoiced' where id = ${row!.id}`;
    const refused = await cancel(invoiced.code);
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatchObject({
      code: 'ticket_invoiced',
      invoice_uuid: '6F35D3B5-3651-5370-BC2C-14CDBE384CD7',
    });
    const shown = await (
      await h.call('GET', `/api/v1/tickets/${invoiced.code}?qr=none`, { key: pos })
    ).json();
    expect(shown).toMatchObject({
      status: 'invoiced',
      invoice: { uuid: '6F35D3B5-3651-5370-BC2C-14CDBE384CD7', status: 'vigente' },
    });

    expect(await fieldsOf(await cancel(invoiced.code, {}))).toEqual([
      { field: 'reason', message: 'required' },
    ]);
    expect((await cancel(TicketCode.generate().toString())).status).toBe(404);
  });
});
