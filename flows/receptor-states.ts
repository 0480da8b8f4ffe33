/**
 * The second half of the conversation: the receptor's fiscal data (the chat's last RFC first, a
 * stored customer when the company knows the RFC, otherwise one question per field), the summary
 * where any field can be changed, and issuing the invoice with `issueInvoice`.
 */
import { and, or } from 'xstate';
import { type EditableField, ticketCodeOf } from './context.ts';
import { isComplete, usableFields } from './fiscal.ts';
import { flow } from './setup.ts';
import {
  awaiting,
  backTo,
  choice,
  fieldBack,
  isBack,
  type MessageTransition,
  noBack,
  outcome,
  output,
} from './transitions.ts';

/** The step that asks each field. */
export const ASK_FIELD = {
  rfc: 'askRfc',
  nombre: 'askNombre',
  codigoPostal: 'askCodigoPostal',
  regimenFiscal: 'askRegimen',
  usoCfdi: 'askUso',
  email: 'askEmail',
} as const satisfies Record<EditableField, string>;

/** "Cambiar <field>" from the summary or a stored customer: ask only that field, then the summary. */
function edits(fields: readonly EditableField[]): MessageTransition[] {
  return fields.map((field) => ({
    guard: { type: 'editsField', params: { field } },
    target: ASK_FIELD[field],
    actions: 'startEditing',
  }));
}

/**
 * An RFC typed where one is expected: refused with its reason, or taken. While changing the RFC from
 * the summary (`editable`) it is not looked up again; the régimen is re-checked instead.
 */
function rfcInput(editable: boolean): MessageTransition[] {
  const editing: MessageTransition[] = [
    {
      guard: and(['hasRfc', 'isEditing', 'rfcNeedsRegimenRecheck']),
      target: 'checkReceptor',
      actions: ['rememberRfc', 'sayRegimenRecheck'],
    },
    { guard: and(['hasRfc', 'isEditing']), target: 'checkReceptor', actions: 'rememberRfc' },
  ];
  return [
    { guard: 'isGenericRfc', actions: ['sayRfcRefused', 'askQuestion'] },
    ...(editable ? editing : []),
    { guard: 'hasRfc', target: 'lookingUpCustomer', actions: 'rememberRfc' },
    {
      guard: { type: 'isRfcProblem', params: { problem: 'check_digit' } },
      actions: ['sayRfcRefused', 'askQuestion'],
    },
    {
      guard: { type: 'isRfcProblem', params: { problem: 'date' } },
      actions: ['sayRfcRefused', 'askQuestion'],
    },
  ];
}

/** The issuing result as a reply (the files of an issued invoice go out here, never into context). */
const say = { type: 'sayIssueResult' as const, params: output };

const REJECTABLE = ['rfc', 'nombre', 'codigoPostal', 'regimenFiscal', 'usoCfdi'] as const;

