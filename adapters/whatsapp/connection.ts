/**
 * Keeps one WhatsApp connection alive: take the advisory lock (or wait for it), load the auth
 * state, make a socket, pair (QR or pairing code) when there are no credentials, and when the
 * socket closes decide by the disconnect reason (see reconnect.ts). A plain loop, not a callback
 * that calls itself; every wait goes through the injected `sleep` and ends early on `stop()`.
 */
import type { WAMessage, WAVersion } from '@whiskeysockets/baileys';
import type { Database } from '../../src/db/database.ts';
import type { Logger } from '../../src/log.ts';
import { type PostgresAuthState, usePostgresAuthState } from './auth-state.ts';
import { type ConnectionLock, createConnectionLock } from './lock.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF, decideReconnect, disconnectStatus } from './reconnect.ts';
import type { SocketEvents, SocketFactory, WASocketLike } from './socket.ts';

export type WhatsAppState =
  | 'stopped'
  | 'waiting-lock'
  | 'connecting'
  | 'qr'
  | 'pairing-code'
  | 'open'
  | 'replaced';

export interface WhatsAppStatus {
  state: WhatsAppState;
  /** The QR payload to scan, while pairing by QR. */
  qr?: string;
  /** The code to type on the phone, while pairing by code. */
  pairingCode?: string;
  /** The connected account's JID. */
  user?: string;
}

export interface ConnectionOptions {
  db: Database;
  account: string;
  log: Logger;
  makeSocket: SocketFactory;
  versionLookup?: () => Promise<WAVersion>;
  pairingNumber?: string;
  onMessage: (message: WAMessage) => void;
  onQr: (qr: string) => void;
  onPairingCode: (code: string) => void;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  backoff?: BackoffPolicy;
  lockRetryMs?: number;
  /** How often the lock's connection is checked (server mode), ms. */
  heartbeatMs?: number;
}

interface Closed {
  status: number | undefined;
  opened: boolean;
  lockLost?: boolean;
}

export class WhatsAppConnection {
  private readonly lock: ConnectionLock;
  private openSocket: WASocketLike | null = null;
  private auth: PostgresAuthState | null = null;
  private statusValue: WhatsAppStatus = { state: 'stopped' };
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private endCurrent: ((reason: 'stop' | 'lock-lost') => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly options: ConnectionOptions) {
    this.lock = createConnectionLock(options.db, options.account, () => this.endCurrent?.('lock-lost'));
  }

  /** The socket when the connection is open, else null. */
  get socket(): WASocketLike | null {
    return this.openSocket;
  }

  get status(): WhatsAppStatus {
    return this.statusValue;
  }

