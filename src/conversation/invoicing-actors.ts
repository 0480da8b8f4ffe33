/**
 * The real actors behind the invoicing flow (flows/actors.ts declares their contract): ticket
 * validation with the failed-attempts limit, customer memory, issuing and re-sending. Supplied to
 * the machine with `.provide()` by the wiring; tests supply fakes instead.
 */
import { Decimal } from 'decimal.js';
import type { ValidateTicketOutput } from '../../flows/actors.ts';
import type { Sql } from '../db/database.ts';
import type { CompleteDeps } from '../invoices/complete.ts';
import { invoiceFiles, loadInvoiceRecord } from '../invoices/files.ts';
import { issueForTicket } from '../invoices/issue.ts';
import type { ReceptorInput } from '../invoices/reserve.ts';
import type { Logger } from '../log.ts';
import { TicketCode } from '../sat/code.ts';
import type { Channel, ReplyFile } from './types.ts';

export const MAX_FAILURES_PER_HOUR = 5;
export const RESEND_LIMIT = 3;

export interface ActorDeps extends CompleteDeps {
  sql: Sql;
  log?: Logger;
  /**
   * Called after an invoice is stamped and its files handed to the chat (queues the e-mail). A
   * failure here is logged, not thrown: the invoice is stamped and the customer gets its files.
   */
  onIssued?: (invoiceId: string) => Promise<void>;
  /** Called when stamping has to wait (queues the stamping job that delivers the files later). */
  onQueued?: (invoiceId: string) => Promise<void>;
}

type ChatRef = { channel: Channel; chatId: string };

/** A ticket code as stored (12 symbols, no dashes), whichever form the flow passes it in. */
function compactCode(text: string): string {
  return TicketCode.parse(text)?.compact ?? text.toUpperCase().replace(/[^0-9A-Z]/gu, '');
}

function dateIn(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(instant);
}

/** Checks code + purchase date + total against the registered ticket, never revealing stored values. */
export async function validateTicket(
  deps: ActorDeps,
  input: ChatRef & { code: string; date: string; total: string },
): Promise<ValidateTicketOutput> {
  const { sql } = deps;
  const now = deps.now?.() ?? new Date();
  const code = compactCode(input.code);
  const since = new Date(now.getTime() - 60 * 60_000);
  const [fails] = await sql`
    select
      count(*) filter (where channel = ${input.channel} and chat_id = ${input.chatId})::int as by_chat,
      count(*) filter (where ticket_code = ${code})::int as by_code,
      min(failed_at) as oldest
    from validation_failures
    where failed_at > ${since} and ((channel = ${input.channel} and chat_id = ${input.chatId}) or ticket_code = ${code})`;
  if (Number(fails?.by_chat) >= MAX_FAILURES_PER_HOUR || Number(fails?.by_code) >= MAX_FAILURES_PER_HOUR) {
    const oldest = fails?.oldest as Date | null;
    const minutes = oldest
      ? Math.max(1, Math.ceil((oldest.getTime() + 60 * 60_000 - now.getTime()) / 60_000))
      : 60;
    return { outcome: 'cooldown', retryAfterMinutes: minutes };
  }
  const fail = async (outcome: { outcome: 'unknown' } | { outcome: 'mismatch' }) => {
    await sql`insert into validation_failures (channel, chat_id, ticket_code, failed_at)
              values (${input.channel}, ${input.chatId}, ${code}, ${now})`;
    return outcome;
  };

  const [ticket] = await sql`
    select t.id, t.code, t.sold_at, t.total::text as total, t.status, t.deadline, c.name, c.time_zone,
           s.self_invoicing_enabled, s.brand_name
    from tickets t join companies c on c.id = t.company_id join company_settings s on s.company_id = t.company_id
    where t.code = ${code}`;
  if (!ticket) return fail({ outcome: 'unknown' });
  let totalMatches = false;
  try {
    totalMatches = new Decimal(input.total).equals(new Decimal(ticket.total));
  } catch {
    totalMatches = false;
  }
  if (!totalMatches || dateIn(ticket.sold_at, ticket.time_zone) !== input.date)
    return fail({ outcome: 'mismatch' });

  if (ticket.status === 'cancelled') return { outcome: 'cancelled' };
  const [invoice] = await sql`
    select uuid, serie, folio, status, resend_count, issued_at from invoices where ticket_id = ${ticket.id} and status <> 'failed'`;
  if (invoice?.status === 'pending') {
    return { outcome: 'in_progress', serieFolio: `${invoice.serie}-${invoice.folio}` };
  }
  if (invoice) {
    const withinMonth = addMonths(invoice.issued_at, 1).getTime() > now.getTime();
    return {
      outcome: 'invoiced',
      serieFolio: `${invoice.serie}-${invoice.folio}`,
      uuid: invoice.uuid ? String(invoice.uuid).toUpperCase() : '',
      canResend: invoice.status === 'vigente' && withinMonth && Number(invoice.resend_count) < RESEND_LIMIT,
    };
  }
  if (!ticket.self_invoicing_enabled) return { outcome: 'disabled' };
  if (ticket.deadline.getTime() < now.getTime())
    return { outcome: 'expired', deadline: dateIn(ticket.deadline, ticket.time_zone) };
  return {
    outcome: 'ok',
    companyName: ticket.brand_name ?? ticket.name,
    total: ticket.total,
    ticketCode: ticket.code,
  };
}

