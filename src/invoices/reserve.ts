/**
 * Step one of issuing: in one transaction, lock the ticket, check it may be invoiced, take the next
 * gapless folio of the company's series and record a `pending` invoice. The unique ticket_id on
 * invoices makes a second invoice for one ticket impossible even if this logic were wrong.
 */
import type { Channel } from '../conversation/types.ts';
import type { TransactionSql } from '../db/database.ts';

export interface ReceptorInput {
  rfc: string;
  nombre: string;
  codigoPostal: string;
  regimenFiscal: string;
  usoCfdi: string;
  email: string | null;
}

export type Reservation =
  | { kind: 'reserved'; invoiceId: string; serie: string; folio: string; retry: boolean }
  | {
      kind: 'already_invoiced';
      invoiceId: string;
      uuid: string | null;
      serie: string;
      folio: string;
      status: string;
      /** The invoice was asked for from this very chat (a confirmation repeated after a crash). */
      sameChat: boolean;
    }
  | { kind: 'in_progress'; invoiceId: string; serie: string; folio: string; sameChat: boolean }
  | { kind: 'unknown' }
  | { kind: 'cancelled' }
  | { kind: 'expired'; deadline: Date }
  | { kind: 'disabled' }
  | { kind: 'no_csd' };

/** Takes the next folio for (company, serie); gapless because it commits or rolls back with the invoice. */
export async function takeFolio(tx: TransactionSql, companyId: string, serie: string): Promise<string> {
  const [row] = await tx`
    insert into folio_counters (company_id, serie, next_folio) values (${companyId}, ${serie}, 2)
    on conflict (company_id, serie) do update set next_folio = folio_counters.next_folio + 1
    returning next_folio - 1 as folio`;
  return String(row!.folio);
}

/**
 * Reserves the ticket for this receptor. A `failed` invoice (the PAC refused its data) is reused with
 * the new receptor and keeps its folio, issued anew (a new CFDI Fecha, a new 24-hour stamping
 * window); a `pending` one is in progress, from this chat or another.
 */
export async function reserveInvoice(
  tx: TransactionSql,
  req: {
    ticketCode: string;
    receptor: ReceptorInput;
    channel: Channel | 'api';
    chatId: string | null;
    now: Date;
  },
): Promise<Reservation> {
  const [ticket] = await tx`
    select t.id, t.company_id, t.status, t.deadline, t.total, s.self_invoicing_enabled, s.series
    from tickets t join company_settings s on s.company_id = t.company_id
    where t.code = ${req.ticketCode} for update of t`;
  if (!ticket) return { kind: 'unknown' };
  const [existing] = await tx`
    select id, uuid, serie, folio, status, channel, chat_id from invoices where ticket_id = ${ticket.id}`;
  if (existing && existing.status !== 'failed') {
    const sameChat =
      req.chatId !== null && existing.channel === req.channel && existing.chat_id === req.chatId;
    const ref = {
      invoiceId: String(existing.id),
      serie: existing.serie,
      folio: String(existing.folio),
      sameChat,
    };
    if (existing.status === 'pending') return { kind: 'in_progress', ...ref };
    return { kind: 'already_invoiced', ...ref, uuid: existing.uuid, status: existing.status };
  }
  if (ticket.status === 'cancelled') return { kind: 'cancelled' };
  if (!ticket.self_invoicing_enabled) return { kind: 'disabled' };
  if (!existing && ticket.deadline.getTime() < req.now.getTime())
    return { kind: 'expired', deadline: ticket.deadline };
  const [csd] = await tx`select 1 from csd_credentials where company_id = ${ticket.company_id} and active`;
  if (!csd) return { kind: 'no_csd' };

  const customerId = await upsertCustomerRow(tx, String(ticket.company_id), req.receptor);
  const receptorJson = tx.json(req.receptor as never);
  if (existing) {
    await tx`
      update invoices set status = 'pending', receptor = ${receptorJson}, customer_id = ${customerId},
        channel = ${req.channel}, chat_id = ${req.chatId}, xml = null, pac_error_code = null, pac_error_message = null,
        chat_notified_at = null, pac_attempts = 0, issued_at = ${req.now},
        email_to = ${req.receptor.email}, email_status = ${req.receptor.email ? 'pending' : 'none'}, updated_at = now()
      where id = ${existing.id}`;
    return {
      kind: 'reserved',
      invoiceId: String(existing.id),
      serie: existing.serie,
      folio: String(existing.folio),
      retry: true,
    };
  }
  const folio = await takeFolio(tx, String(ticket.company_id), ticket.series);
  const [invoice] = await tx`
    insert into invoices (company_id, ticket_id, customer_id, serie, folio, channel, chat_id, receptor, total,
                          email_to, email_status)
    values (${ticket.company_id}, ${ticket.id}, ${customerId}, ${ticket.series}, ${folio}, ${req.channel}, ${req.chatId},
            ${receptorJson}, ${ticket.total}, ${req.receptor.email}, ${req.receptor.email ? 'pending' : 'none'})
    returning id`;
  await tx`update tickets set status = 'invoiced' where id = ${ticket.id}`;
  return { kind: 'reserved', invoiceId: String(invoice!.id), serie: ticket.series, folio, retry: false };
}

/** The customer catalog is created or updated from the RFC given. */
async function upsertCustomerRow(tx: TransactionSql, companyId: string, r: ReceptorInput): Promise<string> {
  const [row] = await tx`
    insert into customers (company_id, rfc, nombre, codigo_postal, regimen_fiscal, uso_cfdi, email)
    values (${companyId}, ${r.rfc}, ${r.nombre}, ${r.codigoPostal}, ${r.regimenFiscal}, ${r.usoCfdi}, ${r.email})
    on conflict (company_id, rfc) do update set nombre = excluded.nombre, codigo_postal = excluded.codigo_postal,
      regimen_fiscal = excluded.regimen_fiscal, uso_cfdi = excluded.uso_cfdi,
      email = coalesce(excluded.email, customers.email), updated_at = now()
    returning id`;
  return String(row!.id);
}
