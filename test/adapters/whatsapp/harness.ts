/**
 * Runs the real WhatsApp adapter on a fake Baileys socket: `const h = startWhatsAppHarness({ db,
 * runtime }); await h.adapter.start(); const sock = await h.connected(); const chat =
 * h.fake.chat(); await chat.sendText('hola')`. No real timers: sleeps are recorded and resolve at
 * once unless the test supplies its own. Log lines are captured in `h.logs`.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import {
  createWhatsAppAdapter,
  type WhatsAppAdapter,
  type WhatsAppAdapterOptions,
} from '../../../adapters/whatsapp/index.ts';
import type { ConversationRuntime } from '../../../src/conversation/runtime.ts';
import type { Database } from '../../../src/db/database.ts';
import type { Logger } from '../../../src/log.ts';
import { type FakeBaileysSocket, FakeWhatsApp } from '../../fakes/baileys-socket.ts';

export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

export interface WhatsAppHarness {
  adapter: WhatsAppAdapter;
  fake: FakeWhatsApp;
  account: string;
  logs: LogLine[];
  sleeps: number[];
  qrs: string[];
  /** Waits for this adapter's socket #n (default: its first), opens it and resolves with it. */
  connected(n?: number): Promise<FakeBaileysSocket>;
}

/** A logger whose lines are kept in `lines` (and echoed when TEST_LOG_LEVEL is set). */
export function capturingLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino(
    { level: 'debug' },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as LogLine);
        if (process.env.TEST_LOG_LEVEL) process.stderr.write(line);
      },
    },
  );
  return { log, lines };
}

export function startWhatsAppHarness(
  options: {
    db: Database;
    runtime: Pick<ConversationRuntime, 'handle' | 'registerSink'>;
    account?: string;
    fake?: FakeWhatsApp;
  } & Partial<WhatsAppAdapterOptions>,
): WhatsAppHarness {
  const fake = options.fake ?? new FakeWhatsApp();
  const { log, lines } = capturingLogger();
  const sleeps: number[] = [];
  const qrs: string[] = [];
  const account = options.account ?? `test-${randomBytes(4).toString('hex')}`;
  const baseline = fake.sockets.length;
  const adapter = createWhatsAppAdapter({
    log,
    makeSocket: fake.makeSocket,
    downloadMedia: fake.downloadMedia,
    onMessageDone: fake.messageDone,
    printQr: (qr) => qrs.push(qr),
    sendGapMs: { min: 0, max: 0 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
    account,
  });
  return {
    adapter,
    fake,
    account,
    logs: lines,
    sleeps,
    qrs,
    async connected(n = 1) {
      const sock = await fake.socket(baseline + n);
      sock.open();
      return sock;
    },
  };
}
