/**
 * A fake Telegram Bot API on 127.0.0.1 (port 0) for running the real grammY client against:
 * getMe, getUpdates (long polling, offsets honoured), setWebhook/deleteWebhook (updates are then
 * POSTed to the webhook with the secret header), sendMessage, sendDocument (multipart, parsed),
 * sendChatAction, answerCallbackQuery, editMessageReplyMarkup, getFile and the file download.
 * Everything the bot sends is recorded; `failNext` answers one call with a 429 or a 5xx.
 *
 * `FakeTelegramChat` plays a person: it sends text, taps buttons, sends photos and documents,
 * and returns what the bot answered to each. It needs the adapter's `onUpdateDone` hook wired to
 * `api.updateDone` to know when an update was fully handled.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Message, MessageEntity, Update } from 'grammy/types';

export interface UploadedFile {
  field: string;
  fileName: string;
  bytes: Buffer;
}

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  files: UploadedFile[];
}

export interface Button {
  text: string;
  data: string;
}

/** Something the bot put in a chat. */
export type BotOutput =
  | {
      kind: 'text';
      chatId: string;
      messageId: number;
      /** As Telegram shows it: HTML tags parsed away. */
      text: string;
      buttons: Button[];
      /** The bold spans' text (parse_mode HTML `<b>`/`<strong>`). */
      bold?: string[];
    }
  | { kind: 'document'; chatId: string; messageId: number; fileName: string; bytes: Buffer };

export type Failure = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 };

export interface FakeBotApiOptions {
  token?: string;
  username?: string;
  /** Longest a getUpdates call is held, whatever timeout the client asked for (ms). */
  maxPollMs?: number;
}

interface Poller {
  offset: number;
  limit: number;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

export class FakeBotApi {
  readonly token: string;
  readonly calls: RecordedCall[] = [];
  readonly outputs: BotOutput[] = [];
  /** Status codes the webhook answered, in order. */
  readonly webhookResponses: number[] = [];
  webhook: { url: string; secret: string | undefined } | null = null;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly updates: Update[] = [];
  private readonly pollers = new Set<Poller>();
  private readonly failures = new Map<string, Failure[]>();
  private readonly files = new Map<string, { path: string; bytes: Buffer }>();
  private readonly done = new Map<number, () => void>();
  private readonly finished = new Set<number>();
  private nextUpdateId = 1;
  private nextMessageId = 1000;
  private baseUrl = '';

  private constructor(private readonly options: FakeBotApiOptions) {
    this.token = options.token ?? `123456:${randomBytes(12).toString('hex')}`;
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err) => {
        if (!res.headersSent) this.json(res, 500, { ok: false, error_code: 500, description: String(err) });
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    const api = new FakeBotApi(options);
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    api.baseUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    return api;
  }

  /** The `apiRoot` to give grammY. */
  get apiRoot(): string {
    return this.baseUrl;
  }

