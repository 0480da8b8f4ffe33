/**
 * Test driver for the invoicing machine that behaves like the runtime: one event at a time, replies
 * collected from `emit`, wait until the snapshot is tagged 'awaiting', persist as JSON. Fake actors
 * form a small deterministic "world" keyed by what the customer typed, so a conversation (or a fuzz
 * run) picks outcomes through its own messages and two actors given the same messages agree.
 */
import { type AnyActorRef, createActor, fromPromise, waitFor } from 'xstate';
import type {
  IssueInvoiceInput,
  IssueInvoiceOutput,
  LookupCustomerInput,
  LookupCustomerOutput,
  RecallChatInput,
  RecallChatOutput,
  ResendInvoiceInput,
  ResendInvoiceOutput,
  ValidateTicketInput,
  ValidateTicketOutput,
} from '../../flows/actors.ts';
import type { InvoicingEvent, MessageEvent, ScanResult } from '../../flows/context.ts';
import { question } from '../../flows/copy.ts';
import { invoicingMachine } from '../../flows/invoicing.ts';
import type { Reply } from '../../src/conversation/types.ts';
import { checkSymbol, TicketCode } from '../../src/sat/code.ts';

/** A valid ticket code (canonical form) from 11 Crockford symbols. */
export function code(data: string): string {
  const code = TicketCode.parse(data + checkSymbol(data));
  if (!code) throw new Error(`not a code: ${data}`);
  return code.toString();
}

export const CODES = {
  main: code('7KQ2M9XD4HP'),
  other: code('AAAABBBBCCC'),
  resendLimit: code('11M1TEXP1RE'),
  resendExpired: code('EXP1REDC0DE'),
  resendFails: code('FA11RESEND0'),
};

/** Totals that make the fake validateTicket answer each outcome (anything else: 'ok'). */
export const TOTALS = {
  ok: '1234.50',
  unknown: '1.00',
  mismatch: '2.00',
  cancelled: '3.00',
  invoiced: '4.00',
  invoicedNoResend: '5.00',
  expired: '6.00',
  disabled: '7.00',
  cooldown: '8.00',
  throws: '9.00',
  inProgress: '10.00',
} as const;

export const RFCS = {
  fisica: 'GODE561231GR8',
  /** The fake lookupCustomer knows this one completely. */
  known: 'EKU9003173C9',
  /** Known, but with a uso CFDI that is not valid for its régimen. */
  partial: 'MELM8305281H1',
  /** The fake lookupCustomer throws for this one. */
  lookupFails: 'XOJI740919U48',
  /** What the fake recallChat returns for chat 'recall'. */
  recalled: 'CACX7605101P8',
};

export const NOW = '2026-11-25T18:00:00.000Z';

/** Every call the fakes received, by actor. */
export interface Calls {
  validateTicket: ValidateTicketInput[];
  lookupCustomer: LookupCustomerInput[];
  recallChat: RecallChatInput[];
  issueInvoice: IssueInvoiceInput[];
  resendInvoice: ResendInvoiceInput[];
}

const PDF = {
  name: 'factura.pdf',
  mime: 'application/pdf',
  bytes: new Uint8Array([37, 80, 68, 70, 7, 7, 7]),
};
const XML = { name: 'factura.xml', mime: 'application/xml', bytes: new Uint8Array([60, 63, 120, 7, 7, 7]) };

export function validateFake(input: ValidateTicketInput): ValidateTicketOutput {
  switch (input.total) {
    case TOTALS.unknown:
      return { outcome: 'unknown' };
    case TOTALS.mismatch:
      return { outcome: 'mismatch' };
    case TOTALS.cancelled:
      return { outcome: 'cancelled' };
    case TOTALS.invoiced:
      return { outcome: 'invoiced', serieFolio: 'A-77', uuid: 'UUID-77', canResend: true };
    case TOTALS.invoicedNoResend:
      return { outcome: 'invoiced', serieFolio: 'A-78', uuid: 'UUID-78', canResend: false };
    case TOTALS.expired:
      return { outcome: 'expired', deadline: '2026-11-30' };
    case TOTALS.disabled:
      return { outcome: 'disabled' };
    case TOTALS.cooldown:
      return { outcome: 'cooldown', retryAfterMinutes: 42 };
    case TOTALS.inProgress:
      return { outcome: 'in_progress', serieFolio: 'A-79' };
    case TOTALS.throws:
      throw new Error('database down');
    default:
      return {
        outcome: 'ok',
        companyName: 'Tacos El Güero',
        total: input.total,
        ticketCode: compact(input.code),
      };
  }
}

