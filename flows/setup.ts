/**
 * `setup()` of the invoicing machine: its types, the actors it names, its guards (guards.ts) and its
 * named actions. Actions either `assign` context (values computed by the pure helpers of input.ts,
 * parse.ts and fiscal.ts) or `emit` a reply from copy.ts; nothing else happens here.
 */
import { assign, emit, setup } from 'xstate';
import type { Reply } from '../src/conversation/types.ts';
import {
  type IssueInvoiceOutput,
  invoicingActors,
  type LookupCustomerOutput,
  type RecallChatOutput,
  type ResendInvoiceOutput,
  type ValidateTicketOutput,
} from './actors.ts';
import type { InvoicingContext, InvoicingEvent, InvoicingInput, ReplyEmitted, Step } from './context.ts';
import { freshTicket, initialContext } from './context.ts';
import * as copy from './copy.ts';
import { EMPTY_RECEPTOR, personaOf, splitCapitalRegime, usableFields } from './fiscal.ts';
import { guards, regimenKeyOf, typedRfcOf, usoKeyOf } from './guards.ts';
import {
  codeAfterCommand,
  scannedCodeOf,
  scannedDateOf,
  scannedTotalOf,
  textOf,
  typedCodeOf,
  typedDateOf,
} from './input.ts';
import { parseCodigoPostal, parseEmail, parseNombre, parseTotal } from './parse.ts';

type Ctx = { context: InvoicingContext; event: InvoicingEvent };

/** An action that emits the reply `reply` builds from the context and event. */
function say(reply: (args: Ctx) => Reply) {
  return emit<InvoicingContext, InvoicingEvent, undefined, InvoicingEvent, ReplyEmitted>((args) => ({
    type: 'reply',
    reply: reply(args),
  }));
}

/** An action that emits a reply built from its params (e.g. an actor's output). */
function sayWith<TParams extends object>(reply: (args: Ctx, params: TParams) => Reply) {
  return emit<InvoicingContext, InvoicingEvent, TParams, InvoicingEvent, ReplyEmitted>((args, params) => ({
    type: 'reply',
    reply: reply(args, params),
  }));
}