export function addMonths(date: Date, months: number): Date {
  const d = new Date(date);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

export interface KnownCustomer {
  rfc: string;
  nombre: string;
  codigoPostal: string;
  regimenFiscal: string;
  usoCfdi: string;
  email: string | null;
}

/** A customer this ticket's company already knows by RFC, or null. */
export async function lookupCustomer(
  deps: ActorDeps,
  input: { ticketCode: string; rfc: string },
): Promise<KnownCustomer | null> {
  const [row] = await deps.sql`
    select cu.rfc, cu.nombre, cu.codigo_postal, cu.regimen_fiscal, cu.uso_cfdi, cu.email
    from customers cu join tickets t on t.company_id = cu.company_id
    where t.code = ${compactCode(input.ticketCode)} and cu.rfc = ${input.rfc}`;
  if (!row) return null;
  return {
    rfc: row.rfc,
    nombre: row.nombre,
    codigoPostal: row.codigo_postal,
    regimenFiscal: row.regimen_fiscal,
    usoCfdi: row.uso_cfdi,
    email: row.email,
  };
}

/** The RFC this chat invoiced with last time, or null. */
export async function recallChat(deps: ActorDeps, input: ChatRef): Promise<{ rfc: string } | null> {
  const [row] = await deps.sql`
    select last_rfc from chat_identities where channel = ${input.channel} and chat_id = ${input.chatId} and last_rfc is not null`;
  return row ? { rfc: row.last_rfc } : null;
}

export type IssueActorOutcome =
  | { outcome: 'issued'; serieFolio: string; uuid: string; files: ReplyFile[]; emailedTo: string | null }
  | { outcome: 'queued' }
  | { outcome: 'already_invoiced'; serieFolio: string; uuid: string }
  | {
      outcome: 'rejected';
      field: 'rfc' | 'nombre' | 'codigoPostal' | 'regimenFiscal' | 'usoCfdi' | null;
      message: string;
    };

/** How long a chat waits for another chat's invoice of the same ticket to be stamped. */
const OTHER_INVOICE_WAIT_MS = 20_000;

type IssueInput = ChatRef & { ticketCode: string; receptor: ReceptorInput };

/** Issues the invoice for the ticket and returns the files to send. */
export async function issueInvoice(
  deps: ActorDeps,
  input: IssueInput,
  attempt = 1,
): Promise<IssueActorOutcome> {
  const outcome = await issueForTicket(deps, {
    ticketCode: compactCode(input.ticketCode),
    receptor: input.receptor,
    channel: input.channel,
    chatId: input.chatId,
  });
  await deps.sql`
    insert into chat_identities (channel, chat_id, last_rfc) values (${input.channel}, ${input.chatId}, ${input.receptor.rfc})
    on conflict (channel, chat_id) do update set last_rfc = excluded.last_rfc, updated_at = now()`;
  switch (outcome.kind) {
    case 'issued': {
      const record = await loadInvoiceRecord(deps.sql, { id: outcome.invoiceId });
      if (!record) throw new Error('issued invoice not found');
      await deps.sql`update invoices set chat_notified_at = now() where id = ${outcome.invoiceId}`;
      try {
        await deps.onIssued?.(outcome.invoiceId);
      } catch (err) {
        deps.log?.error({ err, invoiceId: outcome.invoiceId }, 'follow-up of an issued invoice failed');
      }
      return {
        outcome: 'issued',
        serieFolio: `${outcome.serie}-${outcome.folio}`,
        uuid: record.uuid,
        files: await invoiceFiles(record),
        emailedTo: input.receptor.email,
      };
    }
    case 'queued':
      await deps.onQueued?.(outcome.invoiceId);
      return { outcome: 'queued' };
    case 'in_progress':
      return settledElsewhere(deps, input, outcome, attempt);
    case 'already_invoiced':
      return {
        outcome: 'already_invoiced',
        serieFolio: `${outcome.serie}-${outcome.folio}`,
        uuid: (outcome.uuid ?? '').toUpperCase(),
      };
    case 'rejected':
      return { outcome: 'rejected', field: outcome.field, message: outcome.message };
    default:
      throw new Error(`ticket cannot be invoiced now: ${outcome.kind}`);
  }
}

export type ResendOutcome =
  | { outcome: 'sent'; files: ReplyFile[]; remaining: number }
  | { outcome: 'limit' }
  | { outcome: 'expired' };

/** Re-sends an issued invoice: within one month of issue, at most three times, counted in the database. */
export async function resendInvoice(
  deps: ActorDeps,
  input: ChatRef & { ticketCode: string },
): Promise<ResendOutcome> {
  const now = deps.now?.() ?? new Date();
  const [invoice] = await deps.sql`
    select i.id, i.issued_at, i.resend_count from invoices i join tickets t on t.id = i.ticket_id
    where t.code = ${compactCode(input.ticketCode)} and i.status in ('vigente', 'cancel_pending')`;
  if (!invoice) return { outcome: 'expired' };
  if (addMonths(invoice.issued_at, 1).getTime() <= now.getTime()) return { outcome: 'expired' };
  const [counted] = await deps.sql`
    update invoices set resend_count = resend_count + 1, updated_at = now()
    where id = ${invoice.id} and resend_count < ${RESEND_LIMIT} returning resend_count`;
  if (!counted) return { outcome: 'limit' };
  const record = await loadInvoiceRecord(deps.sql, { id: String(invoice.id) });
  if (!record) return { outcome: 'expired' };
  return {
    outcome: 'sent',
    files: await invoiceFiles(record),
    remaining: RESEND_LIMIT - Number(counted.resend_count),
  };
}

/**
 * Another chat confirmed the same ticket a moment earlier and its invoice is being stamped: wait for
 * it to settle, then this chat hears that the ticket is invoiced (with its folio and UUID). When the
 * other invoice was refused the ticket is free again, so this chat's confirmation is tried once more.
 */
async function settledElsewhere(
  deps: ActorDeps,
  input: IssueInput,
  pending: { invoiceId: string; serie: string; folio: string },
  attempt: number,
): Promise<IssueActorOutcome> {
  const until = Date.now() + OTHER_INVOICE_WAIT_MS;
  let row: { status: string; uuid: string | null } | undefined;
  for (;;) {
    [row] =
      (await deps.sql`select status, uuid from invoices where id = ${pending.invoiceId}`) as unknown as {
        status: string;
        uuid: string | null;
      }[];
    if (row?.status !== 'pending' || Date.now() >= until) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if ((row === undefined || row.status === 'failed') && attempt < 2)
    return issueInvoice(deps, input, attempt + 1);
  return {
    outcome: 'already_invoiced',
    serieFolio: `${pending.serie}-${pending.folio}`,
    uuid: (row?.uuid ?? '').toUpperCase(),
  };
}
