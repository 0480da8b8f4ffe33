/**
 * The invoicing flow's guards: synchronous, pure predicates over the context and the event. Each
 * one reads the message through `input.ts`, so hostile input (huge, binary, odd types) simply makes
 * a guard false; none of them throws.
 */
import { catalogs } from '../src/sat/catalogs.ts';
import { Rfc, type RfcProblem } from '../src/sat/rfc.ts';
import {
  EDITABLE_FIELDS,
  type EditableField,
  type InvoicingContext,
  type InvoicingEvent,
} from './context.ts';
import {
  codigoPostalExists,
  isRegimenValidFor,
  isUsoValidFor,
  personaOf,
  splitCapitalRegime,
} from './fiscal.ts';
import {
  type Command,
  choiceOf,
  codeAfterCommand,
  commandOf,
  isNo,
  isYes,
  scannedCodeOf,
  scanOf,
  textOf,
  typedCodeOf,
  typedDateOf,
} from './input.ts';
import { fold, parseCodigoPostal, parseEmail, parseNombre, parseTotal } from './parse.ts';

type Args = { context: InvoicingContext; event: InvoicingEvent };

/** The RFC typed in the message, checked (format, date, check digit), or null when the text is empty. */
export function typedRfcOf(event: InvoicingEvent): ReturnType<typeof Rfc.check> | null {
  const text = textOf(event);
  if (text.length === 0 || text.length > 40) return null;
  return Rfc.check(text);
}

/** A régimen key picked (choice `regimen:601`) or typed ("601"), not yet checked against the RFC. */
export function regimenKeyOf(event: InvoicingEvent): string | null {
  const choice = choiceOf(event);
  const key = choice?.startsWith('regimen:')
    ? choice.slice(8)
    : /^\d{3}$/u.test(textOf(event))
      ? textOf(event)
      : null;
  return key !== null && catalogs.regimenFiscal(key) !== undefined ? key : null;
}

/** A uso CFDI key picked (choice `uso:G03`) or typed ("g03"), not yet checked against the régimen. */
export function usoKeyOf(event: InvoicingEvent): string | null {
  const choice = choiceOf(event);
  const typed = textOf(event).toUpperCase();
  const key = choice?.startsWith('uso:') ? choice.slice(4) : /^[A-Z]{1,2}\d{2}$/u.test(typed) ? typed : null;
  return key !== null && catalogs.usoCfdi(key) !== undefined ? key : null;
}

const FIELD_WORDS = new Map<string, EditableField>([
  ['rfc', 'rfc'],
  ['nombre', 'nombre'],
  ['razon social', 'nombre'],
  ['codigo postal', 'codigoPostal'],
  ['cp', 'codigoPostal'],
  ['regimen', 'regimenFiscal'],
  ['regimen fiscal', 'regimenFiscal'],
  ['uso', 'usoCfdi'],
  ['uso cfdi', 'usoCfdi'],
  ['correo', 'email'],
  ['email', 'email'],
]);

/** The field the customer wants to change: choice `edit:nombre`, or typed "cambiar nombre" / "nombre". */
export function editedFieldOf(event: InvoicingEvent): EditableField | null {
  const choice = choiceOf(event);
  if (choice !== null) {
    const field = choice.startsWith('edit:') ? choice.slice(5) : '';
    return EDITABLE_FIELDS.find((f) => f === field) ?? null;
  }
  return FIELD_WORDS.get(fold(textOf(event)).replace(/^cambiar (?:el |la |mi )?/u, '')) ?? null;
}

const CONFIRM_WORDS = new Set(['confirmar', 'confirmo', 'facturar', 'generar', 'si facturar', 'si generala']);

