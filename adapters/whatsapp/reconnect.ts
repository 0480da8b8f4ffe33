/**
 * What to do when the WhatsApp connection closes, by Baileys' DisconnectReason:
 * restartRequired (after pairing) -> reconnect at once; loggedOut -> wipe the credentials and pair
 * again; connectionReplaced (another WhatsApp Web session took over) -> stop and say so;
 * anything else -> wait, exponentially longer each time, capped, with jitter.
 */
import { DisconnectReason } from '@whiskeysockets/baileys';

export type ReconnectDecision =
  | { action: 'restart' }
  | { action: 'pair-again' }
  | { action: 'stop'; reason: string }
  | { action: 'backoff'; delayMs: number };

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 5 * 60_000 };

/** The status code carried by a Baileys close error (a Boom), if any. */
export function disconnectStatus(error: unknown): number | undefined {
  const status = (error as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Decides the next step after a close; `attempt` counts closes since the connection last opened.
 * The wait is half the exponential step plus a random half of it ("equal jitter").
 */
export function decideReconnect(
  status: number | undefined,
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): ReconnectDecision {
  switch (status) {
    case DisconnectReason.restartRequired:
      return { action: 'restart' };
    case DisconnectReason.loggedOut:
      return { action: 'pair-again' };
    case DisconnectReason.connectionReplaced:
      return { action: 'stop', reason: 'another WhatsApp Web session replaced this connection' };
    default: {
      const step = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
      return { action: 'backoff', delayMs: Math.round(step / 2 + random() * (step / 2)) };
    }
  }
}
