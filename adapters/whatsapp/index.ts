/**
 * The WhatsApp channel (Baileys 7). It only translates: live messages from people ->
 * `InboundMessage` -> `runtime.handle`, and the runtime's replies -> WhatsApp messages through the
 * registered sink. Options are numbered lines; an answer by number or text comes back as `choice`.
 * One process holds the connection (Postgres advisory lock); auth state lives in Postgres.
 */
import type { WAMessage, WAVersion } from '@whiskeysockets/baileys';
import QRCode from 'qrcode';
import type { ConversationRuntime } from '../../src/conversation/runtime.ts';
import type { InboundMessage } from '../../src/conversation/types.ts';
import type { Database } from '../../src/db/database.ts';
import type { Mount } from '../../src/http/app.ts';
import type { Logger } from '../../src/log.ts';
import { ADMIN_PATH, createWhatsAppAdminRouter } from './admin.ts';
import { createChatStore } from './chats.ts';
import { WhatsAppConnection, type WhatsAppStatus } from './connection.ts';
import { whatsappCopy } from './copy.ts';
import { chatOf, fromWAMessage, WhatsAppFileError } from './inbound.ts';
import { matchChoice } from './numbered.ts';
import { createSender, DEFAULT_REPLY_WINDOW_MS } from './outbound.ts';
import type { BackoffPolicy } from './reconnect.ts';
import {
  downloadWithBaileys,
  type MediaDownloader,
  makeBaileysSocket,
  type SocketFactory,
} from './socket.ts';

export type { WhatsAppStatus } from './connection.ts';
export type { WASocketLike } from './socket.ts';

export interface WhatsAppAdapterOptions {
  runtime: Pick<ConversationRuntime, 'handle' | 'registerSink'>;
  log: Logger;
  db: Database;
  /** Name of the WhatsApp account in the auth tables (default "default"). */
  account?: string;
  /** Pair with a code for this number (digits, international format) instead of a QR. */
  pairingNumber?: string;
  /** Installation-wide key for the pairing page; without it, one company's admin key while there is one. */
  operatorKey?: string;
  makeSocket?: SocketFactory;
  downloadMedia?: MediaDownloader;
  /** Looks up the current WhatsApp Web version (needs the network); default: Baileys' bundled one. */
  versionLookup?: () => Promise<WAVersion>;
  /** Shows a QR to the operator; default: printed on the terminal. */
  printQr?: (qr: string) => void;
  /** Random gap between two messages to one chat, ms (default 400-1200; tests use 0). */
  sendGapMs?: { min: number; max: number };
  replyWindowMs?: number;
  backoff?: BackoffPolicy;
  lockRetryMs?: number;
  heartbeatMs?: number;
  maxMediaBytes?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called when an inbound message was fully handled (or ignored); for tests and metrics. */
  onMessageDone?: (messageId: string) => void;
}

export interface WhatsAppAdapter {
  start(): Promise<void>;
  stop(): Promise<void>;
  mounts: Mount[];
  notes: string[];
  status(): WhatsAppStatus;
}

const PRESENCE_REFRESH_MS = 10_000;

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

async function printQrOnTerminal(qr: string): Promise<void> {
  const art = await QRCode.toString(qr, { type: 'terminal', small: true });
  process.stdout.write(`\nWhatsApp: scan this QR in Linked devices (or open ${ADMIN_PATH}):\n${art}\n`);
}