  /** Queues an update (or POSTs it to the webhook when one is set); resolves with its id. */
  async pushUpdate(update: Omit<Update, 'update_id'>): Promise<number> {
    const full = { ...update, update_id: this.nextUpdateId++ } as Update;
    if (this.webhook) {
      const res = await fetch(this.webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.webhook.secret ? { 'x-telegram-bot-api-secret-token': this.webhook.secret } : {}),
        },
        body: JSON.stringify(full),
      });
      await res.arrayBuffer();
      this.webhookResponses.push(res.status);
      return full.update_id;
    }
    this.updates.push(full);
    this.flushPollers();
    return full.update_id;
  }

  /** Pass this as the adapter's `onUpdateDone`. */
  readonly updateDone = (updateId: number): void => {
    this.finished.add(updateId);
    this.done.get(updateId)?.();
  };

  /** Resolves when the adapter reported the update as handled. */
  whenHandled(updateId: number, timeoutMs = 20_000): Promise<void> {
    if (this.finished.has(updateId)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`update ${updateId} not handled within ${timeoutMs} ms (is onUpdateDone wired?)`)),
        timeoutMs,
      );
      this.done.set(updateId, () => {
        clearTimeout(timer);
        this.done.delete(updateId);
        resolve();
      });
    });
  }

  /** The next call of `method` fails once with the given answer. */
  failNext(method: string, failure: Failure): void {
    const list = this.failures.get(method) ?? [];
    list.push(failure);
    this.failures.set(method, list);
  }

  /** Makes bytes downloadable through getFile; returns the file id. */
  addFile(bytes: Uint8Array, path = `documents/file_${this.files.size + 1}.bin`): string {
    const id = `file-${randomBytes(6).toString('hex')}`;
    this.files.set(id, { path, bytes: Buffer.from(bytes) });
    return id;
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async close(): Promise<void> {
    for (const p of this.pollers) {
      clearTimeout(p.timer);
      this.json(p.res, 200, { ok: true, result: [] });
    }
    this.pollers.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/u.exec(url.pathname);
    if (req.method === 'GET' && fileMatch) {
      const file = [...this.files.values()].find((f) => f.path === decodeURIComponent(fileMatch[2]!));
      if (fileMatch[1] !== this.token || !file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length });
      return void res.end(file.bytes);
    }
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/u.exec(url.pathname);
    if (!m) return this.json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== this.token)
      return this.json(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2]!;
    const { params, files } = await readBody(req);
    this.calls.push({ method, params, files });
    const failure = this.failures.get(method)?.shift();
    if (failure) {
      return failure.status === 429
        ? this.json(res, 429, {
            ok: false,
            error_code: 429,
            description: `Too Many Requests: retry after ${failure.retryAfter}`,
            parameters: { retry_after: failure.retryAfter },
          })
        : this.json(res, failure.status, {
            ok: false,
            error_code: failure.status,
            description: 'Bad Gateway',
          });
    }
    const ok = (result: unknown) => this.json(res, 200, { ok: true, result });
    switch (method) {
      case 'getMe':
        return ok({
          id: Number(this.token.split(':')[0]),
          is_bot: true,
          first_name: 'Autofactura',
          username: this.options.username ?? 'autofactura_test_bot',
          can_join_groups: false,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        });
      case 'getUpdates':
        return this.poll(params, res);
      case 'setWebhook':
        this.webhook = { url: String(params['url']), secret: params['secret_token'] as string | undefined };
        return ok(true);
      case 'deleteWebhook':
        this.webhook = null;
        return ok(true);
      case 'sendMessage': {
        if (params['parse_mode'] === 'HTML') {
          const parsed = parseTelegramHtml(String(params['text']));
          if ('error' in parsed)
            return this.json(res, 400, {
              ok: false,
              error_code: 400,
              description: `Bad Request: can't parse entities: ${parsed.error}`,
            });
          return ok(this.record({ ...params, text: parsed.text }, 'text', [], parsed.entities));
        }
        if (params['parse_mode'] !== undefined)
          return this.json(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: unsupported parse_mode',
          });
        return ok(this.record(params, 'text'));
      }
      case 'sendDocument':
        return ok(this.record(params, 'document', files));
      case 'sendChatAction':
      case 'answerCallbackQuery':
        return ok(true);
      case 'editMessageReplyMarkup':
        return ok(true);
      case 'getFile': {
        const id = String(params['file_id']);
        const file = this.files.get(id);
        if (!file)
          return this.json(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: invalid file_id',
          });
        return ok({ file_id: id, file_unique_id: id, file_size: file.bytes.length, file_path: file.path });
      }
      default:
        return this.json(res, 404, {
          ok: false,
          error_code: 404,
          description: 'Not Found: method not found',
        });
    }
  }

  private record(
    params: Record<string, unknown>,
    kind: 'text' | 'document',
    files: UploadedFile[] = [],
    entities: MessageEntity[] = [],
  ): Message {
    const chatId = String(params['chat_id']);
    const messageId = this.nextMessageId++;
    const chat = { id: Number(chatId), type: 'private' as const, first_name: 'Cliente' };
    const from = { id: Number(this.token.split(':')[0]), is_bot: true, first_name: 'Autofactura' };
    const date = Math.floor(Date.now() / 1000);
    if (kind === 'text') {
      const markup = params['reply_markup'] as
        | { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> }
        | undefined;
      const buttons = (markup?.inline_keyboard ?? [])
        .flat()
        .map((b) => ({ text: b.text, data: b.callback_data ?? '' }));
      const text = String(params['text']);
      const bold = entities.map((e) => text.slice(e.offset, e.offset + e.length));
      this.outputs.push({ kind: 'text', chatId, messageId, text, buttons, bold });
      return {
        message_id: messageId,
        chat,
        from,
        date,
        text,
        ...(entities.length ? { entities } : {}),
      } as Message;
    }
    const ref = String(params['document']);
    const file = files.find((f) => ref === `attach://${f.field}`) ?? files[0];
    if (!file) throw new Error('sendDocument without a file');
    this.outputs.push({ kind: 'document', chatId, messageId, fileName: file.fileName, bytes: file.bytes });
    return {
      message_id: messageId,
      chat,
      from,
      date,
      document: {
        file_id: `sent-${messageId}`,
        file_unique_id: `sent-${messageId}`,
        file_name: file.fileName,
      },
    } as Message;
  }

  private poll(params: Record<string, unknown>, res: ServerResponse): void {
    if (this.webhook) {
      this.json(res, 409, {
        ok: false,
        error_code: 409,
        description: "Conflict: can't use getUpdates method while webhook is active",
      });
      return;
    }
    const offset = Number(params['offset'] ?? 0);
    const limit = Number(params['limit'] ?? 100);
    this.dropBefore(offset);
    if (this.updates.length > 0) {
      this.json(res, 200, { ok: true, result: this.updates.slice(0, limit) });
      return;
    }
    const waitMs = Math.min(Number(params['timeout'] ?? 0) * 1000, this.options.maxPollMs ?? 1000);
    const poller: Poller = {
      offset,
      limit,
      res,
      timer: setTimeout(() => {
        this.pollers.delete(poller);
        this.json(res, 200, { ok: true, result: [] });
      }, waitMs),
    };
    res.on('close', () => {
      clearTimeout(poller.timer);
      this.pollers.delete(poller);
    });
    this.pollers.add(poller);
  }

  private flushPollers(): void {
    for (const p of this.pollers) {
      this.dropBefore(p.offset);
      if (this.updates.length === 0) continue;
      clearTimeout(p.timer);
      this.pollers.delete(p);
      this.json(p.res, 200, { ok: true, result: this.updates.slice(0, p.limit) });
    }
  }

  private dropBefore(offset: number): void {
    while (this.updates.length > 0 && this.updates[0]!.update_id < offset) this.updates.shift();
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

async function readBody(
  req: IncomingMessage,
): Promise<{ params: Record<string, unknown>; files: UploadedFile[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (body.length === 0) return { params: {}, files: [] };
  if (type.startsWith('application/json')) return { params: JSON.parse(body.toString('utf8')), files: [] };
  const boundary = /boundary=(.+)$/u.exec(type)?.[1];
  if (type.startsWith('multipart/form-data') && boundary) return parseMultipart(body, boundary);
  return { params: Object.fromEntries(new URLSearchParams(body.toString('utf8'))), files: [] };
}

/** A small multipart/form-data reader: fields become params (JSON-decoded when they parse), files are kept. */
export function parseMultipart(
  body: Buffer,
  boundary: string,
): { params: Record<string, unknown>; files: UploadedFile[] } {
  const params: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after delimiter and before next
    start = next;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) continue;
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/iu.exec(headers)?.[1];
    if (!name) continue;
    const fileName = /filename=(?:"([^"]*)"|([^;\r\n]*))/iu.exec(headers);
    if (fileName) {
      files.push({ field: name, fileName: fileName[1] ?? fileName[2]!.trim(), bytes: Buffer.from(content) });
    } else {
      const text = content.toString('utf8');
      try {
        params[name] = JSON.parse(text);
      } catch {
        params[name] = text;
      }
    }
  }
  return { params, files };
}