export function lookupFake(input: LookupCustomerInput): LookupCustomerOutput {
  if (input.rfc === RFCS.known) {
    return {
      rfc: input.rfc,
      nombre: 'ESCUELA KEMPER URGATE',
      codigoPostal: '42501',
      regimenFiscal: '601',
      usoCfdi: 'G03',
      email: 'pagos@kemper.mx',
    };
  }
  if (input.rfc === RFCS.partial) {
    return {
      rfc: input.rfc,
      nombre: 'MARIO LOPEZ',
      codigoPostal: '06600',
      regimenFiscal: '605',
      usoCfdi: 'G03',
      email: null,
    };
  }
  if (input.rfc === RFCS.lookupFails) throw new Error('lookup timeout');
  return null;
}

export function issueFake(input: IssueInvoiceInput): IssueInvoiceOutput {
  const name = input.receptor.nombre;
  if (name.includes('COLA')) return { outcome: 'queued' };
  if (name.includes('REPETIDO')) return { outcome: 'already_invoiced', serieFolio: 'A-9', uuid: 'UUID-9' };
  if (name.includes('FALLA')) throw new Error('PAC unreachable');
  const rejected = /RECHAZO (RFC|NOMBRE|CP|REGIMEN|USO|OTRO)/u.exec(name)?.[1];
  if (rejected) {
    const field = (
      {
        RFC: 'rfc',
        NOMBRE: 'nombre',
        CP: 'codigoPostal',
        REGIMEN: 'regimenFiscal',
        USO: 'usoCfdi',
        OTRO: null,
      } as const
    )[rejected as 'RFC'];
    return { outcome: 'rejected', field, message: 'CFDI40145 El campo Nombre del receptor no coincide' };
  }
  return {
    outcome: 'issued',
    serieFolio: 'A-123',
    uuid: '6F1C2B8E-1234-4ABC-9DEF-0123456789AB',
    files: [PDF, XML],
    emailedTo: input.receptor.email,
  };
}

/** The compact form of a canonical code, as the database keeps it. */
export const compact = (code: string): string => code.replace(/-/gu, '');

export function resendFake(input: ResendInvoiceInput): ResendInvoiceOutput {
  if (input.ticketCode === compact(CODES.resendLimit)) return { outcome: 'limit' };
  if (input.ticketCode === compact(CODES.resendExpired)) return { outcome: 'expired' };
  if (input.ticketCode === compact(CODES.resendFails)) throw new Error('storage down');
  return { outcome: 'sent', files: [PDF, XML], remaining: 2 };
}

export function recallFake(input: RecallChatInput): RecallChatOutput {
  if (input.chatId === 'recall') return { rfc: RFCS.recalled };
  if (input.chatId === 'recall-generic') return { rfc: 'XAXX010101000' };
  if (input.chatId === 'recall-fails') throw new Error('recall failed');
  return null;
}

/** The machine with the fake world's actors, recording every call in `calls`. */
export function fakeMachine(calls: Calls = emptyCalls()) {
  const fake = <I, O>(record: I[], run: (input: I) => O) =>
    fromPromise<O, I>(async ({ input }) => {
      record.push(input);
      return run(input);
    });
  return invoicingMachine.provide({
    actors: {
      validateTicket: fake(calls.validateTicket, validateFake),
      lookupCustomer: fake(calls.lookupCustomer, lookupFake),
      recallChat: fake(calls.recallChat, recallFake),
      issueInvoice: fake(calls.issueInvoice, issueFake),
      resendInvoice: fake(calls.resendInvoice, resendFake),
    },
  });
}

