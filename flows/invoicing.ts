/**
 * The invoicing conversation: a customer turns a shop ticket into a CFDI 4.0 invoice by chat.
 * Pure XState v5 machine; every effect is a named actor supplied by the runtime.
 *
 * ## Contract with the runtime (src/conversation/)
 *
 * - Create: `createActor(invoicingMachine.provide({ actors }), { input: { channel, chatId } })`, or
 *   with `{ snapshot }` to continue a stored conversation. Store `FLOW_VERSION` beside each snapshot;
 *   a snapshot of another version, or one `checkSnapshot` (flows/snapshot.ts) refuses, is discarded
 *   and the chat starts over in `idle` (say `copy.restartNotice()`). Snapshots are plain JSON
 *   (`actor.getPersistedSnapshot()`); context never holds files or other large values.
 * - Events: one `{ type: 'message', text?, choice?, hasImage?, scan?, now }` per inbound message
 *   (`scan` is filled by the runtime BEFORE sending: QR first, OCR fallback, `via: 'none'` when a
 *   photo showed nothing; `now` is the ISO instant received, used for "hoy"/"ayer"), and
 *   `{ type: 'expire' }` when the idle deadline is reached (goodbye and reset; ignored in `idle` and
 *   while busy).
 * - Replies: listen with `actor.on('reply', ({ reply }) => ...)`; each is a `Reply` (text, choices,
 *   files). Files (PDF/XML) are only in emitted replies, never in the snapshot.
 * - Settling: send one event, then wait until the snapshot has tag `'awaiting'`. States that call an
 *   actor have tag `'busy'`; `idle` also has tag `'idle'` (nothing pending: set no idle deadline).
 *   `issuing` emits "Generando tu factura…" on entry, before the busy snapshot is observable, so
 *   the runtime can flush it while the PAC works. Every batch of replies for a message ends with the question of the step it
 *   settles in (`copy.question(snapshot.context)`). An actor that throws gets a kind "tuvimos un
 *   problema" and a waiting step (never stuck busy); a busy state restored after a crash re-runs
 *   its actor, so the real actors must be idempotent.
 * - Actors (`flows/actors.ts`): validateTicket, recallChat, lookupCustomer, issueInvoice,
 *   resendInvoice. Limits (failed attempts, re-send count and window) are enforced by the actors;
 *   the machine only words their outcomes. Notices sent outside the conversation (a delayed stamp
 *   ready or refused) are worded by `copy.delayedInvoiceReady` / `copy.delayedInvoiceFailed`.
 *
 * ## Steps
 *
 * idle → askCode (→ confirmOcrCode) → askDate → askTotal → [validating] → [recalling]
 * (→ offerRecalledRfc) → askRfc → [lookingUpCustomer] → knownCustomer | askNombre (→ confirmNombre)
 * → askCodigoPostal → askRegimen → askUso → askEmail → summary → [issuing] → done.
 * Re-send: "reenviar" → askCode → askDate → askTotal → [validating] → [resending] → done.
 * Everywhere: "cancelar" restarts, "ayuda" explains and repeats the question, "atrás" goes back one
 * question (to the summary while changing a field), "reenviar" and "/start" start over in their
 * mode, anything else repeats the question with an example.
 */
import { initialContext } from './context.ts';
import { receptorStates } from './receptor-states.ts';
import { flow } from './setup.ts';
import { ticketStates } from './ticket-states.ts';

/** Bump when a stored snapshot of the previous version can no longer be restored safely. */
export const FLOW_VERSION = 1;

export const invoicingMachine = flow.createMachine({
  id: 'invoicing',
  initial: 'idle',
  context: ({ input }) => initialContext(input),
  on: {
    expire: { target: '.idle', actions: ['resetAll', 'sayTimedOut'] },
  },
  states: {
    ...ticketStates,
    ...receptorStates,
  },
});

export type InvoicingMachine = typeof invoicingMachine;
