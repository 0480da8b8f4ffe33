/**
 * Issuing an invoice for a ticket, from the chat or the API: reserve (one transaction, gapless
 * folio, one invoice per ticket), then complete (build, seal, check, stamp). Expected outcomes are
 * results, not exceptions.
 */
import type { Channel } from '../conversation/types.ts';
import { type CompleteDeps, type Completion, completeInvoice } from './complete.ts';
import { type ReceptorInput, reserveInvoice } from './reserve.ts';

export type IssueOutcome =
  | { kind: 'issued'; invoiceId: string; uuid: string; serie: string; folio: string; xml: string }
  | { kind: 'queued'; invoiceId: string; serie: string; folio: string }
  | { kind: 'already_invoiced'; invoiceId: string; uuid: string | null; serie: string; folio: string }
  | { kind: 'in_progress'; invoiceId: string }
  | {
      kind: 'rejected';
      invoiceId: string;
      code: string;
      message: string;
      field: Extract<Completion, { kind: 'rejected' }>['field'];
    }
  | { kind: 'unknown' | 'cancelled' | 'disabled' | 'no_csd' }
  | { kind: 'expired'; deadline: Date };

export async function issueForTicket(
  deps: CompleteDeps & { sql: import('../db/database.ts').Sql },
  req: { ticketCode: string; receptor: ReceptorInput; channel: Channel | 'api'; chatId: string | null },
): Promise<IssueOutcome> {
  const now = deps.now?.() ?? new Date();
  const reservation = await deps.sql.begin((tx) => reserveInvoice(tx, { ...req, now }));
  switch (reservation.kind) {
    case 'reserved':
      break;
    case 'already_invoiced':
      return {
        kind: 'already_invoiced',
        invoiceId: reservation.invoiceId,
        uuid: reservation.uuid,
        serie: reservation.serie,
        folio: reservation.folio,
      };
    default:
      return reservation;
  }
  const done = await completeInvoice(deps, reservation.invoiceId);
  const { serie, folio } = reservation;
  switch (done.kind) {
    case 'stamped':
      return { kind: 'issued', invoiceId: done.invoiceId, uuid: done.uuid, serie, folio, xml: done.xml };
    case 'retry_later':
      return { kind: 'queued', invoiceId: done.invoiceId, serie, folio };
    case 'rejected':
      return {
        kind: 'rejected',
        invoiceId: done.invoiceId,
        code: done.code,
        message: done.message,
        field: done.field,
      };
  }
}
