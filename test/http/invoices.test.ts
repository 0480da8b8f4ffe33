/**
 * Invoice routes over real HTTP. Rows are inserted with SQL (the invoicing service writes them in
 * production) with a real CFDI from test/fixtures. The PDF comes from the real renderer
 * (src/invoicing/pdf); cancellations go to the real sandbox PAC driver, except where a test needs
 * an answer the sandbox never gives (pending acceptance, rejection, PAC failure): there a scripted
 * fake answers.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  cancelOutcomeSchema,
  invoiceListSchema,
  invoiceSchema,
} from '../../src/http/api/contract/invoices.ts';
import type { ApiDeps } from '../../src/http/api/deps.ts';
import { PacError } from '../../src/invoicing/pac/errors.ts';
import { createSandboxPac } from '../../src/invoicing/pac/sandbox.ts';
import { renderPdf } from '../../src/invoicing/pdf/index.ts';
import type { TicketInput } from '../../src/tickets/input.ts';
import { createTicket } from '../../src/tickets/service.ts';
import { DB_MODE } from '../helpers/db.ts';
import { type Harness, PUBLIC_URL, startHarness, ticketBody } from './harness.ts';

const XML = readFileSync(
  new URL('../fixtures/sat/examples/cfdiutils_cfdi40-valid.xml', import.meta.url),
  'utf8',
);
const CSD_DIR = new URL('../../src/sat/data/csd-demo/', import.meta.url);
const UUID = '6F35D3B5-3651-5370-BC2C-14CDBE384CD7';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

type CancelAnswer = Awaited<ReturnType<ApiDeps['cancelInvoice']>>;
const sandbox = createSandboxPac();
let script: (() => Promise<CancelAnswer>) | null = null;
const cancelCalls: Array<Parameters<ApiDeps['cancelInvoice']>[0]> = [];

const deps: ApiDeps = {
  renderPdf: ({ xml }) => renderPdf(xml),
  async cancelInvoice(req) {
    cancelCalls.push(req);
    if (script) return script();
    const result = await sandbox.cancel({
      uuid: req.uuid,
      motivo: req.motivo,
      ...(req.folioSustitucion ? { folioSustitucion: req.folioSustitucion } : {}),
      rfcEmisor: 'EKU9003173C9',
      rfcReceptor: 'MCI7306249Y1',
      total: '3824.15',
      csd: {
        certificate: readFileSync(new URL('EKU9003173C9.cer', CSD_DIR)),
        privateKey: readFileSync(new URL('EKU9003173C9.key', CSD_DIR)),
        password: '12345678a',
      },
    });
    return { status: result.status, ...(result.message ? { message: result.message } : {}) };
  },
};

describe(`invoice routes (${DB_MODE})`, () => {
  let h: Harness;
  let admin: string;
  let companyId: string;
  let folio = 0;

  async function invoice(over: {
    uuid?: string | null;
    status?: string;
    channel?: string;
    rfc?: string;
    issuedAt?: string;
    xml?: string | null;
  }) {
    const t = await createTicket(h.db.sql, { id: companyId }, ticketBody() as TicketInput, PUBLIC_URL);
    if (t.kind !== 'created') throw new Error(t.kind);
    folio++;
    const receptor = {
      rfc: over.rfc ?? 'MCI7306249Y1',
      nombre: 'MI CLIENTE',
      codigoPostal: '06600',
      regimenFiscal: '601',
      usoCfdi: 'G03',
    };
    await h.db.sql`
      insert into invoices (company_id, ticket_id, serie, folio, uuid, status, channel, receptor, total, xml, issued_at, stamped_at)
      values (${companyId}, ${t.record.id}, 'AF', ${folio}, ${over.uuid === undefined ? uuid(folio) : over.uuid},
              ${over.status ?? 'vigente'}, ${over.channel ?? 'web'}, ${h.db.sql.json(receptor)}, 90,
              ${over.xml === undefined ? XML : over.xml}, ${over.issuedAt ?? '2026-11-20T12:00:00-06:00'},
              ${over.status === 'pending' || over.status === 'failed' ? null : (over.issuedAt ?? '2026-11-20T12:00:00-06:00')})`;
    return t;
  }
  const get = (path: string) => h.call('GET', `/api/v1${path}`, { key: admin });
  const cancel = (id: string, json: unknown) =>
    h.call('POST', `/api/v1/invoices/${id}/cancel`, { key: admin, json });

  beforeAll(async () => {
    h = await startHarness({ deps });
    const company = await h.company({ lugarExpedicion: '06600' });
    companyId = company.id;
    admin = await h.key(company.id, 'admin');
    await invoice({ uuid: UUID.toLowerCase(), channel: 'whatsapp', issuedAt: '2026-11-02T09:00:00-06:00' });
    await invoice({ channel: 'telegram', rfc: 'PEAM800101AB1', issuedAt: '2026-11-10T09:00:00-06:00' });
    await invoice({ status: 'cancelled', issuedAt: '2026-10-30T09:00:00-06:00' });
    await invoice({ uuid: null, status: 'pending', xml: null, issuedAt: '2026-11-24T09:00:00-06:00' });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    script = null;
    cancelCalls.length = 0;
  });

  it('reads one invoice by UUID in either case', async () => {
    for (const id of [UUID, UUID.toLowerCase()]) {
      const res = await get(`/invoices/${id}`);
      expect(res.status).toBe(200);
      const body = invoiceSchema.parse(await res.json());
      expect(body).toMatchObject({
        uuid: UUID,
        serie: 'AF',
        status: 'vigente',
        channel: 'whatsapp',
        total: '90.00',
        receptor: { rfc: 'MCI7306249Y1', codigo_postal: '06600', uso_cfdi: 'G03' },
        issued_at: '2026-11-02T09:00:00-06:00',
        urls: { xml: `/invoices/${UUID}/xml`, pdf: `/invoices/${UUID}/pdf` },
        cancellation: null,
      });
      expect(body.ticket_code).toMatch(/^.{4}-.{4}-.{4}$/u);
    }
    expect((await get(`/invoices/${uuid(999)}`)).status).toBe(404);
    const bad = await get('/invoices/not-a-uuid');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.fields).toEqual([
      { field: 'uuid', message: 'expected a UUID (folio fiscal)' },
    ]);
  });

  it('serves the stamped XML and the PDF', async () => {
    const xml = await get(`/invoices/${UUID}/xml`);
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toMatch(/^application\/xml/u);
    expect(await xml.text()).toBe(XML);
    const pdf = await get(`/invoices/${UUID}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toContain(`${UUID}.pdf`);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('lists invoices newest first, filtered by date, status, channel and RFC, with a cursor', async () => {
    const list = async (query: string) => {
      const res = await get(`/invoices?${query}`);
      expect(res.status, query).toBe(200);
      return invoiceListSchema.parse(await res.json());
    };
    const all = await list('');
    expect(all.invoices.map((i) => i.status)).toEqual(['pending', 'cancelled', 'vigente', 'vigente']);
    expect(all.invoices[0]!.uuid).toBeNull();
    expect(all.invoices[0]!.urls).toBeNull();
    expect((await list('from=2026-11-01&to=2026-11-10')).invoices.map((i) => i.issued_at)).toEqual([
      '2026-11-10T09:00:00-06:00',
      '2026-11-02T09:00:00-06:00',
    ]);
    expect((await list('status=cancelled')).invoices).toHaveLength(1);
    expect((await list('channel=telegram')).invoices.map((i) => i.receptor.rfc)).toEqual(['PEAM800101AB1']);
    expect((await list('rfc=peam800101ab1')).invoices).toHaveLength(1);
    const first = await list('limit=3');
    expect(first.invoices).toHaveLength(3);
    const second = await list(`limit=3&cursor=${first.next_cursor}`);
    expect(second.invoices.map((i) => i.uuid)).toEqual([UUID]);
    expect(second.next_cursor).toBeNull();
    const bad = await get('/invoices?status=void&channel=fax&from=2026-13-01');
    expect((await bad.json()).error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'channel',
      'from',
      'status',
    ]);
  });

  it('cancels through the PAC (sandbox driver): status cancelled, audited', async () => {
    const t = await invoice({});
    const id = uuid(folio);
    const res = await cancel(id, { motivo: '02' });
    expect(res.status).toBe(200);
    const body = cancelOutcomeSchema.parse(await res.json());
    expect(body.cancellation.status).toBe('cancelled');
    expect(body.invoice).toMatchObject({
      status: 'cancelled',
      cancellation: { motivo: '02', folio_sustitucion: null },
    });
    expect(body.invoice.cancellation?.cancelled_at).not.toBeNull();
    expect(cancelCalls).toEqual([{ companyId, uuid: id, motivo: '02' }]);
    const [audit] = await h.db
      .sql`select details from audit_log where action = 'invoice.cancel_requested' and subject = ${id}`;
    expect(audit!.details).toMatchObject({ motivo: '02', outcome: 'cancelled' });
    const again = await cancel(id, { motivo: '02' });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('already_cancelled');
    expect(t.kind).toBe('created');
  });

  it('records a cancellation awaiting the receptor (motivo 01 with its substitute)', async () => {
    await invoice({});
    const id = uuid(folio);
    script = async () => ({ status: 'pending_acceptance', message: 'En espera de aceptación del receptor' });
    const res = await cancel(id, { motivo: '01', folio_sustitucion: UUID });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.cancellation).toEqual({
      status: 'pending_acceptance',
      message: 'En espera de aceptación del receptor',
    });
    expect(body.invoice).toMatchObject({
      status: 'cancel_pending',
      cancellation: { motivo: '01', folio_sustitucion: UUID, cancelled_at: null },
    });
    expect(cancelCalls[0]).toEqual({
      companyId,
      uuid: id,
      motivo: '01',
      folioSustitucion: UUID.toLowerCase(),
    });
    const [row] = await h.db.sql`select status, cancel_folio_sustitucion from invoices where uuid = ${id}`;
    expect(row).toMatchObject({ status: 'cancel_pending', cancel_folio_sustitucion: UUID.toLowerCase() });
  });

  it('keeps the invoice vigente when the PAC refuses or fails', async () => {
    await invoice({});
    const id = uuid(folio);
    script = async () => ({ status: 'rejected', message: 'El receptor rechazó la cancelación' });
    const rejected = await cancel(id, { motivo: '02' });
    expect(rejected.status).toBe(409);
    expect((await rejected.json()).error).toMatchObject({
      code: 'cancel_rejected',
      message: 'El receptor rechazó la cancelación',
    });

    script = async () => {
      throw PacError.unavailable('sw', 503, '503', 'Service Unavailable');
    };
    const down = await cancel(id, { motivo: '02' });
    expect(down.status).toBe(502);
    const text = await down.text();
    expect(JSON.parse(text).error).toMatchObject({ code: 'pac_error', pac_code: '503', retryable: true });
    expect(text).not.toMatch(/\.ts:\d+/u);

    script = async () => {
      throw new Error('socket hang up in a bug');
    };
    const crash = await cancel(id, { motivo: '02' });
    expect(crash.status).toBe(500);
    const crashBody = await crash.text();
    expect(JSON.parse(crashBody).error).toEqual({
      code: 'internal',
      message: 'Internal error',
      request_id: expect.any(String),
    });
    expect(crashBody).not.toContain('socket hang up');

    const [row] = await h.db.sql`select status, cancel_motivo from invoices where uuid = ${id}`;
    expect(row).toMatchObject({ status: 'vigente', cancel_motivo: '02' });
  });

  it('validates the cancellation request', async () => {
    const fields = async (id: string, json: unknown) => {
      const res = await cancel(id, json);
      expect(res.status).toBe(400);
      return (await res.json()).error.fields;
    };
    expect(await fields(UUID, { motivo: '05' })).toEqual([{ field: 'motivo', message: expect.any(String) }]);
    expect(await fields(UUID, { motivo: '01' })).toEqual([
      { field: 'folio_sustitucion', message: 'required with motivo 01' },
    ]);
    expect(await fields(UUID, { motivo: '02', folio_sustitucion: UUID })).toEqual([
      { field: 'folio_sustitucion', message: 'only allowed with motivo 01' },
    ]);
    expect(await fields(UUID, { motivo: '01', folio_sustitucion: UUID })).toEqual([
      { field: 'folio_sustitucion', message: 'cannot be the invoice itself' },
    ]);
    const pending = (await (await get('/invoices?status=pending')).json()).invoices[0];
    expect(pending.uuid).toBeNull();

    // An invoice whose stamp is not recorded yet: no files, and nothing to cancel.
    await invoice({ status: 'pending', xml: null });
    const unstamped = uuid(folio);
    expect((await get(`/invoices/${unstamped}/xml`)).status).toBe(404);
    expect((await get(`/invoices/${unstamped}/pdf`)).status).toBe(404);
    const refused = await cancel(unstamped, { motivo: '02' });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe('not_stamped');
    expect(cancelCalls).toEqual([]);
  });
});
