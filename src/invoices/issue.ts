/**
 * Issuing an invoice for a ticket, from the chat or the API: reserve (one transaction, gapless
 * folio, one invoice per ticket), then complete (build, seal, check, stamp). Expected outcomes are
 * results, not exceptions.
 *
 * Repeating a confirmation from the chat that asked for the invoice (the conversation restored after
 * a crash re-runs its step) answers as the first time did: the same invoice, stamped now if it was
 * left pending; never a second folio. Another chat that finds the ticket being stamped hears
 * `in_progress` at once (the conversation decides how long to wait for that stamp).
 */
import type { Channel } from '../conversation/types.ts';
import type { Sql } from '../db/database.ts';
import { type CompleteDeps, type Completion, completeInvoice } from './complete.ts';
import { type ReceptorInput, reserveInvoice } from './reserve.ts';

export type IssueOutcome =
  | { kind: 'issued'; invoiceId: string; uuid: string; serie: string; folio: string; xml: string }
  | { kind: 'queued'; invoiceId: string; serie: string; folio: string }
  | { kind: 'already_invoiced'; invoiceId: string; uuid: string | null; serie: string; folio: string }
  /** Another chat's (or the API's) invoice for this ticket is being stamped. */
  | { kind: 'in_progress'; invoiceId: string; serie: string; folio: string }
  | {
      kind: 'rejected';
      invoiceId: string;
      code: string;
      message: string;
      field: Extract<Completion, { kind: 'rejected' }>['field'];
    }
  | { kind: 'unknown' | 'cancelled' | 'disabled' | 'no_csd' }
  | { kind: 'expired'; deadline: Date };

type IssueRequest = {
  ticketCode: string;
  receptor: ReceptorInput;
  channel: Channel | 'api';
  chatId: string | null;
};

/** Reserves the ticket's invoice (or finds it) and stamps it now if it can; see the module comment. */
export async function issueForTicket(
  deps: CompleteDeps & { sql: Sql },
  req: IssueRequest,
): Promise<IssueOutcome> {
  const now = deps.now?.() ?? new Date();
  const reservation = await deps.sql.begin((tx) => reserveInvoice(tx, { ...req, now }));
  switch (reservation.kind) {
    case 'reserved':
      break;
    case 'already_invoiced': {
      const { invoiceId, uuid, serie, folio } = reservation;
      if (reservation.sameChat && reservation.status === 'vigente') {
        const done = await completeInvoice(deps, invoiceId);
        if (done.kind === 'stamped')
          return { kind: 'issued', invoiceId, uuid: done.uuid, serie, folio, xml: done.xml };
      }
      return { kind: 'already_invoiced', invoiceId, uuid, serie, folio };
    }
    case 'in_progress': {
      const { invoiceId, serie, folio } = reservation;
      if (!reservation.sameChat) return { kind: 'in_progress', invoiceId, serie, folio };
      return outcomeOf(deps.sql, await completeInvoice(deps, invoiceId), serie, folio, req.chatId);
    }
    default:
      return reservation;
  }
  const done = await completeInvoice(deps, reservation.invoiceId);
  return outcomeOf(deps.sql, done, reservation.serie, reservation.folio, req.chatId);
}

async function outcomeOf(
  sql: Sql,
  done: Completion,
  serie: string,
  folio: string,
  chatId: string | null,
): Promise<IssueOutcome> {
  switch (done.kind) {
    case 'stamped':
      return { kind: 'issued', invoiceId: done.invoiceId, uuid: done.uuid, serie, folio, xml: done.xml };
    case 'retry_later':
      return { kind: 'queued', invoiceId: done.invoiceId, serie, folio };
    case 'rejected':
      // The chat hears the refusal in this very turn: the stamping job must not tell it again.
      if (chatId !== null)
        await sql`update invoices set chat_notified_at = coalesce(chat_notified_at, now()) where id = ${done.invoiceId}`;
      return {
        kind: 'rejected',
        invoiceId: done.invoiceId,
        code: done.code,
        message: done.message,
        field: done.field,
      };
  }
}
