import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { insertCompany } from '../../../src/companies/companies.ts';
import { createApiKey } from '../../../src/companies/keys.ts';
import type { ConversationRuntime, ReplySink } from '../../../src/conversation/runtime.ts';
import type { InboundMessage } from '../../../src/conversation/types.ts';
import type { WhatsAppOutput } from '../../fakes/baileys-socket.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { ECHO_FILES, echoRuntime, sha256 } from '../telegram/echo-flow.ts';
import { startWhatsAppHarness, type WhatsAppHarness } from './harness.ts';

/** The real runtime, recording what reaches it and the sink the adapter registers. */
function spy(runtime: ConversationRuntime) {
  const seen: InboundMessage[] = [];
  let sink: ReplySink | undefined;
  return {
    seen,
    sink: () => sink!,
    failNext: false,
    handle(message: InboundMessage) {
      seen.push(message);
      if (this.failNext) {
        this.failNext = false;
        return Promise.reject(new Error('flow exploded'));
      }
      return runtime.handle(message);
    },
    registerSink(channel: 'whatsapp' | 'telegram' | 'web', s: ReplySink) {
      sink = s;
      runtime.registerSink(channel, s);
    },
  };
}

const texts = (out: WhatsAppOutput[]) => out.flatMap((o) => (o.kind === 'text' ? [o.text] : []));
const NUMBERED = 'eco: hola\n\n1. Sí, continuar\n2. No, gracias\n\nResponde 1 o 2.';

let db: TestDatabase;
let runtime: ConversationRuntime;
let rt: ReturnType<typeof spy>;
const running: WhatsAppHarness[] = [];

async function started(
  extra: Parameters<typeof startWhatsAppHarness>[0] | object = {},
): Promise<WhatsAppHarness> {
  const h = startWhatsAppHarness({ db, runtime: rt, ...extra });
  running.push(h);
  await h.adapter.start();
  await h.connected();
  return h;
}

beforeAll(async () => {
  db = await createTestDatabase();
  runtime = echoRuntime(db);
  rt = spy(runtime);
});
afterEach(async () => {
  for (const h of running.splice(0)) await h.adapter.stop();
});
afterAll(async () => {
  await runtime?.close();
  await db?.close();
});