type PrivateMessage = NonNullable<Update['message']>;

/** A person chatting with the bot in a private chat. */
export class FakeTelegramChat {
  private nextMessageId = 1;
  readonly user: { id: number; is_bot: false; first_name: string };

  constructor(
    private readonly api: FakeBotApi,
    readonly chatId: number = 700_000_000 + Math.floor(Math.random() * 1_000_000),
  ) {
    this.user = { id: chatId, is_bot: false, first_name: 'Cliente' };
  }

  /** Sends text (e.g. "/start 7KQ2M9XD4HPA"); resolves with what the bot answered to it. */
  sendText(text: string): Promise<BotOutput[]> {
    return this.exchange({ message: { ...this.messageBase(), text } as PrivateMessage });
  }

  /** Taps the button with `data` on the bot's latest message that has it. */
  tap(data: string): Promise<BotOutput[]> {
    const target = [...this.api.outputs]
      .reverse()
      .find(
        (o) =>
          o.kind === 'text' && o.chatId === String(this.chatId) && o.buttons.some((b) => b.data === data),
      );
    if (!target) throw new Error(`no message in chat ${this.chatId} has a button "${data}"`);
    return this.exchange({
      callback_query: {
        id: randomBytes(8).toString('hex'),
        from: this.user,
        chat_instance: String(this.chatId),
        data,
        message: {
          message_id: target.messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: this.chatId, type: 'private', first_name: 'Cliente' },
          text: target.kind === 'text' ? target.text : '',
        },
      },
    } as Omit<Update, 'update_id'>);
  }

  /** Sends a photo; Telegram offers several sizes, the bytes given are the largest. */
  sendPhoto(bytes: Uint8Array, caption?: string): Promise<BotOutput[]> {
    const small = this.api.addFile(Buffer.from('thumbnail'), `photos/thumb_${this.nextMessageId}.jpg`);
    const large = this.api.addFile(bytes, `photos/photo_${this.nextMessageId}.jpg`);
    return this.exchange({
      message: {
        ...this.messageBase(),
        photo: [
          { file_id: small, file_unique_id: small, width: 90, height: 120, file_size: 9 },
          { file_id: large, file_unique_id: large, width: 1280, height: 1706, file_size: bytes.length },
        ],
        ...(caption ? { caption } : {}),
      } as PrivateMessage,
    });
  }

  /** Sends a file as a document. */
  sendDocument(bytes: Uint8Array, fileName: string, mime: string): Promise<BotOutput[]> {
    const id = this.api.addFile(bytes, `documents/${fileName}`);
    return this.exchange({
      message: {
        ...this.messageBase(),
        document: {
          file_id: id,
          file_unique_id: id,
          file_name: fileName,
          mime_type: mime,
          file_size: bytes.length,
        },
      } as PrivateMessage,
    });
  }

  private messageBase() {
    return {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: this.chatId, type: 'private' as const, first_name: 'Cliente' },
      from: this.user,
    };
  }

  private async exchange(update: Omit<Update, 'update_id'>): Promise<BotOutput[]> {
    const before = this.api.outputs.length;
    const id = await this.api.pushUpdate(update);
    await this.api.whenHandled(id);
    return this.api.outputs.slice(before).filter((o) => o.chatId === String(this.chatId));
  }
}