export const receptorStates = {
  recalling: flow.createStateConfig({
    tags: 'busy',
    on: { expire: {} },
    invoke: {
      id: 'recallChat',
      src: 'recallChat',
      input: ({ context }) => ({ channel: context.channel, chatId: context.chatId }),
      onDone: [
        {
          guard: { type: 'isUsableRfc', params: ({ event }) => ({ rfc: event.output?.rfc }) },
          target: 'offerRecalledRfc',
          actions: { type: 'rememberRecalledRfc', params: output },
        },
        { target: 'askRfc' },
      ],
      /** Remembering is a convenience: when it fails, just ask for the RFC. */
      onError: { target: 'askRfc' },
    },
  }),

  offerRecalledRfc: awaiting('offerRecalledRfc', noBack, [
    { guard: 'acceptsRecalledRfc', target: 'lookingUpCustomer', actions: 'useRecalledRfc' },
    { guard: or(['isNo', choice('rfc:other')]), target: 'askRfc' },
    ...rfcInput(false),
  ]),

  askRfc: awaiting(
    'askRfc',
    [
      { guard: and([isBack, 'isEditing']), target: 'checkReceptor' },
      { guard: and([isBack, 'hasRecalledRfc']), target: 'offerRecalledRfc' },
      ...noBack,
    ],
    rfcInput(true),
  ),

  lookingUpCustomer: flow.createStateConfig({
    tags: 'busy',
    on: { expire: {} },
    invoke: {
      id: 'lookupCustomer',
      src: 'lookupCustomer',
      input: ({ context }) => ({
        ticketCode: ticketCodeOf(context),
        rfc: context.receptor.rfc ?? '',
      }),
      onDone: [
        {
          guard: {
            type: 'isComplete',
            params: ({ context, event }) => ({
              complete:
                event.output !== null &&
                isComplete(usableFields({ ...event.output, rfc: context.receptor.rfc })),
            }),
          },
          target: 'knownCustomer',
          actions: { type: 'rememberCustomer', params: output },
        },
        { target: 'checkReceptor', actions: { type: 'rememberCustomer', params: output } },
      ],
      onError: { target: 'askRfc', actions: 'sayProblem' },
    },
  }),

  knownCustomer: awaiting('knownCustomer', backTo('askRfc'), [
    { guard: or(['isYes', choice('known:use')]), target: 'checkReceptor' },
    { guard: choice('rfc:other'), target: 'askRfc' },
    ...edits(['nombre', 'codigoPostal', 'regimenFiscal', 'usoCfdi', 'email']),
  ]),

  askNombre: awaiting('askNombre', fieldBack('askRfc'), [
    { guard: 'hasNombreWithCapitalRegime', target: 'confirmNombre', actions: 'holdNombre' },
    { guard: 'hasNombre', target: 'checkReceptor', actions: 'rememberNombre' },
  ]),

  confirmNombre: awaiting('confirmNombre', backTo('askNombre'), [
    { guard: choice('nombre:strip'), target: 'checkReceptor', actions: 'stripPendingNombre' },
    { guard: choice('nombre:keep'), target: 'checkReceptor', actions: 'keepPendingNombre' },
    { guard: or(['isYes', 'isNo']), actions: ['sayUnexpected', 'askQuestion'] },
    { guard: 'hasNombreWithCapitalRegime', actions: ['holdNombre', 'askQuestion'] },
    { guard: 'hasNombre', target: 'checkReceptor', actions: 'rememberNombre' },
  ]),

  askCodigoPostal: awaiting('askCodigoPostal', fieldBack('askNombre'), [
    { guard: 'hasCodigoPostal', target: 'checkReceptor', actions: 'rememberCodigoPostal' },
    { guard: 'hasUnknownCodigoPostal', actions: ['sayCodigoPostalUnknown', 'askQuestion'] },
  ]),

  askRegimen: awaiting('askRegimen', fieldBack('askCodigoPostal'), [
    { guard: 'hasRegimen', target: 'checkReceptor', actions: 'rememberRegimen' },
    { guard: 'isRegimenKey', actions: ['sayRegimenRefused', 'askQuestion'] },
  ]),

  askUso: awaiting('askUso', fieldBack('askRegimen'), [
    { guard: 'hasUso', target: 'checkReceptor', actions: 'rememberUso' },
    { guard: 'isUsoKey', actions: ['sayUsoRefused', 'askQuestion'] },
  ]),

  askEmail: awaiting('askEmail', fieldBack('askUso'), [
    { guard: 'skipsEmail', target: 'checkReceptor', actions: 'skipEmail' },
    { guard: 'hasEmail', target: 'checkReceptor', actions: 'rememberEmail' },
  ]),

  /**
   * Routing only (never rests here): the first missing or inconsistent field, else the summary.
   * The RFC is not in the list: every way in comes after askRfc has set it.
   */
  checkReceptor: flow.createStateConfig({
    always: [
      ...(['nombre', 'codigoPostal', 'regimenFiscal', 'usoCfdi', 'email'] as const).map((field) => ({
        guard: { type: 'needsField' as const, params: { field } },
        target: ASK_FIELD[field],
      })),
      { target: 'summary', actions: 'stopEditing' },
    ],
  }),

  summary: awaiting(
    'summary',
    [{ guard: and([isBack, 'isKnown']), target: 'knownCustomer' }, ...backTo('askEmail')],
    [
      { guard: 'confirmsSummary', target: 'issuing' },
      ...edits(['rfc', 'nombre', 'codigoPostal', 'regimenFiscal', 'usoCfdi', 'email']),
    ],
  ),

  issuing: flow.createStateConfig({
    tags: 'busy',
    entry: 'sayIssuing',
    on: { expire: {} },
    invoke: {
      id: 'issueInvoice',
      src: 'issueInvoice',
      input: ({ context }) => ({
        ticketCode: ticketCodeOf(context),
        receptor: {
          rfc: context.receptor.rfc ?? '',
          nombre: context.receptor.nombre ?? '',
          codigoPostal: context.receptor.codigoPostal ?? '',
          regimenFiscal: context.receptor.regimenFiscal ?? '',
          usoCfdi: context.receptor.usoCfdi ?? '',
          email: context.receptor.email,
        },
        channel: context.channel,
        chatId: context.chatId,
      }),
      onDone: [
        { guard: { type: 'outcomeIs', params: outcome('issued') }, target: 'done', actions: say },
        { guard: { type: 'outcomeIs', params: outcome('queued') }, target: 'done', actions: say },
        {
          guard: { type: 'outcomeIs', params: outcome('already_invoiced') },
          target: 'offerResend',
          actions: [say, { type: 'rememberInvoice', params: output }],
        },
        ...REJECTABLE.map((field) => ({
          guard: {
            type: 'outcomeIs' as const,
            params: ({ event }: { event: { output: { outcome: string; field?: string | null } } }) => ({
              actual: event.output.outcome === 'rejected' ? String(event.output.field) : '',
              expected: field,
            }),
          },
          target: ASK_FIELD[field],
          actions: [say, 'startEditing' as const],
        })),
        { target: 'summary', actions: say },
      ],
      onError: { target: 'summary', actions: 'sayProblem' },
    },
  }),
};
