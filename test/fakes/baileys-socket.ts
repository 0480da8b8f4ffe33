/**
 * A fake Baileys socket: the `WASocketLike` part the WhatsApp adapter uses, driven by the test.
 * It emits `connection.update`, `messages.upsert` and `creds.update` the way Baileys does (an
 * EventEmitter underneath), records what the adapter sent and which presence it showed, and keeps
 * media bytes for the injected `downloadMedia`.
 *
 * `FakeWhatsApp` is the factory side: pass `fake.makeSocket`, `fake.downloadMedia` and
 * `fake.messageDone` (as `onMessageDone`) to the adapter; `fake.chat(jid)` plays a person.
 */
import { EventEmitter } from 'node:events';
import type { AnyMessageContent, WAMessage, WAPresence } from '@whiskeysockets/baileys';
import type { SocketEvents, SocketFactoryOptions, WASocketLike } from '../../adapters/whatsapp/socket.ts';

export interface SentMessage {
  jid: string;
  content: AnyMessageContent;
}

/** A Baileys-like close error (Boom shape: `output.statusCode`). */
export function disconnectError(statusCode: number, message = 'Connection Failure'): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode, payload: { statusCode } } });
}

export class FakeBaileysSocket implements WASocketLike {
  private readonly emitter = new EventEmitter();
  readonly ev = {
    on: <E extends keyof SocketEvents>(event: E, listener: (arg: SocketEvents[E]) => void) => {
      this.emitter.on(event, listener);
    },
    off: <E extends keyof SocketEvents>(event: E, listener: (arg: SocketEvents[E]) => void) => {
      this.emitter.off(event, listener);
    },
  };
  user: { id: string; name?: string } | undefined;
  readonly pairingRequests: string[] = [];
  ended = false;
  private sendFailures: Error[] = [];

  constructor(
    readonly options: SocketFactoryOptions,
    private readonly hub: FakeWhatsApp,
  ) {}

  listenerCount(event: keyof SocketEvents): number {
    return this.emitter.listenerCount(event);
  }

  emit<E extends keyof SocketEvents>(event: E, arg: SocketEvents[E]): void {
    this.emitter.emit(event, arg);
  }

  /** Pairing succeeded / session resumed: credentials updated, then the connection opens. */
  open(userJid = '5215550000000:7@s.whatsapp.net'): void {
    this.user = { id: userJid, name: 'Autofactura' };
    const creds = this.options.auth.creds;
    creds.me = { id: userJid, name: 'Autofactura' };
    creds.registered = true;
    this.emit('creds.update', { me: creds.me, registered: true });
    this.emit('connection.update', { connection: 'open', receivedPendingNotifications: true });
  }

  showQr(qr: string): void {
    this.emit('connection.update', { connection: 'connecting', qr });
  }

  /** The connection closes with a DisconnectReason status code. */
  close(statusCode: number): void {
    this.emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: disconnectError(statusCode) as never, date: new Date() },
    });
  }

  /** Delivers messages as Baileys does for live traffic (`notify`) or history (`append`). */
  receive(messages: WAMessage[], type: 'notify' | 'append' = 'notify'): void {
    this.emit('messages.upsert', { messages, type });
  }

  failNextSend(error = new Error('socket closed')): void {
    this.sendFailures.push(error);
  }

  async sendMessage(jid: string, content: AnyMessageContent): Promise<unknown> {
    const failure = this.sendFailures.shift();
    if (failure) throw failure;
    this.hub.sent.push({ jid, content });
    return { key: { remoteJid: jid, fromMe: true, id: `SENT${this.hub.sent.length}` } };
  }

  async sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void> {
    this.hub.presences.push({ jid: toJid ?? '', type });
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    this.pairingRequests.push(phoneNumber);
    return 'ABCD1234';
  }

  end(_error: Error | undefined): void {
    this.ended = true;
    this.close(428);
  }
}

/** The test's side of WhatsApp: sockets made, messages sent, media, and a person to chat as. */
export class FakeWhatsApp {
  readonly sockets: FakeBaileysSocket[] = [];
  readonly sent: SentMessage[] = [];
  readonly presences: Array<{ jid: string; type: WAPresence }> = [];
  private readonly media = new Map<string, Buffer>();
  private readonly handled = new Set<string>();
  private readonly waiters = new Map<string, () => void>();
  private readonly socketWaiters: Array<(s: FakeBaileysSocket) => void> = [];
  private nextId = 1;

  readonly makeSocket = (options: SocketFactoryOptions): FakeBaileysSocket => {
    const socket = new FakeBaileysSocket(options, this);
    this.sockets.push(socket);
    for (const w of this.socketWaiters.splice(0)) w(socket);
    return socket;
  };

