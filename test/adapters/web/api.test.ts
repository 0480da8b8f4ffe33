/**
 * The web chat over real HTTP against the whole product (startTestApp): the pages, the branding
 * endpoint, the JSON API contract over a whole invoice conversation, the session cookie, photo
 * uploads (a photo reaches the conversation, anything else is refused in Spanish) and bad requests.
 */
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyXml } from '../../../src/cli/cfdi-commands.ts';
import type { InboundMessage } from '../../../src/conversation/types.ts';
import { DEFAULT_RECEPTOR, startTestApp, type TestApp } from '../../helpers/app.ts';
import { DB_MODE } from '../../helpers/db.ts';
import { expectContract, issueOverWeb, WebChatClient } from './client.ts';

const allText = (replies: { text: string }[]) => replies.map((r) => r.text).join('\n');

describe(`web chat API (${DB_MODE})`, () => {
  let app: TestApp;
  /** What the stubbed scanner was given, and the code it "reads" from any photo. */
  const scanned: Uint8Array[] = [];
  let codeInPhotos = '';

  /** Every message the web chat handed to the runtime. */
  const handed: InboundMessage[] = [];

  beforeAll(async () => {
    app = await startTestApp({
      scanImage: async (bytes) => {
        scanned.push(bytes);
        return { code: codeInPhotos, date: null, total: null, via: 'qr', confidence: 1 };
      },
    });
    const runtime = app.services.runtime;
    const handle = runtime.handle.bind(runtime);
    runtime.handle = (message) => {
      handed.push(message);
      return handle(message);
    };
  });
  afterAll(() => app?.close());

  describe('pages and assets', () => {
    it('serves the chat page at / and at /t/<code>, scripts and styles from /chat/assets only', async () => {
      for (const path of ['/', `/t/${app.demo.ticket.code.replace(/-/gu, '')}`]) {
        const res = await fetch(`${app.url}${path}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/u);
        expect(res.headers.get('cache-control')).toBe('no-store');
        const html = await res.text();
        expect(html).toContain('<script src="/chat/assets/app.js"></script>');
        expect(html).toContain('<link rel="stylesheet" href="/chat/assets/app.css">');
        // Nothing inline that helmet's CSP (script-src 'self', script-src-attr 'none') would block.
        expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/gu)).toBeNull();
        expect(html).not.toMatch(/\son[a-z]+=/u);
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("script-src-attr 'none'");
      }
      const js = await fetch(`${app.url}/chat/assets/app.js`);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await js.text()).toContain('/chat/api/messages');
      const css = await fetch(`${app.url}/chat/assets/app.css`);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect((await fetch(`${app.url}/chat/assets/secrets.env`)).status).toBe(404);
    });

    it('gives the branding of a ticket’s shop, with its logo when it has one', async () => {
      const code = app.demo.ticket.code;
      const res = await fetch(`${app.url}/chat/api/branding/${code}`);
      expect(res.status).toBe(200);
      // Fetched alongside the first message: it must not hand out a session of its own.
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.json()).toEqual({
        name: 'Café Kemper (DEMO, sin validez fiscal)',
        color: '#0F766E',
        logo: null,
        demo: true,
      });

      const png = await QRCode.toBuffer('logo', { width: 64 });
      await app.db.sql`update company_settings set brand_logo = ${png}, brand_logo_mime = 'image/png'
                       where company_id = ${app.companyId}`;
      const compact = code.replace(/-/gu, '');
      const branded = await (await fetch(`${app.url}/chat/api/branding/${compact.toLowerCase()}`)).json();
      expect(branded.logo).toBe(`/chat/api/logo/${compact}`);
      const logo = await fetch(`${app.url}${branded.logo}`);
      expect(logo.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await logo.arrayBuffer())).toEqual(png);

      const unknown = await fetch(`${app.url}/chat/api/branding/0000-0000-0000`);
      expect(unknown.status).toBe(404);
      expect((await unknown.json()).error.code).toBe('not_found');
      expect((await fetch(`${app.url}/chat/api/branding/not-a-code`)).status).toBe(404);
    });
  });

  describe('messages', () => {
    it('runs a whole invoice as {replies:[{text, choices, files}]} with download links', async () => {
      const ticket = await app.ticket();
      const client = new WebChatClient(app.url);
      const { replies, pdf, xml } = await issueOverWeb(client, ticket);
      const [invoice] = await app.db.sql`
        select i.serie, i.folio, i.channel, i.chat_id from invoices i join tickets t on t.id = i.ticket_id
        where t.code = ${ticket.code.replace(/-/gu, '')}`;
      expect(invoice).toMatchObject({ channel: 'web', chat_id: client.session });
      const base = `${app.demo.company.rfc}_${invoice!.serie}-${invoice!.folio}`;
      expect(pdf.name).toBe(`${base}.pdf`);
      expect(xml.name).toBe(`${base}.xml`);
      expect(pdf.url).not.toBe(xml.url);
      expect(allText(replies)).toContain(`${invoice!.serie}-${invoice!.folio}`);
      expect(replies.at(-1)!.choices!.map((c) => c.id)).toEqual(['another', 'finish']);

      const download = await fetch(`${app.url}${xml.url}`);
      expect(download.status).toBe(200);
      expect(verifyXml(await download.text())).toEqual({ ok: true, selloSat: 'valid' });
    });

    it('offers choices as {id, label} and takes a tapped choice back', async () => {
      const ticket = await app.ticket();
      const client = new WebChatClient(app.url);
      // An RFC this shop has not invoiced yet, so the flow asks for régimen and uso.
      const r = { ...DEFAULT_RECEPTOR, rfc: 'GODE561231GR8', nombre: 'Diego Gómez Estrada' };
      for (const text of [ticket.code, ticket.date, ticket.total, r.rfc, r.nombre])
        await client.say({ text });
      const regimen = (await client.say({ text: r.codigoPostal })).at(-1)!;
      expect(regimen.choices).toContainEqual({
        id: 'regimen:612',
        label: '612 Actividades Empresariales y Profesionales',
      });
      const uso = (await client.say({ choice: 'regimen:612' })).at(-1)!;
      expect(uso.text).toContain('uso CFDI');
      expect(uso.choices![0]).toEqual({ id: 'uso:G03', label: 'G03 Gastos en general' });
    });

    it('sets an httpOnly session cookie on the first answer and keeps the conversation by it', async () => {
      const ticket = await app.ticket();
      const res = await fetch(`${app.url}/chat/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: ticket.code }),
      });
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^af_chat=[A-Za-z0-9_-]{22,64};/u);
      expect(cookie).toMatch(/; HttpOnly/iu);
      expect(cookie).toMatch(/; SameSite=Lax/iu);
      expect(cookie).toMatch(/; Path=\//iu);
      expect(cookie).not.toMatch(/; Secure/iu); // PUBLIC_URL is http:// here
      expect(cookie).toMatch(/; Max-Age=\d+/iu);

      const client = new WebChatClient(app.url);
      client.cookie = cookie.split(';', 1)[0]!;
      const same = await client.post({ text: ticket.date });
      expect(same.headers.get('set-cookie')).toBeNull();
      expect(allText(expectContract(same.body))).toContain('total');

      // Without the cookie it is another conversation, which starts by asking for a code.
      const stranger = new WebChatClient(app.url);
      const other = await stranger.say({ text: ticket.date });
      expect(stranger.cookie).not.toBe(client.cookie);
      expect(allText(other)).not.toContain('total');

      // A malformed cookie is replaced, not trusted.
      const forged = new WebChatClient(app.url);
      forged.cookie = 'af_chat=../../etc';
      await forged.say({ text: 'hola' });
      expect(forged.cookie).toMatch(/^af_chat=[A-Za-z0-9_-]{22,64}$/u);
    });

    it('hands a photo (multipart field "image") to the conversation, typed by its bytes', async () => {
      const ticket = await app.ticket();
      codeInPhotos = ticket.code;
      const png = await QRCode.toBuffer(`${app.url}/t/${ticket.code.replace(/-/gu, '')}`);
      const client = new WebChatClient(app.url);
      const form = new FormData();
      // The browser says JPEG; the bytes are a PNG.
      form.append('image', new Blob([new Uint8Array(png)], { type: 'image/jpeg' }), 'ticket.jpg');
      const before = scanned.length;
      const replies = await client.say(form);
      expect(scanned.length).toBe(before + 1);
      expect(Buffer.from(scanned.at(-1)!)).toEqual(png);
      expect(handed.at(-1)).toMatchObject({
        channel: 'web',
        chatId: client.session,
        image: { mime: 'image/png' },
      });
      expect(handed.at(-1)!.text).toBeUndefined();
      expect(allText(replies)).toContain(ticket.code);
      expect(allText(replies)).toContain('fecha de compra');
      const [message] = await app.db.sql`
        select count(*)::int as n from conversations where channel = 'web' and chat_id = ${client.session}`;
      expect(message!.n).toBe(1);
    });

    it('refuses a file that is not a photo with a Spanish reply, without passing it on', async () => {
      const client = new WebChatClient(app.url);
      await client.say({ text: 'hola' });
      const before = scanned.length;
      const handedBefore = handed.length;
      for (const [bytes, type, name] of [
        [Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'), 'image/jpeg', 'ticket.jpg'],
        [Buffer.from('MZ\x90\x00 not a photo at all'), 'application/octet-stream', 'virus.exe'],
        [Buffer.alloc(0), 'image/png', 'empty.png'],
      ] as const) {
        const form = new FormData();
        form.append('image', new Blob([new Uint8Array(bytes)], { type }), name);
        const answer = await client.post(form);
        expect(answer.status).toBe(200);
        const replies = expectContract(answer.body);
        expect(replies).toEqual([{ text: expect.stringContaining('Eso no parece una foto') }]);
      }
      expect(scanned.length).toBe(before);
      expect(handed.length).toBe(handedBefore);
    });

    it('tells in Spanish that a photo over 15 MB is too large', async () => {
      const client = new WebChatClient(app.url);
      const big = Buffer.alloc(15 * 1024 * 1024 + 1, 0);
      big.set([0xff, 0xd8, 0xff, 0xe0]);
      const form = new FormData();
      form.append('image', new Blob([big], { type: 'image/jpeg' }), 'enorme.jpg');
      const before = scanned.length;
      const answer = await client.post(form);
      expect(answer.status).toBe(200);
      expect(expectContract(answer.body)).toEqual([{ text: expect.stringContaining('pesa demasiado') }]);
      expect(scanned.length).toBe(before);
    });

    it('answers 400 naming the field for an empty message, a blank text or a file in the wrong field', async () => {
      const client = new WebChatClient(app.url);
      for (const body of [{}, { text: '   ' }, { text: 42 }, { choice: '' }]) {
        const answer = await client.post(body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.body).toMatchObject({
          error: { code: 'invalid_request', fields: [{ field: 'text', message: expect.any(String) }] },
        });
      }
      const noBody = await client.post(undefined, { raw: '', contentType: 'text/plain' });
      expect(noBody.status).toBe(400);
      expect((noBody.body as { error: { fields: { field: string }[] } }).error.fields[0]!.field).toBe('text');

      const form = new FormData();
      form.append('photo', new Blob([Buffer.from('x')], { type: 'image/png' }), 'x.png');
      const wrongField = await client.post(form);
      expect(wrongField.status).toBe(400);
      expect(wrongField.body).toMatchObject({ error: { fields: [{ field: 'photo' }] } });

      const broken = await client.post(undefined, { raw: '{"text": ', contentType: 'application/json' });
      expect(broken.status).toBe(400);
    });

    it('hands over replies that arrived later exactly once (GET /chat/api/messages)', async () => {
      const client = new WebChatClient(app.url);
      await client.say({ text: 'hola' });
      expectContract((await client.poll()).body);
      await app.services.runtime.notify('web', client.session!, [
        { text: 'Tu factura ya quedó timbrada', choices: [{ id: 'another', label: 'Otro ticket' }] },
      ]);
      const later = await client.poll();
      expect(later.status).toBe(200);
      expect(expectContract(later.body)).toEqual([
        { text: 'Tu factura ya quedó timbrada', choices: [{ id: 'another', label: 'Otro ticket' }] },
      ]);
      expect(expectContract((await client.poll()).body)).toEqual([]);
      // Another session does not see them.
      expect(expectContract((await new WebChatClient(app.url).poll()).body)).toEqual([]);
    });
  });
});
