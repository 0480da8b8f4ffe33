/**
 * SQL for the tickets table. Codes are stored compact (12 symbols, no dashes). Every read joins the
 * ticket's invoice, so callers can tell "invoiced" without a second query.
 */
import type { Queryable } from '../db/database.ts';
import type { TicketItem } from '../invoicing/types.ts';
import { TicketCode } from '../sat/code.ts';
import type { Ticket, TicketStatus } from './types.ts';

function toTicket(row: Record<string, unknown>): Ticket {
  const code = TicketCode.parse(String(row.code));
  if (!code) throw new Error(`Stored ticket ${String(row.id)} has an invalid code`);
  return {
    id: String(row.id),
    companyId: String(row.company_id),
    code,
    externalId: String(row.external_id),
    soldAt: row.sold_at as Date,
    paymentForm: String(row.payment_form),
    pricesIncludeTax: Boolean(row.prices_include_tax),
    items: row.items as TicketItem[],
    total: String(row.total),
    status: row.status as TicketStatus,
    deadline: row.deadline as Date,
    cancelledAt: (row.cancelled_at as Date | null) ?? null,
    cancelReason: (row.cancel_reason as string | null) ?? null,
    createdAt: row.created_at as Date,
    invoice:
      row.invoice_id === null || row.invoice_id === undefined
        ? null
        : {
            uuid: row.invoice_uuid === null ? null : String(row.invoice_uuid),
            status: String(row.invoice_status),
          },
  };
}

/** The ticket with this code, whatever its company, or null. Accepts a TicketCode or any typed form. */
export async function findTicketByCode(sql: Queryable, code: TicketCode | string): Promise<Ticket | null> {
  const parsed = typeof code === 'string' ? TicketCode.parse(code) : code;
  if (!parsed) return null;
  const [row] = await sql`
    select t.*, i.uuid as invoice_uuid, i.status as invoice_status, i.id as invoice_id
    from tickets t left join invoices i on i.ticket_id = t.id
    where t.code = ${parsed.compact}`;
  return row ? toTicket(row) : null;
}

export async function findTicketByExternalId(
  sql: Queryable,
  companyId: string,
  externalId: string,
): Promise<Ticket | null> {
  const [row] = await sql`
    select t.*, i.uuid as invoice_uuid, i.status as invoice_status, i.id as invoice_id
    from tickets t left join invoices i on i.ticket_id = t.id
    where t.company_id = ${companyId} and t.external_id = ${externalId}`;
  return row ? toTicket(row) : null;
}

export interface TicketRow {
  companyId: string;
  code: TicketCode;
  externalId: string;
  soldAt: Date;
  paymentForm: string;
  pricesIncludeTax: boolean;
  items: TicketItem[];
  total: string;
  deadline: Date;
}

/**
 * Inserts a ticket; returns null when the company already has one with this external id (the
 * caller re-reads it). A duplicate code raises the unique violation for the caller to retry.
 */
export async function insertTicket(sql: Queryable, t: TicketRow): Promise<Ticket | null> {
  const [row] = await sql`
    insert into tickets (company_id, code, external_id, sold_at, payment_form, prices_include_tax, items, total, deadline)
    values (${t.companyId}, ${t.code.compact}, ${t.externalId}, ${t.soldAt}, ${t.paymentForm}, ${t.pricesIncludeTax},
            ${sql.json(t.items as never)}, ${t.total}, ${t.deadline})
    on conflict (company_id, external_id) do nothing
    returning *`;
  return row ? toTicket({ ...row, invoice_id: null }) : null;
}

export interface TicketFilters {
  status?: TicketStatus;
  /** sold_at >= from */
  from?: Date;
  /** sold_at < to */
  to?: Date;
  externalId?: string;
}

/** A page of a company's tickets, newest first; `beforeId` is the cursor (exclusive). */
export async function listTickets(
  sql: Queryable,
  companyId: string,
  filters: TicketFilters,
  page: { limit: number; beforeId?: string },
): Promise<Ticket[]> {
  const rows = await sql`
    select t.*, i.uuid as invoice_uuid, i.status as invoice_status, i.id as invoice_id
    from tickets t left join invoices i on i.ticket_id = t.id
    where t.company_id = ${companyId}
      ${filters.status ? sql`and t.status = ${filters.status}` : sql``}
      ${filters.from ? sql`and t.sold_at >= ${filters.from}` : sql``}
      ${filters.to ? sql`and t.sold_at < ${filters.to}` : sql``}
      ${filters.externalId ? sql`and t.external_id = ${filters.externalId}` : sql``}
      ${page.beforeId ? sql`and t.id < ${page.beforeId}` : sql``}
    order by t.id desc
    limit ${page.limit}`;
  return rows.map(toTicket);
}
