import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSecretToken } from '../../../adapters/telegram/index.ts';
import type { ConversationRuntime } from '../../../src/conversation/runtime.ts';
import type { InboundMessage } from '../../../src/conversation/types.ts';
import type { BotOutput } from '../../fakes/telegram-bot-api.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { ECHO_CHOICES, ECHO_FILES, echoRuntime, sha256 } from './echo-flow.ts';
import { startTelegramHarness, type TelegramHarness } from './harness.ts';

/** The real runtime, with every message handed to it recorded. */
function spy(runtime: ConversationRuntime) {
  const seen: InboundMessage[] = [];
  return {
    seen,
    handle(message: InboundMessage) {
      seen.push(message);
      return runtime.handle(message);
    },
    registerSink: runtime.registerSink.bind(runtime),
  };
}

const texts = (outputs: BotOutput[]) => outputs.flatMap((o) => (o.kind === 'text' ? [o.text] : []));

let db: TestDatabase;
let runtime: ConversationRuntime;

beforeAll(async () => {
  db = await createTestDatabase();
  runtime = echoRuntime(db);
});

afterAll(async () => {
  await runtime?.close();
  await db?.close();
});

describe('Telegram adapter, long polling', () => {
  let h: TelegramHarness;
  let rt: ReturnType<typeof spy>;

  beforeAll(async () => {
    rt = spy(runtime);
    h = await startTelegramHarness({ runtime: rt });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('hands /start <code> to the runtime as text and renders the options as an inline keyboard', async () => {
    const chat = h.chat();
    const out = await chat.sendText('/start 7KQ2M9XD4HPA');
    const msg = rt.seen.at(-1)!;
    expect(msg).toMatchObject({
      channel: 'telegram',
      chatId: String(chat.chatId),
      text: '/start 7KQ2M9XD4HPA',
    });
    expect(msg.messageId).toMatch(new RegExp(`^${chat.chatId}:\\d+$`));
    expect(msg.receivedAt).toBeInstanceOf(Date);
    expect(out).toEqual([
      expect.objectContaining({
        kind: 'text',
        text: 'eco: /start 7KQ2M9XD4HPA',
        buttons: ECHO_CHOICES.map((c) => ({ text: c.label, data: c.id })),
      }),
    ]);
    expect(
      h.api.callsOf('sendChatAction').some((c) => String(c.params['chat_id']) === String(chat.chatId)),
    ).toBe(true);
  });

  it('turns a button press into a choice, answers the callback query and removes the keyboard', async () => {
    const chat = h.chat();
    await chat.sendText('hola');
    const answeredBefore = h.api.callsOf('answerCallbackQuery').length;
    const out = await chat.tap('opt-no');
    expect(rt.seen.at(-1)).toMatchObject({
      channel: 'telegram',
      chatId: String(chat.chatId),
      choice: 'opt-no',
    });
    expect(rt.seen.at(-1)!.text).toBeUndefined();
    expect(texts(out)).toEqual(['elegiste opt-no']);
    expect(h.api.callsOf('answerCallbackQuery')).toHaveLength(answeredBefore + 1);
    expect(h.api.callsOf('editMessageReplyMarkup').at(-1)!.params['chat_id']).toBe(chat.chatId);
  });

  it('downloads the largest size of a photo and keeps its caption', async () => {
    const chat = h.chat();
    const photo = Buffer.from(`JPEG bytes of a ticket ${Math.random()}`);
    const out = await chat.sendPhoto(photo, 'mi ticket');
    const msg = rt.seen.at(-1)!;
    expect(Buffer.from(msg.image!.bytes)).toEqual(photo);
    expect(msg.text).toBe('mi ticket');
    expect(texts(out)).toEqual([`imagen ${photo.length} bytes sha256 ${sha256(photo)} tipo image/jpeg`]);
  });

  it('reads documents: a PDF as a document, an image sent as a file as an image', async () => {
    const chat = h.chat();
    const pdf = Buffer.from('%PDF-1.4 constancia');
    const out = await chat.sendDocument(pdf, 'constancia.pdf', 'application/pdf');
    expect(rt.seen.at(-1)!.document).toMatchObject({ name: 'constancia.pdf', mime: 'application/pdf' });
    expect(texts(out)).toEqual([
      `documento ${pdf.length} bytes sha256 ${sha256(pdf)} nombre constancia.pdf tipo application/pdf`,
    ]);
    const png = Buffer.from('\x89PNG ticket');
    await chat.sendDocument(png, 'ticket.png', 'image/png');
    const msg = rt.seen.at(-1)!;
    expect(msg.document).toBeUndefined();
    expect(Buffer.from(msg.image!.bytes)).toEqual(png);
    expect(msg.image!.mime).toBe('image/png');
  });

  it('sends the PDF and the XML as documents with their names', async () => {
    const out = await h.chat().sendText('facturas');
    const docs = out.filter((o) => o.kind === 'document');
    expect(texts(out)).toEqual(['Aquí están tus archivos.']);
    expect(docs.map((d) => d.fileName)).toEqual(['AF-17.pdf', 'AF-17.xml']);
    expect(docs.map((d) => Buffer.from(d.bytes))).toEqual([ECHO_FILES.pdf.bytes, ECHO_FILES.xml.bytes]);
  });

  it('splits a reply longer than 4096 characters', async () => {
    const out = await h.chat().sendText('largo');
    const parts = texts(out);
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(4096);
    expect(parts.join('\n')).toBe(`${'a'.repeat(4000)}\n${'b'.repeat(4000)}`);
  });

  it('retries a send answered 429 (retry_after) and one answered 500', async () => {
    const chat = h.chat();
    const before = h.api.callsOf('sendMessage').length;
    h.api.failNext('sendMessage', { status: 429, retryAfter: 1 });
    const out = await chat.sendText('uno');
    expect(texts(out)).toEqual(['eco: uno']);
    expect(h.api.callsOf('sendMessage').length - before).toBe(2);

    h.api.failNext('sendMessage', { status: 500 });
    const again = await chat.sendText('dos');
    expect(texts(again)).toEqual(['eco: dos']);
    expect(h.api.callsOf('sendMessage').length - before).toBe(4);
  });

  it('explains a file too large to read instead of handing it to the flow', async () => {
    const chat = h.chat();
    const count = rt.seen.length;
    const id = await h.api.pushUpdate({
      message: {
        message_id: 9,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chat.chatId, type: 'private', first_name: 'Cliente' },
        from: chat.user,
        document: {
          file_id: 'huge',
          file_unique_id: 'huge',
          file_name: 'video.mp4',
          file_size: 50 * 1024 * 1024,
        },
      },
    });
    await h.api.whenHandled(id);
    expect(rt.seen.length).toBe(count);
    expect(h.api.callsOf('getFile').some((c) => c.params['file_id'] === 'huge')).toBe(false);
    expect(h.api.outputs.at(-1)).toMatchObject({
      chatId: String(chat.chatId),
      text: expect.stringContaining('demasiado grande'),
    });
  });

  it('ignores messages from groups', async () => {
    const count = rt.seen.length;
    const id = await h.api.pushUpdate({
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: -100123, type: 'group', title: 'Familia' },
        from: { id: 5, is_bot: false, first_name: 'Ana' },
        text: 'hola grupo',
      },
    });
    await h.api.whenHandled(id);
    expect(rt.seen.length).toBe(count);
  });
});

