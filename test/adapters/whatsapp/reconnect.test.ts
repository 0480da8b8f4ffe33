import { DisconnectReason } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { decideReconnect, disconnectStatus } from '../../../adapters/whatsapp/reconnect.ts';
import { disconnectError } from '../../fakes/baileys-socket.ts';

const policy = { baseMs: 1000, capMs: 60_000 };

describe('decideReconnect', () => {
  it('restarts at once, pairs again, or stops, by reason', () => {
    expect(decideReconnect(DisconnectReason.restartRequired, 5, policy)).toEqual({ action: 'restart' });
    expect(decideReconnect(DisconnectReason.loggedOut, 5, policy)).toEqual({ action: 'pair-again' });
    expect(decideReconnect(DisconnectReason.connectionReplaced, 0, policy)).toMatchObject({ action: 'stop' });
  });

  it.each([
    DisconnectReason.connectionClosed,
    DisconnectReason.connectionLost,
    DisconnectReason.badSession,
    DisconnectReason.multideviceMismatch,
    DisconnectReason.forbidden,
    DisconnectReason.unavailableService,
    undefined,
  ])('backs off for %s, between half and all of the exponential step, capped', (status) => {
    for (const [attempt, step] of [
      [0, 1000],
      [1, 2000],
      [3, 8000],
      [6, 60_000],
      [40, 60_000],
    ] as const) {
      const low = decideReconnect(status, attempt, policy, () => 0);
      const high = decideReconnect(status, attempt, policy, () => 0.999999);
      expect(low).toEqual({ action: 'backoff', delayMs: step / 2 });
      expect(high.action).toBe('backoff');
      if (high.action === 'backoff') {
        expect(high.delayMs).toBeLessThanOrEqual(step);
        expect(high.delayMs).toBeGreaterThan(step * 0.99);
      }
    }
  });
});

describe('disconnectStatus', () => {
  it('reads the Boom status code of a close error', () => {
    expect(disconnectStatus(disconnectError(515))).toBe(515);
    expect(disconnectStatus(new Error('plain'))).toBeUndefined();
    expect(disconnectStatus(undefined)).toBeUndefined();
  });
});