export const guards = {
  isCommand: ({ event }: Args, params: { command: Command }) => commandOf(event) === params.command,
  hasCommandCode: ({ event }: Args) => codeAfterCommand(event) !== null,
  hasQrCode: ({ event }: Args) => scanOf(event)?.via === 'qr' && scannedCodeOf(event) !== null,
  hasOcrCode: ({ event }: Args) => scanOf(event)?.via === 'ocr' && scannedCodeOf(event) !== null,
  hasPhoto: ({ event }: Args) => scanOf(event) !== null,
  hasTypedCode: ({ event }: Args) => typedCodeOf(event) !== null,
  isYes: ({ event }: Args) => isYes(event),
  isNo: ({ event }: Args) => isNo(event),
  isChoice: ({ event }: Args, params: { id: string }) => choiceOf(event) === params.id,
  acceptsSuggestedDate: ({ context, event }: Args) =>
    context.suggestedDate !== null && (choiceOf(event) === 'use:date' || isYes(event)),
  acceptsSuggestedTotal: ({ context, event }: Args) =>
    context.suggestedTotal !== null && (choiceOf(event) === 'use:total' || isYes(event)),
  hasDate: ({ event }: Args) => typedDateOf(event).ok,
  isDateRefused: ({ event }: Args, params: { reason: 'invalid' | 'future' }) => {
    const parsed = typedDateOf(event);
    return !parsed.ok && parsed.reason === params.reason;
  },
  hasTotal: ({ event }: Args) => parseTotal(textOf(event)) !== null,
  acceptsRecalledRfc: ({ context, event }: Args) =>
    context.recalledRfc !== null && (choiceOf(event) === 'rfc:recalled' || isYes(event)),
  isGenericRfc: ({ event }: Args) => {
    const checked = typedRfcOf(event);
    return checked?.ok === true && checked.rfc.isGeneric;
  },
  hasRfc: ({ event }: Args) => {
    const checked = typedRfcOf(event);
    return checked?.ok === true && !checked.rfc.isGeneric;
  },
  isRfcProblem: ({ event }: Args, params: { problem: RfcProblem }) => {
    const checked = typedRfcOf(event);
    return checked?.ok === false && checked.problem === params.problem;
  },
  /** The typed RFC makes the chosen régimen invalid (persona física ↔ moral). */
  rfcNeedsRegimenRecheck: ({ context, event }: Args) => {
    const checked = typedRfcOf(event);
    if (checked?.ok !== true || context.receptor.regimenFiscal === null) return false;
    return !isRegimenValidFor(context.receptor.regimenFiscal, checked.rfc.toString());
  },
  isEditing: ({ context }: Args) => context.editing,
  isKnown: ({ context }: Args) => context.known,
  hasRecalledRfc: ({ context }: Args) => context.recalledRfc !== null,
  hasNombre: ({ event }: Args) => parseNombre(textOf(event)) !== null,
  hasNombreWithCapitalRegime: ({ event }: Args) => {
    const nombre = parseNombre(textOf(event));
    return nombre !== null && splitCapitalRegime(nombre) !== null;
  },
  hasCodigoPostal: ({ event }: Args) => codigoPostalExists(parseCodigoPostal(textOf(event))),
  hasUnknownCodigoPostal: ({ event }: Args) => {
    const cp = parseCodigoPostal(textOf(event));
    return cp !== null && !codigoPostalExists(cp);
  },
  hasRegimen: ({ context, event }: Args) => isRegimenValidFor(regimenKeyOf(event), context.receptor.rfc),
  isRegimenKey: ({ event }: Args) => regimenKeyOf(event) !== null,
  hasUso: ({ context, event }: Args) =>
    isUsoValidFor(usoKeyOf(event), context.receptor.regimenFiscal, context.receptor.rfc),
  isUsoKey: ({ event }: Args) => usoKeyOf(event) !== null,
  hasEmail: ({ event }: Args) => parseEmail(textOf(event)) !== null,
  skipsEmail: ({ event }: Args) =>
    choiceOf(event) === 'email:skip' ||
    ['omitir', 'no', 'ninguno', 'sin correo'].includes(fold(textOf(event))),
  editsField: ({ event }: Args, params: { field: EditableField }) => editedFieldOf(event) === params.field,
  confirmsSummary: ({ event }: Args) =>
    choiceOf(event) === 'confirm' ||
    isYes(event) ||
    CONFIRM_WORDS.has(fold(textOf(event)).replace(/[!¡.,]+/gu, '')),
  needsField: ({ context }: Args, params: { field: EditableField }) => {
    const r = context.receptor;
    switch (params.field) {
      case 'rfc':
        return personaOf(r.rfc) === null;
      case 'nombre':
        return r.nombre === null;
      case 'codigoPostal':
        return !codigoPostalExists(r.codigoPostal);
      case 'regimenFiscal':
        return !isRegimenValidFor(r.regimenFiscal, r.rfc);
      case 'usoCfdi':
        return !isUsoValidFor(r.usoCfdi, r.regimenFiscal, r.rfc);
      case 'email':
        return !context.emailDone;
    }
  },
  /** For actor results: `params` carries the outcome found and the one this transition wants. */
  outcomeIs: (_: Args, params: { actual: string; expected: string }) => params.actual === params.expected,
  canResend: (_: Args, params: { canResend: boolean }) => params.canResend,
  /** A recalled RFC is offered only when it is a valid, non-generic RFC. */
  isUsableRfc: (_: Args, params: { rfc: unknown }) => {
    if (typeof params.rfc !== 'string') return false;
    const rfc = Rfc.parseOrNull(params.rfc);
    return rfc !== null && !rfc.isGeneric;
  },
  isComplete: (_: Args, params: { complete: boolean }) => params.complete,
};