const HTML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/**
 * Telegram's "HTML style" (core.telegram.org/bots/api#html-style), the subset we need: <b>/<strong>,
 * <i>/<em>, <code>; the four named entities and numeric ones. Anything else is refused, as Telegram
 * does ("Unsupported start tag", "Unmatched end tag", "Can't find end tag"). Offsets are in UTF-16
 * units, like Telegram's.
 */
export function parseTelegramHtml(
  html: string,
): { text: string; entities: MessageEntity[] } | { error: string } {
  const types: Record<string, 'bold' | 'italic' | 'code'> = {
    b: 'bold',
    strong: 'bold',
    i: 'italic',
    em: 'italic',
    code: 'code',
  };
  let text = '';
  const entities: MessageEntity[] = [];
  const open: Array<{ tag: string; offset: number }> = [];
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) return { error: `Unclosed start tag at byte offset ${i}` };
      const raw = html
        .slice(i + 1, end)
        .trim()
        .toLowerCase();
      const closing = raw.startsWith('/');
      const tag = closing ? raw.slice(1) : raw;
      if (!(tag in types)) return { error: `Unsupported start tag "${tag}" at byte offset ${i}` };
      if (closing) {
        const top = open.pop();
        if (!top || top.tag !== tag)
          return {
            error: `Unmatched end tag at byte offset ${i}, expected "</${top?.tag ?? ''}>", found "</${tag}>"`,
          };
        if (text.length > top.offset)
          entities.push({
            type: types[tag]!,
            offset: top.offset,
            length: text.length - top.offset,
          } as MessageEntity);
      } else open.push({ tag, offset: text.length });
      i = end + 1;
    } else if (ch === '&') {
      const end = html.indexOf(';', i);
      const name = end > i ? html.slice(i + 1, end) : '';
      const value = name.startsWith('#')
        ? String.fromCodePoint(Number(`0${name.slice(1)}`))
        : HTML_ENTITIES[name];
      if (value === undefined || end < 0) return { error: `Unsupported entity at byte offset ${i}` };
      text += value;
      i = end + 1;
    } else {
      text += ch;
      i++;
    }
  }
  if (open.length > 0)
    return { error: `Can't find end tag corresponding to start tag "${open.at(-1)!.tag}"` };
  entities.sort((a, b) => a.offset - b.offset);
  return { text, entities };
}
