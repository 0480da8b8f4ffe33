/**
 * Neutral -> WhatsApp: replies become text messages (choices as numbered lines) and documents
 * (PDF, XML) with file name and MIME type, sent through a per-chat queue with a little random
 * gap between messages. Only replies: a chat whose person has not written within the reply
 * window (24 h) gets nothing, and the options sent last are remembered for numbered answers.
 */
import type { Reply } from '../../src/conversation/types.ts';
import type { Logger } from '../../src/log.ts';
import type { ChatStore } from './chats.ts';
import { renderChoices } from './numbered.ts';
import type { WASocketLike } from './socket.ts';

export const DEFAULT_REPLY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface SenderOptions {
  /** The connected socket, or null while disconnected. */
  socket: () => WASocketLike | null;
  chats: ChatStore;
  log: Logger;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Milliseconds to wait between two messages to one chat. */
  gapMs: () => number;
  replyWindowMs?: number;
}

export interface Sender {
  /** Queues the replies for a chat; resolves when sent (throws when WhatsApp refused them). */
  send(jid: string, replies: Reply[]): Promise<void>;
  /** "typing…" on or off; best effort. */
  presence(jid: string, state: 'composing' | 'paused'): Promise<void>;
}

export function createSender(options: SenderOptions): Sender {
  const { chats, log } = options;
  const windowMs = options.replyWindowMs ?? DEFAULT_REPLY_WINDOW_MS;
  const tails = new Map<string, Promise<unknown>>();

  function connected(): WASocketLike {
    const sock = options.socket();
    if (!sock) throw new Error('WhatsApp is not connected');
    return sock;
  }

  async function deliver(jid: string, replies: Reply[]): Promise<void> {
    const chat = await chats.get(jid);
    const age = chat.lastInboundAt ? options.now().getTime() - chat.lastInboundAt.getTime() : Infinity;
    if (age > windowMs) {
      log.warn({ chat: jid }, 'not sending: the person has not written to us within the reply window');
      return;
    }
    let first = true;
    const pace = async () => {
      if (!first) await options.sleep(options.gapMs());
      first = false;
    };
    for (const reply of replies) {
      const text = renderChoices(reply.text, reply.choices ?? []);
      if (text.trim() !== '') {
        await pace();
        await connected().sendMessage(jid, { text });
      }
      for (const file of reply.files ?? []) {
        await pace();
        await connected().sendMessage(jid, {
          document: Buffer.from(file.bytes),
          mimetype: file.mime,
          fileName: file.name,
        });
      }
    }
    const last = replies.at(-1);
    if (last) {
      const next = last.choices ?? [];
      if (JSON.stringify(next) !== JSON.stringify(chat.options)) await chats.setOptions(jid, next);
    }
  }

  return {
    send(jid, replies) {
      const previous = tails.get(jid) ?? Promise.resolve();
      const run = previous.catch(() => {}).then(() => deliver(jid, replies));
      tails.set(jid, run);
      void run
        .finally(() => {
          if (tails.get(jid) === run) tails.delete(jid);
        })
        .catch(() => {});
      return run;
    },
    async presence(jid, state) {
      const sock = options.socket();
      if (!sock) return;
      await sock.sendPresenceUpdate(state, jid).catch((err) => log.debug({ err }, 'presence update failed'));
    },
  };
}