/** Builds the WhatsApp channel; nothing connects until `start()`. */
export function createWhatsAppAdapter(options: WhatsAppAdapterOptions): WhatsAppAdapter {
  const { runtime, log, db } = options;
  const account = options.account ?? 'default';
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const gap = options.sendGapMs ?? { min: 400, max: 1200 };
  const download = options.downloadMedia ?? downloadWithBaileys;
  const chats = createChatStore(db.sql, account);
  const tails = new Map<string, Promise<void>>();

  const connection = new WhatsAppConnection({
    db,
    account,
    log,
    makeSocket: options.makeSocket ?? makeBaileysSocket,
    ...(options.versionLookup ? { versionLookup: options.versionLookup } : {}),
    ...(options.pairingNumber ? { pairingNumber: options.pairingNumber } : {}),
    onMessage: receive,
    onQr: (qr) => {
      log.info(`whatsapp is waiting to be paired: scan the QR (terminal or ${ADMIN_PATH})`);
      Promise.resolve((options.printQr ?? printQrOnTerminal)(qr)).catch((err) =>
        log.warn({ err }, 'could not print the QR'),
      );
    },
    onPairingCode: (code) => {
      log.info(
        { code },
        'whatsapp pairing code: type it on the phone (Linked devices > Link with phone number)',
      );
    },
    sleep,
    random,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.lockRetryMs !== undefined ? { lockRetryMs: options.lockRetryMs } : {}),
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
  });

  const sender = createSender({
    socket: () => connection.socket,
    chats,
    log,
    now,
    sleep,
    gapMs: () => gap.min + random() * (gap.max - gap.min),
    replyWindowMs: options.replyWindowMs ?? DEFAULT_REPLY_WINDOW_MS,
  });
  runtime.registerSink('whatsapp', (chatId, replies) => sender.send(chatId, replies));

  /** Takes a message from the socket; messages of one chat are handled one at a time, in order. */
  function receive(msg: WAMessage): void {
    const chat = chatOf(msg);
    const done = () => options.onMessageDone?.(msg.key.id ?? '');
    if ('ignored' in chat) {
      log.debug({ reason: chat.ignored }, 'whatsapp message ignored');
      done();
      return;
    }
    const previous = tails.get(chat.jid) ?? Promise.resolve();
    const next = previous
      .then(() => handleOne(chat.jid, msg))
      .catch((err) => log.error({ err }, 'whatsapp message handling failed'))
      .finally(done);
    tails.set(chat.jid, next);
    void next.finally(() => {
      if (tails.get(chat.jid) === next) tails.delete(chat.jid);
    });
  }

  async function handleOne(jid: string, msg: WAMessage): Promise<void> {
    await chats.touchInbound(jid, now());
    await sender.presence(jid, 'composing');
    const typing = setInterval(() => void sender.presence(jid, 'composing'), PRESENCE_REFRESH_MS);
    typing.unref();
    try {
      const outcome = await fromWAMessage(msg, download, { maxBytes: options.maxMediaBytes, now });
      if (outcome.kind === 'ignored') {
        log.debug({ reason: outcome.reason }, 'whatsapp message ignored');
        return;
      }
      await runtime.handle(await withChoice(jid, outcome.message));
    } catch (err) {
      const fileError = err instanceof WhatsAppFileError;
      log[fileError ? 'warn' : 'error']({ err }, 'could not handle a whatsapp message');
      const text = !fileError
        ? whatsappCopy.failure
        : err.code === 'too_large'
          ? whatsappCopy.fileTooLarge
          : whatsappCopy.downloadFailed;
      await sender.send(jid, [{ text }]).catch((e) => log.warn({ err: e }, 'could not tell the person'));
    } finally {
      clearInterval(typing);
      await sender.presence(jid, 'paused');
    }
  }

  /** A text-only answer that names one of the options last offered becomes that option's `choice`. */
  async function withChoice(jid: string, message: InboundMessage): Promise<InboundMessage> {
    if (message.text === undefined || message.image || message.document) return message;
    const { options: offered } = await chats.get(jid);
    const choice = matchChoice(message.text, offered);
    if (!choice) return message;
    const { text: _said, ...rest } = message;
    return { ...rest, choice };
  }

  const keyNote = options.operatorKey ? 'OPERATOR_KEY' : 'admin API key';
  return {
    mounts: [
      {
        path: ADMIN_PATH,
        router: createWhatsAppAdminRouter({
          sql: db.sql,
          status: () => connection.status,
          ...(options.operatorKey ? { operatorKey: options.operatorKey } : {}),
        }),
      },
    ],
    notes: [
      options.pairingNumber
        ? `WhatsApp: pairing by code; the code is logged and shown at ${ADMIN_PATH} (${keyNote})`
        : `WhatsApp: pair by scanning the QR printed here or shown at ${ADMIN_PATH} (${keyNote})`,
    ],
    async start() {
      connection.start();
    },
    async stop() {
      await Promise.allSettled([...tails.values()]);
      await connection.stop();
    },
    status: () => connection.status,
  };
}