  /** Starts the connection loop in the background; errors are logged, never thrown. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run().catch((err) => this.options.log.error({ err }, 'whatsapp connection loop failed'));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.endCurrent?.('stop');
    await this.loop;
    this.loop = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    await this.lock.release();
    this.set({ state: 'stopped' });
  }

  private set(status: WhatsAppStatus): void {
    this.statusValue = status;
  }

  private async run(): Promise<void> {
    const { log } = this.options;
    let attempt = 0;
    let toldWaiting = false;
    while (!this.stopping) {
      if (!this.lock.held) {
        const got = await this.lock.tryAcquire().catch((err) => {
          log.error({ err }, 'could not ask Postgres for the WhatsApp lock');
          return false;
        });
        if (!got) {
          this.set({ state: 'waiting-lock' });
          if (!toldWaiting) log.info('another process holds the WhatsApp connection; will retry');
          toldWaiting = true;
          await this.pause(this.options.lockRetryMs ?? 30_000);
          continue;
        }
        toldWaiting = false;
        log.info('this process holds the WhatsApp connection');
        this.startHeartbeat();
      }
      let closed: Closed;
      try {
        closed = await this.connectOnce();
      } catch (err) {
        log.error({ err }, 'whatsapp connection attempt failed');
        closed = { status: undefined, opened: false };
      }
      this.openSocket = null;
      if (this.stopping) break;
      if (closed.lockLost) {
        log.error('lost the WhatsApp lock (its database connection died); disconnected, will try again');
        continue;
      }
      if (closed.opened) attempt = 0;
      const decision = decideReconnect(
        closed.status,
        attempt,
        this.options.backoff ?? DEFAULT_BACKOFF,
        this.options.random,
      );
      if (decision.action === 'restart') {
        log.info({ status: closed.status }, 'whatsapp asked for a restart; reconnecting now');
      } else if (decision.action === 'pair-again') {
        log.warn('whatsapp logged this device out; wiping its credentials, pair again');
        await this.auth?.clear();
        attempt = 0;
      } else if (decision.action === 'stop') {
        log.error({ status: closed.status }, `whatsapp stopped: ${decision.reason}; not reconnecting`);
        this.set({ state: 'replaced' });
        return;
      } else {
        log.warn(
          { status: closed.status, delayMs: decision.delayMs },
          'whatsapp connection closed; reconnecting later',
        );
        attempt++;
        await this.pause(decision.delayMs);
      }
    }
  }

  /** One socket's life: resolves when it closes (or is ended by stop / a lost lock). */
  private async connectOnce(): Promise<Closed> {
    const { log, pairingNumber } = this.options;
    const auth = await usePostgresAuthState(this.options.db.sql, this.options.account);
    this.auth = auth;
    const version = this.options.versionLookup
      ? await this.options.versionLookup().catch((err) => {
          log.warn({ err }, 'whatsapp web version look-up failed; using the bundled version');
          return undefined;
        })
      : undefined;
    if (this.stopping) return { status: undefined, opened: false };
    this.set({ state: 'connecting' });
    const sock = this.options.makeSocket({ auth: auth.state, version, log });

    return new Promise<Closed>((resolve) => {
      let opened = false;
      let pairingRequested = false;
      const onCreds = () => {
        auth.saveCreds().catch((err) => log.error({ err }, 'could not store whatsapp credentials'));
      };
      const onConnection = (update: SocketEvents['connection.update']) => {
        try {
          if (update.qr) {
            if (pairingNumber && !auth.state.creds.registered) {
              if (!pairingRequested) {
                pairingRequested = true;
                sock
                  .requestPairingCode(pairingNumber)
                  .then((code) => {
                    this.set({ state: 'pairing-code', pairingCode: code });
                    this.options.onPairingCode(code);
                  })
                  .catch((err) => log.error({ err }, 'whatsapp pairing code request failed'));
              }
            } else {
              this.set({ state: 'qr', qr: update.qr });
              this.options.onQr(update.qr);
            }
          }
          if (update.connection === 'open') {
            opened = true;
            this.openSocket = sock;
            this.set({ state: 'open', ...(sock.user?.id ? { user: sock.user.id } : {}) });
            log.info('whatsapp connected');
          } else if (update.connection === 'close') {
            finish({ status: disconnectStatus(update.lastDisconnect?.error), opened });
          }
        } catch (err) {
          log.error({ err }, 'whatsapp connection update failed');
        }
      };
      const onMessages = (upsert: SocketEvents['messages.upsert']) => {
        if (upsert.type !== 'notify') return;
        for (const message of upsert.messages) this.options.onMessage(message);
      };
      const finish = (closed: Closed) => {
        sock.ev.off('creds.update', onCreds);
        sock.ev.off('connection.update', onConnection);
        sock.ev.off('messages.upsert', onMessages);
        this.endCurrent = null;
        this.openSocket = null;
        resolve(closed);
      };
      this.endCurrent = (reason) => {
        finish({ status: undefined, opened, lockLost: reason === 'lock-lost' });
        Promise.resolve(sock.end(undefined)).catch((err) => log.debug({ err }, 'whatsapp socket end failed'));
      };
      sock.ev.on('creds.update', onCreds);
      sock.ev.on('connection.update', onConnection);
      sock.ev.on('messages.upsert', onMessages);
    });
  }

  /** Waits `ms` (through the injected sleep), or less when stop() is called. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        if (this.wake === done) this.wake = null;
        resolve();
      };
      this.wake = done;
      this.options.sleep(ms).then(done, done);
    });
  }

  private startHeartbeat(): void {
    if (this.options.db.embedded || this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      void this.lock.check().then((alive) => {
        if (alive || this.stopping) return;
        if (this.heartbeat) clearInterval(this.heartbeat);
        this.heartbeat = null;
        this.endCurrent?.('lock-lost');
      });
    }, this.options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }
}