describe('Telegram adapter, webhook mode', () => {
  let h: TelegramHarness;
  let rt: ReturnType<typeof spy>;

  beforeAll(async () => {
    rt = spy(runtime);
    h = await startTelegramHarness({ runtime: rt, webhook: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sets the webhook with a secret token at start', () => {
    expect(h.api.webhook).toEqual({
      url: `${h.httpUrl}/telegram/webhook`,
      secret: deriveSecretToken(h.api.token),
    });
  });

  it('handles an update that carries the right secret', async () => {
    const chat = h.chat();
    const out = await chat.sendText('por webhook');
    expect(h.api.webhookResponses.at(-1)).toBe(200);
    expect(rt.seen.at(-1)).toMatchObject({ chatId: String(chat.chatId), text: 'por webhook' });
    expect(texts(out)).toEqual(['eco: por webhook']);
  });

  it('refuses requests with a wrong or missing secret', async () => {
    const count = rt.seen.length;
    const update = {
      update_id: 999,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 42, type: 'private', first_name: 'X' },
        from: { id: 42, is_bot: false, first_name: 'X' },
        text: 'intruso',
      },
    };
    const post = (headers: Record<string, string>) =>
      fetch(`${h.httpUrl}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(update),
      });
    const wrong = await post({ 'x-telegram-bot-api-secret-token': 'not-the-secret' });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('unauthorized');
    const missing = await post({});
    expect(missing.status).toBe(401);
    expect(rt.seen.length).toBe(count);
  });
});
