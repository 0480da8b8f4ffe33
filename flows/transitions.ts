/**
 * Building blocks shared by every waiting step of the invoicing machine: the global commands
 * (/start, cancelar, ayuda, reenviar) checked before anything a step reads, "atrás", and the
 * catch-all that repeats the question. `awaiting()` assembles them so no step can forget one.
 */
import { and } from 'xstate';
import type { Step } from './context.ts';
import { flow } from './setup.ts';

type StateConfig = Parameters<typeof flow.createStateConfig>[0];
/** One transition of the 'message' event, typed by the machine's setup. */
export type MessageTransition = Extract<
  NonNullable<NonNullable<StateConfig['on']>['message']>,
  readonly unknown[]
>[number];

const isStart = { type: 'isCommand', params: { command: 'start' } } as const;
const isCancel = { type: 'isCommand', params: { command: 'cancel' } } as const;
export const isHelp = { type: 'isCommand', params: { command: 'help' } } as const;
export const isResend = { type: 'isCommand', params: { command: 'resend' } } as const;
export const isBack = { type: 'isCommand', params: { command: 'back' } } as const;

/** Guard: the customer tapped the choice `id`. */
export function choice(id: string) {
  return { type: 'isChoice', params: { id } } as const;
}

/** Global commands, first in every waiting step ("reenter" so that staying in a step asks again). */
export const commands: MessageTransition[] = [
  {
    guard: and([isStart, 'hasCommandCode']),
    target: 'askDate',
    reenter: true,
    actions: ['greet', 'startOver', 'rememberCommandCode'],
  },
  { guard: isStart, target: 'askCode', reenter: true, actions: ['greet', 'startOver'] },
  { guard: isCancel, target: 'askCode', reenter: true, actions: ['sayCancelled', 'startOver'] },
  { guard: isHelp, actions: ['sayHelp', 'askQuestion'] },
  {
    guard: and([isResend, 'hasCommandCode']),
    target: 'askDate',
    reenter: true,
    actions: ['startResend', 'rememberCommandCode'],
  },
  { guard: isResend, target: 'askCode', reenter: true, actions: ['startResend'] },
];

/** Anything a step did not understand: say so briefly and repeat its question (with its example). */
export const fallback: MessageTransition = { actions: ['sayUnexpected', 'askQuestion'] };

/**
 * Reading a ticket code: a QR photo (accepted at once), an OCR photo (confirmed first), a typed or
 * pasted code, or a photo where nothing was found (tip). `before` runs first (e.g. greet, reset).
 */
export function codeInput(before: ('greet' | 'startOver')[]): MessageTransition[] {
  return [
    {
      guard: 'hasQrCode',
      target: 'askDate',
      reenter: true,
      actions: [...before, 'rememberScannedCode', 'rememberScanValues', 'sayCodeFromPhoto'],
    },
    {
      guard: 'hasOcrCode',
      target: 'confirmOcrCode',
      reenter: true,
      actions: [...before, 'rememberOcrCode', 'rememberScanValues'],
    },
    { guard: 'hasTypedCode', target: 'askDate', reenter: true, actions: [...before, 'rememberTypedCode'] },
    { guard: 'hasPhoto', target: 'askCode', reenter: true, actions: [...before, 'sayPhotoUnreadable'] },
  ];
}

/** "Atrás" when there is no previous question. */
export const noBack: MessageTransition[] = [{ guard: isBack, actions: ['sayNoPreviousStep', 'askQuestion'] }];

/** "Atrás" to `target`, running `actions` first. */
export function backTo(
  target: string,
  actions: ('forgetCode' | 'forgetDateAndTotal')[] = [],
): MessageTransition[] {
  return [{ guard: isBack, target, reenter: true, actions }];
}

/** "Atrás" in a fiscal field: back to the summary while changing that field, else to `target`. */
export function fieldBack(target: string): MessageTransition[] {
  return [{ guard: and([isBack, 'isEditing']), target: 'checkReceptor' }, ...backTo(target)];
}

/**
 * A step where the machine waits for the customer: tag 'awaiting', its question asked on entry,
 * then, for each message: global commands, "atrás" (`back`), the step's own `transitions`, and the
 * catch-all.
 */
export function awaiting(step: Step, back: MessageTransition[], transitions: MessageTransition[]) {
  return flow.createStateConfig({
    tags: 'awaiting',
    entry: [{ type: 'setStep', params: { step } }, 'askQuestion'],
    on: {
      message: [...commands, ...back, ...transitions, fallback],
    },
  });
}

/** Params for actions that take an actor's output: `{ type: 'sayValidation', params: output }`. */
export const output = <T>({ event }: { event: { output: T } }): T => event.output;

/** Params for the `outcomeIs` guard on an actor's result: `{ type: 'outcomeIs', params: outcome('ok') }`. */
export function outcome(expected: string) {
  return ({ event }: { event: { output: { outcome: string } } }) => ({
    actual: event.output.outcome,
    expected,
  });
}