export const flow = setup({
  types: {
    context: {} as InvoicingContext,
    events: {} as InvoicingEvent,
    input: {} as InvoicingInput,
    emitted: {} as ReplyEmitted,
    tags: {} as 'awaiting' | 'busy' | 'idle',
  },
  actors: invoicingActors,
  guards,
  actions: {
    // --- replies -------------------------------------------------------------------------------
    askQuestion: say(({ context }) => copy.question(context)),
    greet: say(() => copy.greeting()),
    sayHelp: say(({ context }) => copy.help(context.step)),
    sayUnexpected: say(({ context }) => copy.unexpected(context.step)),
    sayCancelled: say(() => copy.cancelled()),
    sayNoPreviousStep: say(() => copy.noPreviousStep()),
    sayProblem: say(() => copy.problem()),
    sayTimedOut: say(() => copy.timedOut()),
    sayFarewell: say(({ context }) => copy.question({ ...context, step: 'idle' })),
    sayPhotoUnreadable: say(() => copy.photoUnreadable()),
    sayCodeFromPhoto: say(({ context }) => copy.codeFromPhoto(context.code ?? '')),
    sayDateRefused: sayWith((_, params: { reason: 'invalid' | 'future' }) => copy.dateRefused(params.reason)),
    sayRfcRefused: say(({ event }) => {
      const checked = typedRfcOf(event);
      return copy.rfcRefused(checked === null ? 'format' : checked.ok ? 'generic' : checked.problem);
    }),
    sayCodigoPostalUnknown: say(({ event }) =>
      copy.codigoPostalUnknown(parseCodigoPostal(textOf(event)) ?? ''),
    ),
    sayRegimenRefused: say(({ context, event }) =>
      copy.regimenRefused(regimenKeyOf(event) ?? '', personaOf(context.receptor.rfc)),
    ),
    sayUsoRefused: say(({ context, event }) =>
      copy.usoRefused(usoKeyOf(event) ?? '', context.receptor.regimenFiscal),
    ),
    sayRegimenRecheck: say(() => copy.regimenRecheck()),
    sayIssuing: say(() => copy.issuing()),
    sayValidation: sayWith(({ context }, output: ValidateTicketOutput) =>
      copy.validation(output, context.mode),
    ),
    sayIssueResult: sayWith((_, output: IssueInvoiceOutput) => copy.issueResult(output)),
    sayResendResult: sayWith((_, output: ResendInvoiceOutput) => copy.resendResult(output)),

    // --- conversation bookkeeping -------------------------------------------------------------
    setStep: assign((_, params: { step: Step }) => ({ step: params.step })),
    startOver: assign(() => freshTicket('invoice')),
    startResend: assign(() => freshTicket('resend')),
    startEditing: assign({ editing: true }),
    stopEditing: assign({ editing: false }),
    resetAll: assign(({ context }) => initialContext(context)),

    // --- ticket ---------------------------------------------------------------------------------
    rememberTypedCode: assign(({ event }) => ({ code: typedCodeOf(event) })),
    rememberCommandCode: assign(({ event }) => ({ code: codeAfterCommand(event) })),
    rememberScannedCode: assign(({ event }) => ({ code: scannedCodeOf(event) })),
    rememberOcrCode: assign(({ event }) => ({ ocrCode: scannedCodeOf(event) })),
    acceptOcrCode: assign(({ context }) => ({ code: context.ocrCode, ocrCode: null })),
    rejectOcrCode: assign({ ocrCode: null, suggestedDate: null, suggestedTotal: null }),
    rememberScanValues: assign(({ event }) => ({
      suggestedDate: scannedDateOf(event),
      suggestedTotal: scannedTotalOf(event),
    })),
    forgetCode: assign({ code: null, ocrCode: null, suggestedDate: null, suggestedTotal: null }),
    rememberDate: assign(({ event }) => {
      const parsed = typedDateOf(event);
      return { date: parsed.ok ? parsed.date : null };
    }),
    useSuggestedDate: assign(({ context }) => ({ date: context.suggestedDate })),
    rememberTotal: assign(({ event }) => ({ total: parseTotal(textOf(event)) })),
    useSuggestedTotal: assign(({ context }) => ({ total: context.suggestedTotal })),
    /** After a failed check: offer the last total again so a retry is one tap. */
    offerLastTotal: assign(({ context }) => ({ suggestedTotal: context.total })),
    forgetDateAndTotal: assign({ date: null, total: null, suggestedDate: null, suggestedTotal: null }),
    rememberTicket: assign((_, output: ValidateTicketOutput) =>
      output.outcome === 'ok'
        ? {
            mode: 'invoice' as const,
            ticket: { ticketCode: output.ticketCode, companyName: output.companyName, total: output.total },
          }
        : {},
    ),
    rememberInvoice: assign((_, output: ValidateTicketOutput | IssueInvoiceOutput) =>
      output.outcome === 'invoiced' || output.outcome === 'already_invoiced'
        ? { invoice: { serieFolio: output.serieFolio, uuid: output.uuid } }
        : {},
    ),

    // --- receptor -------------------------------------------------------------------------------
    rememberRecalledRfc: assign((_, output: RecallChatOutput) => ({
      recalledRfc: output ? output.rfc.trim().toUpperCase() : null,
    })),
    useRecalledRfc: assign(({ context }) => ({
      receptor: { ...context.receptor, rfc: context.recalledRfc },
    })),
    rememberRfc: assign(({ context, event }) => {
      const checked = typedRfcOf(event);
      return { receptor: { ...context.receptor, rfc: checked?.ok ? checked.rfc.toString() : null } };
    }),
    rememberCustomer: assign(({ context }, output: LookupCustomerOutput) => ({
      receptor: output
        ? {
            ...usableFields({ ...output, rfc: context.receptor.rfc }),
            email: parseEmail(String(output.email ?? '')),
          }
        : { ...EMPTY_RECEPTOR, rfc: context.receptor.rfc },
      known: output !== null,
      emailDone: output !== null,
    })),
    rememberNombre: assign(({ context, event }) => ({
      receptor: { ...context.receptor, nombre: parseNombre(textOf(event)) },
      pendingNombre: null,
    })),
    holdNombre: assign(({ event }) => ({ pendingNombre: parseNombre(textOf(event)) })),
    keepPendingNombre: assign(({ context }) => ({
      receptor: { ...context.receptor, nombre: context.pendingNombre },
      pendingNombre: null,
    })),
    stripPendingNombre: assign(({ context }) => ({
      receptor: {
        ...context.receptor,
        nombre: splitCapitalRegime(context.pendingNombre ?? '')?.base ?? context.pendingNombre,
      },
      pendingNombre: null,
    })),
    rememberCodigoPostal: assign(({ context, event }) => ({
      receptor: { ...context.receptor, codigoPostal: parseCodigoPostal(textOf(event)) },
    })),
    rememberRegimen: assign(({ context, event }) => ({
      receptor: { ...context.receptor, regimenFiscal: regimenKeyOf(event) },
    })),
    rememberUso: assign(({ context, event }) => ({
      receptor: { ...context.receptor, usoCfdi: usoKeyOf(event) },
    })),
    rememberEmail: assign(({ context, event }) => ({
      receptor: { ...context.receptor, email: parseEmail(textOf(event)) },
      emailDone: true,
    })),
    skipEmail: assign(({ context }) => ({ receptor: { ...context.receptor, email: null }, emailDone: true })),
  },
});