describe('WhatsApp adapter, messages', () => {
  it('hands text to the runtime and renders the options as numbered lines', async () => {
    const h = await started();
    const chat = h.fake.chat();
    const out = await chat.sendText('hola');
    const msg = rt.seen.at(-1)!;
    expect(msg).toMatchObject({ channel: 'whatsapp', chatId: chat.jid, text: 'hola' });
    expect(msg.messageId).toMatch(new RegExp(`^${chat.jid}:3EB0\\d+$`));
    expect(texts(out)).toEqual([NUMBERED]);
    expect(h.fake.sent.at(-1)!.jid).toBe(chat.jid);
    // extendedTextMessage (text with a link preview or a quote) is text too
    await chat.sendExtendedText('otra');
    expect(rt.seen.at(-1)!.text).toBe('otra');
  });

  it('shows "typing…" while working and pauses after', async () => {
    const h = await started();
    const chat = h.fake.chat();
    await chat.sendText('hola');
    const mine = h.fake.presences.filter((p) => p.jid === chat.jid).map((p) => p.type);
    expect(mine[0]).toBe('composing');
    expect(mine.at(-1)).toBe('paused');
  });

  it('maps a numbered answer or the option text back to the choice', async () => {
    const h = await started();
    const chat = h.fake.chat();
    await chat.sendText('hola');
    expect(texts(await chat.sendText('2'))).toEqual(['elegiste opt-no']);
    expect(rt.seen.at(-1)).toMatchObject({ chatId: chat.jid, choice: 'opt-no' });
    expect(rt.seen.at(-1)!.text).toBeUndefined();
    // the reply without options forgot them: "1" is plain text now
    await chat.sendText('1');
    expect(rt.seen.at(-1)).toMatchObject({ text: '1' });
    expect(rt.seen.at(-1)!.choice).toBeUndefined();
    // "1" just got an echo with options again; answer with the label, accents and case aside
    expect(texts(await chat.sendText('si, continuar'))).toEqual(['elegiste opt-yes']);
    await chat.sendText('hola');
    expect(texts(await chat.sendText('7'))).toEqual([
      'eco: 7\n\n1. Sí, continuar\n2. No, gracias\n\nResponde 1 o 2.',
    ]);
  });

  it('keeps the options across a restart (stored, not in memory)', async () => {
    const first = await started();
    const account = first.account;
    const chat = first.fake.chat();
    await chat.sendText('hola');
    await first.adapter.stop();
    running.splice(running.indexOf(first), 1);

    await started({ account, fake: first.fake });
    expect(first.fake.sockets).toHaveLength(2);
    expect(texts(await chat.sendText('opción 1'))).toEqual(['elegiste opt-yes']);
  });

  it('downloads images and documents; an image sent as a document counts as an image', async () => {
    const h = await started();
    const chat = h.fake.chat();
    const photo = Buffer.from(`jpeg ticket ${Math.random()}`);
    const out = await chat.sendImage(photo, 'mi ticket');
    expect(Buffer.from(rt.seen.at(-1)!.image!.bytes)).toEqual(photo);
    expect(rt.seen.at(-1)!.text).toBe('mi ticket');
    expect(texts(out)).toEqual([`imagen ${photo.length} bytes sha256 ${sha256(photo)} tipo image/jpeg`]);

    const png = Buffer.from('png ticket');
    await chat.sendDocument(png, 'ticket.png', 'image/png');
    expect(rt.seen.at(-1)!.document).toBeUndefined();
    expect(Buffer.from(rt.seen.at(-1)!.image!.bytes)).toEqual(png);

    const pdf = Buffer.from('%PDF constancia');
    const pdfOut = await chat.sendDocument(pdf, 'constancia.pdf', 'application/pdf');
    expect(rt.seen.at(-1)!.document).toMatchObject({ name: 'constancia.pdf', mime: 'application/pdf' });
    expect(texts(pdfOut)).toEqual([
      `documento ${pdf.length} bytes sha256 ${sha256(pdf)} nombre constancia.pdf tipo application/pdf`,
    ]);
  });

  it('sends the PDF and the XML as documents with file name and MIME type, pacing the messages', async () => {
    const h = await started({ sendGapMs: { min: 700, max: 700 } });
    const before = h.sleeps.length;
    const out = await h.fake.chat().sendText('facturas');
    expect(out).toEqual([
      { kind: 'text', text: 'Aquí están tus archivos.' },
      { kind: 'document', fileName: 'AF-17.pdf', mimetype: 'application/pdf', bytes: ECHO_FILES.pdf.bytes },
      { kind: 'document', fileName: 'AF-17.xml', mimetype: 'application/xml', bytes: ECHO_FILES.xml.bytes },
    ]);
    expect(h.sleeps.slice(before)).toEqual([700, 700]);
  });

  it('ignores own, group, status, broadcast and newsletter messages, and history (append)', async () => {
    const h = await started();
    const chat = h.fake.chat();
    const count = rt.seen.length;
    const cases = [
      chat.message({ conversation: 'mío' }, { fromMe: true }),
      chat.message(
        { conversation: 'grupo' },
        { remoteJid: '120363025246125888@g.us', participant: chat.jid },
      ),
      chat.message({ conversation: 'estado' }, { remoteJid: 'status@broadcast', participant: chat.jid }),
      chat.message({ conversation: 'lista' }, { remoteJid: '1700000000@broadcast' }),
      chat.message({ conversation: 'canal' }, { remoteJid: '120363000000000000@newsletter' }),
      chat.message({ reactionMessage: { text: '👍' } }),
    ];
    for (const m of cases) await chat.deliver(m);
    const old = chat.message({ conversation: 'historial' });
    h.fake.latest.receive([old], 'append');
    await chat.sendText('vivo');
    expect(rt.seen.slice(count).map((m) => m.text)).toEqual(['vivo']);
  });

  it('uses the LID as the chat id when the message comes addressed by phone number', async () => {
    const h = await started();
    const chat = h.fake.chat('5215512345678@s.whatsapp.net', '987654321098765@lid');
    await chat.deliver(chat.message({ conversation: 'hola' }));
    expect(rt.seen.at(-1)!.chatId).toBe('987654321098765@lid');
    expect(h.fake.sent.at(-1)!.jid).toBe('987654321098765@lid');
  });

  it('replies only to chats that wrote within 24 hours', async () => {
    let clock = new Date('2026-03-02T15:00:00Z');
    const h = await started({ now: () => clock });
    const chat = h.fake.chat();
    await chat.sendText('hola');
    const sent = h.fake.sent.length;
    clock = new Date(clock.getTime() + 23 * 3600_000);
    await rt.sink()(chat.jid, [{ text: 'aún a tiempo' }]);
    expect(h.fake.sent.length).toBe(sent + 1);
    clock = new Date(clock.getTime() + 2 * 3600_000);
    await rt.sink()(chat.jid, [{ text: 'demasiado tarde' }]);
    await rt.sink()('5215599999999@s.whatsapp.net', [{ text: 'nunca escribió' }]);
    expect(h.fake.sent.length).toBe(sent + 1);
    expect(h.logs.some((l) => l.level === 40 && String(l.msg).includes('reply window'))).toBe(true);
  });

  it('fails delivery while disconnected (the outbox retries later)', async () => {
    const h = await started();
    const chat = h.fake.chat();
    await chat.sendText('hola');
    h.fake.latest.close(503);
    await expect(rt.sink()(chat.jid, [{ text: 'sin conexión' }])).rejects.toThrow(/not connected/u);
  });

  it('tells the person when the flow failed or a file could not be downloaded', async () => {
    const h = await started();
    const chat = h.fake.chat();
    rt.failNext = true;
    expect(texts(await chat.sendText('hola'))).toEqual([
      'Tuvimos un problema al procesar tu mensaje. Intenta de nuevo en un momento.',
    ]);
    const broken = chat.message({ imageMessage: { mimetype: 'image/jpeg', fileLength: 10 } });
    expect(texts(await chat.deliver(broken))).toEqual([
      'No pude descargar tu archivo. Intenta enviarlo de nuevo en un momento.',
    ]);
    expect(h.logs.some((l) => l.level === 50 && l.msg === 'could not handle a whatsapp message')).toBe(true);
  });
});

