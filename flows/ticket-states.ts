/**
 * The first half of the conversation: which ticket (code typed, pasted or photographed), its
 * purchase date and total, the check with `validateTicket`, and re-sending an invoice that exists.
 */
import { and, or } from 'xstate';
import { ticketCodeOf } from './context.ts';
import { flow } from './setup.ts';
import {
  awaiting,
  backTo,
  choice,
  codeInput,
  isHelp,
  isResend,
  noBack,
  outcome,
  output,
} from './transitions.ts';

export const ticketStates = {
  /**
   * Before the first message, and after a goodbye. The first message is always greeted. Tagged
   * 'idle' too: nothing is pending, so the runtime sets no idle deadline.
   */
  idle: flow.createStateConfig({
    tags: ['awaiting', 'idle'],
    entry: { type: 'setStep', params: { step: 'idle' } },
    on: {
      expire: {},
      message: [
        {
          guard: and([isResend, 'hasCommandCode']),
          target: 'askDate',
          actions: ['greet', 'startResend', 'rememberCommandCode'],
        },
        {
          guard: isResend,
          target: 'askCode',
          actions: ['greet', 'startResend'],
        },
        { guard: isHelp, target: 'askCode', actions: ['greet', 'startOver', 'sayHelp'] },
        ...codeInput(['greet', 'startOver']),
        { target: 'askCode', actions: ['greet', 'startOver'] },
      ],
    },
  }),

  askCode: awaiting('askCode', noBack, codeInput([])),

  confirmOcrCode: awaiting('confirmOcrCode', backTo('askCode', ['forgetCode']), [
    { guard: 'isYes', target: 'askDate', actions: 'acceptOcrCode' },
    { guard: 'isNo', target: 'askCode', actions: 'rejectOcrCode' },
    ...codeInput([]),
  ]),

  askDate: awaiting('askDate', backTo('askCode', ['forgetCode']), [
    { guard: 'acceptsSuggestedDate', target: 'askTotal', actions: 'useSuggestedDate' },
    { guard: 'hasDate', target: 'askTotal', actions: 'rememberDate' },
    {
      guard: { type: 'isDateRefused', params: { reason: 'future' } },
      actions: [{ type: 'sayDateRefused', params: { reason: 'future' } }, 'askQuestion'],
    },
    {
      guard: { type: 'isDateRefused', params: { reason: 'invalid' } },
      actions: [{ type: 'sayDateRefused', params: { reason: 'invalid' } }, 'askQuestion'],
    },
  ]),

  askTotal: awaiting('askTotal', backTo('askDate'), [
    { guard: 'acceptsSuggestedTotal', target: 'validating', actions: 'useSuggestedTotal' },
    { guard: 'hasTotal', target: 'validating', actions: 'rememberTotal' },
  ]),

  validating: flow.createStateConfig({
    tags: 'busy',
    on: { expire: {} },
    invoke: {
      id: 'validateTicket',
      src: 'validateTicket',
      input: ({ context }) => ({
        code: context.code ?? '',
        date: context.date ?? '',
        total: context.total ?? '',
        channel: context.channel,
        chatId: context.chatId,
      }),
      onDone: [
        {
          guard: { type: 'outcomeIs', params: outcome('ok') },
          target: 'recalling',
          actions: [
            { type: 'sayValidation', params: output },
            { type: 'rememberTicket', params: output },
          ],
        },
        {
          guard: {
            type: 'canResend',
            params: ({ context, event }) => ({
              canResend:
                context.mode === 'resend' && event.output.outcome === 'invoiced' && event.output.canResend,
            }),
          },
          target: 'resending',
          actions: { type: 'rememberInvoice', params: output },
        },
        {
          guard: {
            type: 'canResend',
            params: ({ event }) => ({
              canResend: event.output.outcome === 'invoiced' && event.output.canResend,
            }),
          },
          target: 'offerResend',
          actions: [
            { type: 'sayValidation', params: output },
            { type: 'rememberInvoice', params: output },
          ],
        },
        {
          guard: { type: 'outcomeIs', params: outcome('mismatch') },
          target: 'askDate',
          actions: [{ type: 'sayValidation', params: output }, 'forgetDateAndTotal'],
        },
        {
          target: 'askCode',
          actions: [{ type: 'sayValidation', params: output }, 'forgetCode', 'forgetDateAndTotal'],
        },
      ],
      onError: { target: 'askTotal', actions: ['sayProblem', 'offerLastTotal'] },
    },
  }),

  offerResend: awaiting('offerResend', backTo('askCode', ['forgetCode', 'forgetDateAndTotal']), [
    { guard: 'isYes', target: 'resending' },
    { guard: 'isNo', target: 'askCode', actions: 'startOver' },
  ]),

  resending: flow.createStateConfig({
    tags: 'busy',
    on: { expire: {} },
    invoke: {
      id: 'resendInvoice',
      src: 'resendInvoice',
      input: ({ context }) => ({
        ticketCode: ticketCodeOf(context),
        channel: context.channel,
        chatId: context.chatId,
      }),
      onDone: { target: 'done', actions: { type: 'sayResendResult', params: output } },
      onError: { target: 'offerResend', actions: 'sayProblem' },
    },
  }),

  /** After an invoice (issued, queued or re-sent): another ticket, or goodbye. */
  done: awaiting('done', noBack, [
    { guard: or(['isYes', choice('another')]), target: 'askCode', actions: 'startOver' },
    { guard: or(['isNo', choice('finish')]), target: 'idle', actions: ['startOver', 'sayFarewell'] },
    ...codeInput(['startOver']),
  ]),
};
