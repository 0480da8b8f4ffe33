/**
 * The invoicing conversation's data: the events the runtime sends, the steps where it waits for the
 * customer, and the context persisted between messages. Context holds only small JSON values
 * (strings, booleans, null): a snapshot is stored as JSON and read back as untrusted input.
 */
import type { Channel, Reply } from '../src/conversation/types.ts';
import { EMPTY_RECEPTOR, type ReceptorDraft } from './fiscal.ts';

/** What the runtime found in a photo before sending the event ('none': it looked and found nothing). */
export interface ScanResult {
  code: string | null;
  date: string | null;
  total: string | null;
  via: 'qr' | 'ocr' | 'none';
}

/** One inbound message from the customer. `now` is the ISO instant it was received. */
export interface MessageEvent {
  type: 'message';
  text?: string;
  choice?: string;
  hasImage?: boolean;
  scan?: ScanResult;
  now: string;
}

/** The idle deadline was reached: say goodbye and reset. */
export interface ExpireEvent {
  type: 'expire';
}

export type InvoicingEvent = MessageEvent | ExpireEvent;

/** The only emitted event: a reply for the customer. */
export interface ReplyEmitted {
  type: 'reply';
  reply: Reply;
}

export interface InvoicingInput {
  channel: Channel;
  chatId: string;
}

/** Every state where the machine waits for the customer; each has its question in the copy. */
export const STEPS = [
  'idle',
  'askCode',
  'confirmOcrCode',
  'askDate',
  'askTotal',
  'offerResend',
  'offerRecalledRfc',
  'askRfc',
  'knownCustomer',
  'askNombre',
  'confirmNombre',
  'askCodigoPostal',
  'askRegimen',
  'askUso',
  'askEmail',
  'summary',
  'done',
] as const;

export type Step = (typeof STEPS)[number];

/** Receptor fields the customer can change from the summary. */
export type EditableField = 'rfc' | 'nombre' | 'codigoPostal' | 'regimenFiscal' | 'usoCfdi' | 'email';

export const EDITABLE_FIELDS: readonly EditableField[] = [
  'rfc',
  'nombre',
  'codigoPostal',
  'regimenFiscal',
  'usoCfdi',
  'email',
];

export interface TicketFound {
  ticketCode: string;
  companyName: string;
  total: string;
}

export interface InvoiceRef {
  serieFolio: string;
  uuid: string;
}

export interface InvoicingContext {
  channel: Channel;
  chatId: string;
  /** The question the customer was last asked ("ayuda" and unexpected answers repeat it). */
  step: Step;
  /** 'resend': the customer asked for an invoice again ("reenviar"). */
  mode: 'invoice' | 'resend';
  /** Ticket code, canonical XXXX-XXXX-XXXX. */
  code: string | null;
  /** A code read by OCR, waiting for the customer's yes. */
  ocrCode: string | null;
  /** Values offered for one-tap confirmation (read from a photo, or the last answer after a failure). */
  suggestedDate: string | null;
  suggestedTotal: string | null;
  date: string | null;
  total: string | null;
  ticket: TicketFound | null;
  invoice: InvoiceRef | null;
  /** RFC this chat invoiced with last time (recallChat). */
  recalledRfc: string | null;
  receptor: ReceptorDraft;
  /** The email question was answered (an address or "omitir"). */
  emailDone: boolean;
  /** The receptor came from a stored customer (lookupCustomer). */
  known: boolean;
  /** A field is being changed from the summary: after it, go back to the summary. */
  editing: boolean;
  /** A name ending in a régimen de capital, waiting for confirmation. */
  pendingNombre: string | null;
}

/** The context of a fresh conversation for this chat. */
export function initialContext(input: InvoicingInput): InvoicingContext {
  return {
    channel: input.channel,
    chatId: input.chatId,
    step: 'idle',
    ...freshTicket('invoice'),
  };
}

/** Everything about the current ticket cleared, keeping the chat's identity and the step. */
export function freshTicket(
  mode: InvoicingContext['mode'],
): Omit<InvoicingContext, 'channel' | 'chatId' | 'step'> {
  return {
    mode,
    code: null,
    ocrCode: null,
    suggestedDate: null,
    suggestedTotal: null,
    date: null,
    total: null,
    ticket: null,
    invoice: null,
    recalledRfc: null,
    receptor: { ...EMPTY_RECEPTOR },
    emailDone: false,
    known: false,
    editing: false,
    pendingNombre: null,
  };
}

/**
 * The ticket's code as the actors know it: what validateTicket returned for a valid ticket, else
 * the compact 12 symbols of the code the customer gave (for an invoiced ticket, when re-sending).
 */
export function ticketCodeOf(context: InvoicingContext): string {
  return context.ticket?.ticketCode ?? (context.code ?? '').replace(/-/gu, '');
}