  readonly downloadMedia = async (message: WAMessage): Promise<Buffer> => {
    const bytes = this.media.get(message.key.id ?? '');
    if (!bytes) throw new Error('media not found');
    return bytes;
  };

  /** Pass as the adapter's `onMessageDone`. */
  readonly messageDone = (id: string): void => {
    this.handled.add(id);
    this.waiters.get(id)?.();
  };

  get latest(): FakeBaileysSocket {
    const s = this.sockets.at(-1);
    if (!s) throw new Error('no socket was made');
    return s;
  }

  /** Resolves with the `n`-th socket made (1-based), waiting for it if needed. */
  socket(n: number, timeoutMs = 10_000): Promise<FakeBaileysSocket> {
    if (this.sockets.length >= n) return Promise.resolve(this.sockets[n - 1]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socket #${n} was not made in time`)), timeoutMs);
      const check = () => {
        if (this.sockets.length >= n) {
          clearTimeout(timer);
          resolve(this.sockets[n - 1]!);
        } else this.socketWaiters.push(check);
      };
      this.socketWaiters.push(check);
    });
  }

  whenHandled(id: string, timeoutMs = 20_000): Promise<void> {
    if (this.handled.has(id)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`message ${id} not handled (is onMessageDone wired?)`)),
        timeoutMs,
      );
      this.waiters.set(id, () => {
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve();
      });
    });
  }

  newId(): string {
    return `3EB0${String(this.nextId++).padStart(12, '0')}`;
  }

  addMedia(id: string, bytes: Uint8Array): void {
    this.media.set(id, Buffer.from(bytes));
  }

  /** A person writing from `jid` (LID by default, with their phone-number JID as the alt). */
  chat(jid = `${100_000_000_000 + Math.floor(Math.random() * 1e9)}@lid`, altJid?: string): FakeWhatsAppChat {
    return new FakeWhatsAppChat(this, jid, altJid);
  }
}

export type WhatsAppOutput =
  | { kind: 'text'; text: string }
  | { kind: 'document'; fileName: string; mimetype: string; bytes: Buffer }
  | { kind: 'other'; content: AnyMessageContent };

export function describeSent(content: AnyMessageContent): WhatsAppOutput {
  if ('text' in content && typeof content.text === 'string') return { kind: 'text', text: content.text };
  if ('document' in content && Buffer.isBuffer(content.document)) {
    return {
      kind: 'document',
      fileName: content.fileName ?? '',
      mimetype: content.mimetype,
      bytes: content.document,
    };
  }
  return { kind: 'other', content };
}

/** A person's side of a chat: each send resolves with what the adapter sent back to them. */
export class FakeWhatsAppChat {
  constructor(
    private readonly wa: FakeWhatsApp,
    readonly jid: string,
    readonly altJid?: string,
  ) {}

  message(content: WAMessage['message'], overrides: Partial<WAMessage['key']> = {}): WAMessage {
    return {
      key: {
        remoteJid: this.jid,
        ...(this.altJid ? { remoteJidAlt: this.altJid } : {}),
        fromMe: false,
        id: this.wa.newId(),
        ...overrides,
      },
      messageTimestamp: Math.floor(Date.now() / 1000),
      pushName: 'Cliente',
      message: content,
    };
  }

  sendText(text: string): Promise<WhatsAppOutput[]> {
    return this.deliver(this.message({ conversation: text }));
  }

  sendExtendedText(text: string): Promise<WhatsAppOutput[]> {
    return this.deliver(this.message({ extendedTextMessage: { text } }));
  }

  sendImage(bytes: Uint8Array, caption?: string): Promise<WhatsAppOutput[]> {
    const msg = this.message({
      imageMessage: { mimetype: 'image/jpeg', fileLength: bytes.length, ...(caption ? { caption } : {}) },
    });
    this.wa.addMedia(msg.key.id!, bytes);
    return this.deliver(msg);
  }

  sendDocument(bytes: Uint8Array, fileName: string, mimetype: string): Promise<WhatsAppOutput[]> {
    const msg = this.message({ documentMessage: { mimetype, fileName, fileLength: bytes.length } });
    this.wa.addMedia(msg.key.id!, bytes);
    return this.deliver(msg);
  }

  /** Delivers one message on the latest socket and waits until the adapter handled it. */
  async deliver(msg: WAMessage): Promise<WhatsAppOutput[]> {
    const before = this.wa.sent.length;
    this.wa.latest.receive([msg]);
    await this.wa.whenHandled(msg.key.id!);
    return this.wa.sent
      .slice(before)
      .filter((s) => s.jid === this.jid)
      .map((s) => describeSent(s.content));
  }
}