export function emptyCalls(): Calls {
  return { validateTicket: [], lookupCustomer: [], recallChat: [], issueInvoice: [], resendInvoice: [] };
}

type FakeMachine = ReturnType<typeof fakeMachine>;

/** One chat, driven like the runtime drives it. */
export class Chat {
  readonly calls: Calls;
  readonly machine: FakeMachine;
  readonly actor;
  private batch: Reply[] = [];

  constructor(options: { chatId?: string; snapshot?: unknown; calls?: Calls } = {}) {
    this.calls = options.calls ?? emptyCalls();
    this.machine = fakeMachine(this.calls);
    this.actor = createActor(this.machine, {
      input: { channel: 'telegram', chatId: options.chatId ?? 'chat-1' },
      ...(options.snapshot ? { snapshot: options.snapshot as never } : {}),
    });
    this.actor.on('reply', ({ reply }) => this.batch.push(reply));
    this.actor.start();
  }

  /** Sends one event and returns the replies emitted until the machine waits again. */
  async send(event: InvoicingEvent): Promise<Reply[]> {
    this.batch = [];
    this.actor.send(event);
    await waitFor(this.actor as AnyActorRef, (s) => s.hasTag('awaiting') || s.status !== 'active', {
      timeout: 2000,
    });
    return this.batch;
  }

  say(text: string, extra: Partial<MessageEvent> = {}): Promise<Reply[]> {
    return this.send({ type: 'message', text, now: NOW, ...extra });
  }

  tap(choice: string): Promise<Reply[]> {
    return this.send({ type: 'message', choice, now: NOW });
  }

  photo(scan: ScanResult | undefined, text?: string): Promise<Reply[]> {
    return this.send({
      type: 'message',
      hasImage: true,
      now: NOW,
      ...(scan ? { scan } : {}),
      ...(text ? { text } : {}),
    });
  }

  get snapshot() {
    return this.actor.getSnapshot();
  }

  get state(): string {
    return String(this.snapshot.value);
  }

  get context() {
    return this.snapshot.context;
  }

  /** The persisted snapshot after a JSON round trip, as the runtime would load it. */
  persisted(): unknown {
    return JSON.parse(JSON.stringify(this.actor.getPersistedSnapshot()));
  }

  /** The question of the current step (what every batch must end with). */
  currentQuestion(): Reply {
    return question(this.context);
  }
}

/** Texts of a batch, joined: handy for `toContain` assertions. */
export function texts(replies: Reply[]): string {
  return replies.map((r) => r.text).join('\n---\n');
}

/** Every batch must end with the question of the step the machine settled in. */
export function expectAsks(chat: Chat, replies: Reply[]): void {
  if (replies.length === 0) throw new Error(`no reply in ${chat.state}`);
  const last = replies[replies.length - 1];
  const expected = chat.currentQuestion();
  if (JSON.stringify(last) !== JSON.stringify(expected)) {
    throw new Error(
      `batch in ${chat.state} ends with ${JSON.stringify(last)}, not its question ${JSON.stringify(expected)}`,
    );
  }
}

/** Drives a new chat from the first message to the summary with a persona física and no email. */
export async function reachSummary(
  chat: Chat,
  data: { total?: string; rfc?: string; nombre?: string; regimen?: string; uso?: string } = {},
): Promise<void> {
  await chat.say('hola');
  await chat.say(CODES.main);
  await chat.say('24/11/2026');
  await chat.say(data.total ?? '$1,234.50');
  await chat.say(data.rfc ?? RFCS.fisica);
  await chat.say(data.nombre ?? 'Diego Gómez');
  await chat.say('06600');
  await chat.tap(`regimen:${data.regimen ?? '612'}`);
  await chat.tap(`uso:${data.uso ?? 'G03'}`);
  await chat.tap('email:skip');
  if (chat.state !== 'summary') throw new Error(`expected summary, got ${chat.state}`);
}
