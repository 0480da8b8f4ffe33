/**
 * The effects the invoicing conversation needs, as `fromPromise` actor contracts. The machine only
 * names them; the runtime supplies the real ones with `invoicingMachine.provide({ actors })` and tests
 * supply fakes. The defaults below throw, so a forgotten `.provide()` shows up as the flow's kind
 * "tuvimos un problema" reply and an English error in the logs, never as a silent success.
 */
import { fromPromise } from 'xstate';
import type { Channel, ReplyFile } from '../src/conversation/types.ts';

export interface ValidateTicketInput {
  /** Canonical XXXX-XXXX-XXXX form (TicketCode.toString()). */
  code: string;
  /** Purchase date as the customer gave it, YYYY-MM-DD. */
  date: string;
  /** Total as the customer gave it, a decimal string with 2 decimals. */
  total: string;
  channel: Channel;
  chatId: string;
}

/** Every result of checking a ticket; the 5-failures-per-hour limit is counted by the actor. */
export type ValidateTicketOutput =
  | { outcome: 'ok'; companyName: string; total: string; ticketCode: string }
  | { outcome: 'unknown' }
  | { outcome: 'mismatch' }
  | { outcome: 'cancelled' }
  | { outcome: 'invoiced'; serieFolio: string; uuid: string; canResend: boolean }
  /** An invoice for this ticket was requested and is still being stamped (no UUID yet). */
  | { outcome: 'in_progress'; serieFolio: string }
  | { outcome: 'expired'; deadline: string }
  | { outcome: 'disabled' }
  | { outcome: 'cooldown'; retryAfterMinutes: number };

export interface LookupCustomerInput {
  /** The `ticketCode` validateTicket returned. */
  ticketCode: string;
  rfc: string;
}

/** A complete receptor: what `lookupCustomer` returns and what `issueInvoice` needs. */
export interface ReceptorInput {
  rfc: string;
  nombre: string;
  codigoPostal: string;
  regimenFiscal: string;
  usoCfdi: string;
  email: string | null;
}

/** A customer this ticket's company already invoiced with this RFC, or null. */
export type LookupCustomerOutput = ReceptorInput | null;

export interface RecallChatInput {
  channel: Channel;
  chatId: string;
}

/** The RFC this chat invoiced with last time, or null. */
export type RecallChatOutput = { rfc: string } | null;

export interface IssueInvoiceInput {
  /** The `ticketCode` validateTicket returned. */
  ticketCode: string;
  receptor: ReceptorInput;
  channel: Channel;
  chatId: string;
}

export type RejectedField = 'rfc' | 'nombre' | 'codigoPostal' | 'regimenFiscal' | 'usoCfdi';

export type IssueInvoiceOutput =
  | { outcome: 'issued'; serieFolio: string; uuid: string; files: ReplyFile[]; emailedTo: string | null }
  /** Stamping is delayed; a job delivers the files later. */
  | { outcome: 'queued' }
  | { outcome: 'already_invoiced'; serieFolio: string; uuid: string }
  /** The PAC refused the receptor data, e.g. the name or CP does not match SAT's records. */
  | { outcome: 'rejected'; field: RejectedField | null; message: string };

export interface ResendInvoiceInput {
  /** The compact 12 symbols of the code (validateTicket's 'invoiced' outcome carries no ticketCode). */
  ticketCode: string;
  channel: Channel;
  chatId: string;
}

/** The 1-month and 3-times limits are enforced by the actor. */
export type ResendInvoiceOutput =
  | { outcome: 'sent'; files: ReplyFile[]; remaining: number }
  | { outcome: 'limit' }
  | { outcome: 'expired' };

function notProvided<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(
      `Actor "${name}" was not provided: call invoicingMachine.provide({ actors: { ${name} } })`,
    );
  });
}

/** Placeholder implementations; the runtime replaces every one of them. */
export const invoicingActors = {
  validateTicket: notProvided<ValidateTicketOutput, ValidateTicketInput>('validateTicket'),
  lookupCustomer: notProvided<LookupCustomerOutput, LookupCustomerInput>('lookupCustomer'),
  recallChat: notProvided<RecallChatOutput, RecallChatInput>('recallChat'),
  issueInvoice: notProvided<IssueInvoiceOutput, IssueInvoiceInput>('issueInvoice'),
  resendInvoice: notProvided<ResendInvoiceOutput, ResendInvoiceInput>('resendInvoice'),
};
