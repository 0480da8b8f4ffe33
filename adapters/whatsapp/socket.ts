/**
 * The part of a Baileys socket the adapter uses, so tests can hand it a fake, and the default
 * factory that makes a real one. History sync is off (the adapter only answers live messages),
 * groups, broadcasts and newsletters are ignored before decryption.
 */
import makeWASocket, {
  type AnyMessageContent,
  type AuthenticationState,
  type BaileysEventMap,
  downloadMediaMessage,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  makeCacheableSignalKeyStore,
  type WAMessage,
  type WAPresence,
  type WAVersion,
} from '@whiskeysockets/baileys';
import type { Logger } from '../../src/log.ts';

/** The events the adapter listens to. */
export type SocketEvents = Pick<BaileysEventMap, 'connection.update' | 'messages.upsert' | 'creds.update'>;

export interface WASocketLike {
  ev: {
    on<E extends keyof SocketEvents>(event: E, listener: (arg: SocketEvents[E]) => void): void;
    off<E extends keyof SocketEvents>(event: E, listener: (arg: SocketEvents[E]) => void): void;
  };
  user?: { id: string; name?: string | undefined } | undefined;
  sendMessage(jid: string, content: AnyMessageContent): Promise<unknown>;
  sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  end(error: Error | undefined): void | Promise<void>;
}

export interface SocketFactoryOptions {
  auth: AuthenticationState;
  /** WhatsApp Web version; undefined: the one bundled with Baileys. */
  version: WAVersion | undefined;
  log: Logger;
}

export type SocketFactory = (options: SocketFactoryOptions) => WASocketLike;
export type MediaDownloader = (message: WAMessage) => Promise<Buffer>;

/** Baileys' logger wants pino's shape; ours is pino, kept at warn so the protocol chatter stays out. */
function baileysLogger(log: Logger): Logger {
  return log.child({ module: 'baileys' }, { level: log.isLevelEnabled('debug') ? 'debug' : 'warn' });
}

/** Makes a real Baileys socket (it connects at once). */
export const makeBaileysSocket: SocketFactory = ({ auth, version, log }) => {
  const logger = baileysLogger(log);
  return makeWASocket({
    auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, logger) },
    logger,
    ...(version ? { version } : {}),
    markOnlineOnConnect: false,
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
    shouldIgnoreJid: (jid) => Boolean(isJidGroup(jid) || isJidBroadcast(jid) || isJidNewsletter(jid)),
  });
};

/** Downloads and decrypts a media message's bytes from WhatsApp's servers. */
export const downloadWithBaileys: MediaDownloader = (message) => downloadMediaMessage(message, 'buffer', {});