describe('WhatsApp pairing page', () => {
  let adminKey: string;
  let posKey: string;
  let server: import('node:http').Server;
  let base: string;
  let h: WhatsAppHarness;

  beforeAll(async () => {
    const company = await insertCompany(db.sql, {
      rfc: 'EKU9003173C9',
      name: 'ESCUELA KEMPER URGATE',
      regimenFiscal: '601',
      lugarExpedicion: '42501',
    });
    adminKey = (await createApiKey(db.sql, company.id, 'admin')).key;
    posKey = (await createApiKey(db.sql, company.id, 'pos')).key;
    h = startWhatsAppHarness({ db, runtime: rt });
    const express = (await import('express')).default;
    const app = express();
    for (const m of h.adapter.mounts) app.use(m.path, m.router);
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/admin/whatsapp`;
  });
  afterAll(async () => {
    await h?.adapter.stop();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('requires an admin API key', async () => {
    const none = await fetch(base);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /u);
    expect((await none.json()).error.code).toBe('unauthorized');
    const wrong = await fetch(base, { headers: { authorization: 'Bearer af_admin_nottherealkeyatall0000' } });
    expect(wrong.status).toBe(401);
    const pos = await fetch(base, { headers: { authorization: `Bearer ${posKey}` } });
    expect(pos.status).toBe(403);
    expect((await pos.json()).error.code).toBe('forbidden');
  });

  it('shows the current QR as an SVG, printed on the terminal too, then "connected"', async () => {
    await h.adapter.start();
    const sock = await h.fake.socket(1);
    sock.showQr('2@QRPAYLOAD,abc,def,ghi');
    expect(h.qrs).toEqual(['2@QRPAYLOAD,abc,def,ghi']);
    const page = await fetch(base, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<svg');
    expect(html).toContain('data-state="qr"');
    const basic = Buffer.from(`admin:${adminKey}`).toString('base64');
    const json = await fetch(`${base}?format=json`, { headers: { authorization: `Basic ${basic}` } });
    expect(await json.json()).toMatchObject({ state: 'qr', qr_svg: expect.stringContaining('<svg') });

    sock.open('5215550000000:9@s.whatsapp.net');
    const after = await (await fetch(base, { headers: { authorization: `Bearer ${adminKey}` } })).text();
    expect(after).toContain('data-state="open"');
    expect(after).toContain('Conectado');
    expect(after).not.toContain('<svg');
  });
});
