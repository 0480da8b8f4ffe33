/**
 * One turn of a flow's machine: the flow as the runtime sees it, an actor restored from a stored
 * snapshot (untrusted input: a snapshot of another version, or one the flow's check refuses, is not
 * restored) and the wait until the machine waits for the customer again.
 */
import { type AnyActorRef, type AnyStateMachine, createActor } from 'xstate';
import type { Channel, InboundMessage, Reply } from './types.ts';

export interface FlowDefinition {
  machine: AnyStateMachine;
  version: number;
  /** The machine's input for a new conversation. */
  input(channel: Channel, chatId: string): unknown;
  /** Turns an inbound message (and the scan of its image, if any) into the machine's event. */
  toEvent(message: InboundMessage, scan: unknown): { type: string };
  expireEvent(now: Date): { type: string };
  /** Said when a stored conversation no longer fits the machine and is restarted. */
  restartNotice: Reply;
  /** Validates a stored snapshot (untrusted input); null when it does not fit this machine. */
  checkSnapshot?: (stored: unknown) => unknown | null;
}

/**
 * Starts the flow's actor from `stored` (or fresh when null), collecting its replies into `replies`.
 * Throws when the stored conversation does not fit the flow; the caller then starts it fresh.
 */
export function restoreActor(
  flow: FlowDefinition,
  channel: Channel,
  chatId: string,
  stored: { flowVersion: number; snapshot: unknown } | null,
  replies: Reply[],
): AnyActorRef {
  const fits = stored && stored.flowVersion === flow.version;
  if (stored && !fits) throw new Error(`flow version ${stored.flowVersion} != ${flow.version}`);
  if (fits && flow.checkSnapshot && flow.checkSnapshot(stored.snapshot) === null) {
    throw new Error('stored snapshot does not fit the flow');
  }
  const actor = createActor(flow.machine, {
    input: flow.input(channel, chatId),
    ...(fits ? { snapshot: stored.snapshot as never } : {}),
  });
  actor.on('reply', (e: { reply: Reply }) => {
    replies.push(e.reply);
  });
  actor.start();
  if (actor.getSnapshot().status === 'error') throw new Error('restored snapshot is in error');
  return actor;
}

/** Resolves when the machine waits for the customer (tag 'awaiting') or stopped; rejects after `timeoutMs`. */
export function settle(actor: AnyActorRef, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (s: { status: string; hasTag?: (t: string) => boolean }) =>
      s.status !== 'active' || s.hasTag?.('awaiting') === true;
    if (done(actor.getSnapshot())) return resolve();
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error('conversation did not settle in time'));
    }, timeoutMs);
    const sub = actor.subscribe({
      next: (s) => {
        if (done(s)) {
          clearTimeout(timer);
          sub.unsubscribe();
          resolve();
        }
      },
      error: (err) => {
        clearTimeout(timer);
        reject(err);
      },
    });
  });
}
