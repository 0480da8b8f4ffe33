/**
 * The read side of invoices for the admin API, plus recording what happened to a cancellation
 * request. Writing invoices (folios, stamping) belongs to the invoicing service.
 */
import type { Queryable } from '../db/database.ts';

export const INVOICE_STATUSES = ['pending', 'vigente', 'cancel_pending', 'cancelled', 'failed'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const INVOICE_CHANNELS = ['whatsapp', 'telegram', 'web', 'api'] as const;
export type InvoiceChannel = (typeof INVOICE_CHANNELS)[number];

export interface InvoiceSummary {
  id: string;
  companyId: string;
  uuid: string | null;
  serie: string;
  folio: string;
  status: InvoiceStatus;
  channel: InvoiceChannel;
  selfInvoiced: boolean;
  /** As stored by the invoicing service: { rfc, nombre, domicilioFiscal, regimenFiscal, usoCfdi }. */
  receptor: Record<string, unknown>;
  total: string;
  ticketCode: string;
  customerId: string | null;
  issuedAt: Date;
  stampedAt: Date | null;
  email: { to: string | null; status: string | null };
  pacError: { code: string | null; message: string | null } | null;
  cancellation: {
    motivo: string | null;
    folioSustitucion: string | null;
    requestedAt: Date | null;
    cancelledAt: Date | null;
  };
  hasXml: boolean;
}

function toRecord(row: Record<string, unknown>): InvoiceSummary {
  return {
    id: String(row.id),
    companyId: String(row.company_id),
    uuid: row.uuid ? String(row.uuid) : null,
    serie: String(row.serie),
    folio: String(row.folio),
    status: row.status as InvoiceStatus,
    channel: row.channel as InvoiceChannel,
    selfInvoiced: Boolean(row.self_invoiced),
    receptor: (row.receptor ?? {}) as Record<string, unknown>,
    total: String(row.total),
    ticketCode: String(row.ticket_code),
    customerId: row.customer_id ? String(row.customer_id) : null,
    issuedAt: row.issued_at as Date,
    stampedAt: (row.stamped_at as Date | null) ?? null,
    email: {
      to: (row.email_to as string | null) ?? null,
      status: (row.email_status as string | null) ?? null,
    },
    pacError:
      row.pac_error_code || row.pac_error_message
        ? {
            code: (row.pac_error_code as string | null) ?? null,
            message: (row.pac_error_message as string | null) ?? null,
          }
        : null,
    cancellation: {
      motivo: (row.cancel_motivo as string | null) ?? null,
      folioSustitucion: row.cancel_folio_sustitucion ? String(row.cancel_folio_sustitucion) : null,
      requestedAt: (row.cancel_requested_at as Date | null) ?? null,
      cancelledAt: (row.cancelled_at as Date | null) ?? null,
    },
    hasXml: Boolean(row.has_xml),
  };
}

export interface InvoiceFilters {
  /** issued_at >= from */
  from?: Date;
  /** issued_at < to */
  to?: Date;
  status?: InvoiceStatus;
  channel?: InvoiceChannel;
  /** The receptor's RFC. */
  rfc?: string;
}

/** A page of the company's invoices, newest first; `beforeId` is the cursor (exclusive). */
export async function listInvoices(
  sql: Queryable,
  companyId: string,
  filters: InvoiceFilters,
  page: { limit: number; beforeId?: string },
): Promise<InvoiceSummary[]> {
  const rows = await sql`
    select i.*, t.code as ticket_code, (i.xml is not null) as has_xml
    from invoices i join tickets t on t.id = i.ticket_id
    where i.company_id = ${companyId}
      ${filters.from ? sql`and i.issued_at >= ${filters.from}` : sql``}
      ${filters.to ? sql`and i.issued_at < ${filters.to}` : sql``}
      ${filters.status ? sql`and i.status = ${filters.status}` : sql``}
      ${filters.channel ? sql`and i.channel = ${filters.channel}` : sql``}
      ${filters.rfc ? sql`and i.receptor->>'rfc' = ${filters.rfc.trim().toUpperCase()}` : sql``}
      ${page.beforeId ? sql`and i.id < ${page.beforeId}` : sql``}
    order by i.id desc
    limit ${page.limit}`;
  return rows.map(toRecord);
}

/** The company's invoice with this UUID (lower or upper case), or null. */
export async function findInvoiceByUuid(
  sql: Queryable,
  companyId: string,
  uuid: string,
): Promise<InvoiceSummary | null> {
  const [row] = await sql`
    select i.*, t.code as ticket_code, (i.xml is not null) as has_xml
    from invoices i join tickets t on t.id = i.ticket_id
    where i.company_id = ${companyId} and i.uuid = ${uuid.toLowerCase()}`;
  return row ? toRecord(row) : null;
}

/** The stamped XML of the company's invoice, or null when there is none (yet). */
export async function findInvoiceXml(
  sql: Queryable,
  companyId: string,
  uuid: string,
): Promise<string | null> {
  const [row] = await sql`
    select xml from invoices where company_id = ${companyId} and uuid = ${uuid.toLowerCase()}`;
  return (row?.xml as string | null | undefined) ?? null;
}

/** Notes a cancellation request (motivo, folio de sustitución, when) before the PAC is called. */
export async function recordCancelRequest(
  sql: Queryable,
  invoiceId: string,
  request: { motivo: string; folioSustitucion: string | null },
): Promise<void> {
  await sql`
    update invoices set cancel_motivo = ${request.motivo},
      cancel_folio_sustitucion = ${request.folioSustitucion},
      cancel_requested_at = now(), updated_at = now()
    where id = ${invoiceId}`;
}

/** Records the PAC's answer: cancelled now, or waiting for the receptor's acceptance. */
export async function recordCancelOutcome(
  sql: Queryable,
  invoiceId: string,
  outcome: 'cancelled' | 'cancel_pending',
): Promise<void> {
  await sql`
    update invoices set status = ${outcome},
      cancelled_at = ${outcome === 'cancelled' ? sql`now()` : sql`null`}, updated_at = now()
    where id = ${invoiceId}`;
}
