/**
 * Registering and cancelling tickets. Registering is idempotent on the POS's external id: the same
 * sale again returns the stored ticket, a different sale under the same id is a conflict.
 * Expected outcomes are results, not exceptions.
 */
import type { Company } from '../companies/companies.ts';
import type { Queryable, Sql } from '../db/database.ts';
import type { TicketItem } from '../invoicing/types.ts';
import { TicketCode } from '../sat/code.ts';
import { loadSettings } from '../settings/repo.ts';
import { computeDeadline } from './deadline.ts';
import { type TicketInput, ticketInputSchema, toNewTicket } from './input.ts';
import { ticketLinks } from './links.ts';
import { zodProblems } from './problems.ts';
import { findTicketByCode, findTicketByExternalId, insertTicket } from './queries.ts';
import { checkTicket } from './rules.ts';
import { computeTicketTotal, Dec } from './totals.ts';
import type { FieldProblem, NewTicket, Ticket } from './types.ts';
import { type TicketView, toTicketView } from './view.ts';

/** `ticket` is the public JSON; `record` the typed row. */
export type CreateTicketResult =
  | { kind: 'created' | 'existing' | 'conflict'; ticket: TicketView; record: Ticket }
  | { kind: 'invalid'; problems: FieldProblem[] };

const CODE_ATTEMPTS = 5;

/** Items as stored: trimmed text, discount "0" when absent, IEPS rate with 6 decimals. */
function normalizeItems(items: TicketItem[]): TicketItem[] {
  return items.map((item) => ({
    description: item.description.trim(),
    quantity: item.quantity,
    unitPrice: item.unitPrice,
    productKey: item.productKey,
    unitKey: item.unitKey,
    ...(item.unitName ? { unitName: item.unitName } : {}),
    tax: item.tax,
    iepsRate: item.iepsRate ? new Dec(item.iepsRate).toFixed(6) : null,
    discount: item.discount || '0',
  }));
}

/** A canonical form of a sale, so that "45.00" and "45" compare equal. */
function fingerprint(t: Pick<NewTicket, 'soldAt' | 'paymentForm' | 'pricesIncludeTax' | 'items'>): string {
  const dec = (v: string | null | undefined) => (v ? new Dec(v).toString() : null);
  return JSON.stringify([
    t.soldAt.getTime(),
    t.paymentForm,
    t.pricesIncludeTax,
    t.items.map((i) => [
      i.description.trim(),
      dec(i.quantity),
      dec(i.unitPrice),
      i.productKey,
      i.unitKey,
      i.unitName ?? null,
      i.tax,
      dec(i.iepsRate),
      dec(i.discount || '0'),
    ]),
  ]);
}

/**
 * Registers a sale for `company` from its public JSON (the POS body, see input.ts): checks it
 * (shape, SAT catalogs, border IVA, total), computes its deadline from the company's invoicing
 * window and time zone, and stores it under a fresh ticket code. The same external_id again gives
 * `existing` (same sale) or `conflict` (a different one). `publicUrl` is PUBLIC_URL, for the links.
 */
export async function createTicket(
  sql: Queryable,
  company: Pick<Company, 'id'>,
  body: TicketInput,
  publicUrl: string,
): Promise<CreateTicketResult> {
  const parsed = ticketInputSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { kind: 'invalid', problems: zodProblems(parsed.error) };
  const input = toNewTicket(parsed.data);
  const settings = await loadSettings(sql, company.id);
  if (!settings) throw new Error(`No company ${company.id}`);
  const problems = checkTicket(input, settings.issuer.lugarExpedicion);
  if (problems.length > 0) return { kind: 'invalid', problems };

  const externalId = input.externalId.trim();
  const view = (ticket: Ticket) =>
    toTicketView(ticket, settings.issuer.timeZone, ticketLinks(ticket.code, publicUrl, settings.channels));
  const settle = (existing: Ticket): CreateTicketResult => ({
    kind: fingerprint(existing) === fingerprint(input) ? 'existing' : 'conflict',
    ticket: view(existing),
    record: existing,
  });

  const known = await findTicketByExternalId(sql, company.id, externalId);
  if (known) return settle(known);

  const row = {
    companyId: company.id,
    externalId,
    soldAt: input.soldAt,
    paymentForm: input.paymentForm,
    pricesIncludeTax: input.pricesIncludeTax,
    items: normalizeItems(input.items),
    total: computeTicketTotal(input.items, input.pricesIncludeTax),
    deadline: computeDeadline(input.soldAt, settings.invoicingWindow, settings.issuer.timeZone),
  };
  for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
    const ticket = await insertTicket(sql, { ...row, code: TicketCode.generate() });
    if (ticket) return { kind: 'created', ticket: view(ticket), record: ticket };
    // Nothing inserted: either a concurrent request stored this external id, or the code was taken.
    const raced = await findTicketByExternalId(sql, company.id, externalId);
    if (raced) return settle(raced);
  }
  throw new Error(`Could not find a free ticket code in ${CODE_ATTEMPTS} attempts`);
}

export type CancelTicketResult =
  | { kind: 'cancelled' | 'already_cancelled'; ticket: Ticket }
  | { kind: 'invoiced'; ticket: Ticket; invoiceUuid: string | null }
  | { kind: 'not_found' };

/**
 * Cancels an open ticket of `companyId` (a returned sale). Refused while the ticket has an invoice
 * that is pending, vigente or awaiting cancellation. The ticket row is locked, so an invoicing
 * transaction that also locks it (`for update`) cannot interleave.
 */
export async function cancelTicket(
  sql: Sql,
  companyId: string,
  code: TicketCode,
  reason: string,
): Promise<CancelTicketResult> {
  const result = await sql.begin(async (tx) => {
    const [row] = await tx`
      select id, status from tickets where code = ${code.compact} and company_id = ${companyId} for update`;
    if (!row) return { kind: 'not_found' } as const;
    if (row.status === 'cancelled') return { kind: 'already_cancelled' } as const;
    const [invoice] = await tx`
      select uuid from invoices
      where ticket_id = ${row.id} and status in ('pending', 'vigente', 'cancel_pending')`;
    if (invoice)
      return { kind: 'invoiced', invoiceUuid: invoice.uuid ? String(invoice.uuid) : null } as const;
    await tx`
      update tickets set status = 'cancelled', cancelled_at = now(), cancel_reason = ${reason}
      where id = ${row.id}`;
    return { kind: 'cancelled' } as const;
  });
  if (result.kind === 'not_found') return result;
  const ticket = await findTicketByCode(sql, code);
  if (!ticket) return { kind: 'not_found' };
  return result.kind === 'invoiced'
    ? { kind: 'invoiced', ticket, invoiceUuid: result.invoiceUuid }
    : { kind: result.kind, ticket };
}
