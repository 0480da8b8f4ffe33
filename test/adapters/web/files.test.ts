/**
 * Web chat file links over real HTTP: an invoice issued through the chat API gives one link per
 * file; each works three times, then answers 410 with a Spanish message (JSON for scripts, a page
 * for browsers), and stops working one month after the invoice was issued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyXml } from '../../../src/cli/cfdi-commands.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { DB_MODE } from '../../helpers/db.ts';
import { issueOverWeb, WebChatClient, type WireFile } from './client.ts';

/** RFC 6266: a name of token characters goes unquoted. */
const attachment = (name: string) => `attachment; filename=${name}`;

describe(`web chat file links (${DB_MODE})`, () => {
  let app: TestApp;
  let pdf: WireFile;
  let xml: WireFile;
  let invoice: { id: string; serie: string; folio: string; xml: string };
  const tokenOf = (file: WireFile) => file.url.split('/').at(-1)!;
  const get = (file: WireFile | string, headers: Record<string, string> = {}) =>
    fetch(`${app.url}${typeof file === 'string' ? file : file.url}`, { headers });

  beforeAll(async () => {
    app = await startTestApp();
    const ticket = await app.ticket();
    ({ pdf, xml } = await issueOverWeb(new WebChatClient(app.url), ticket));
    const [row] = await app.db.sql`select id::text as id, serie, folio::text as folio, xml from invoices`;
    invoice = row as typeof invoice;
  });
  afterAll(() => app?.close());

  it('downloads the PDF three times, then answers 410 in Spanish', async () => {
    const name = `${app.demo.company.rfc}_${invoice.serie}-${invoice.folio}.pdf`;
    // HEAD tells whether the link works without using up a download.
    expect((await fetch(`${app.url}${pdf.url}`, { method: 'HEAD' })).status).toBe(200);
    for (let i = 1; i <= 3; i++) {
      const res = await get(pdf);
      expect(res.status, `download ${i}`).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toBe(attachment(name));
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    }
    const [counted] = await app.db.sql`select downloads from download_tokens where token = ${tokenOf(pdf)}`;
    expect(counted!.downloads).toBe(3);

    const fourth = await get(pdf);
    expect(fourth.status).toBe(410);
    expect(await fourth.json()).toEqual({
      error: { code: 'limit', message: expect.stringMatching(/ya se usó 3 veces.*reenviar/u) },
    });
    expect((await fetch(`${app.url}${pdf.url}`, { method: 'HEAD' })).status).toBe(410);

    // A browser that opened the link gets a page saying the same, not JSON.
    const page = await get(pdf, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect(page.status).toBe(410);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/u);
    const html = await page.text();
    expect(html).toContain('Este enlace ya se usó 3 veces');
    expect(html).toContain('<html lang="es">');
    expect(html).not.toMatch(/<script/u);
  });

  it('serves the XML as issued, and counts downloads on the invoice', async () => {
    const [before] = await app.db.sql`select download_count from invoices where id = ${invoice.id}`;
    const res = await get(xml);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/u);
    expect(res.headers.get('content-disposition')).toBe(
      attachment(`${app.demo.company.rfc}_${invoice.serie}-${invoice.folio}.xml`),
    );
    const body = await res.text();
    expect(body).toBe(invoice.xml);
    expect(verifyXml(body)).toEqual({ ok: true, selloSat: 'valid' });
    const [after] = await app.db.sql`select download_count from invoices where id = ${invoice.id}`;
    expect(after!.download_count).toBe(before!.download_count + 1);
  });

  it('stops working one month after issue: the link’s own expiry or the invoice’s issue date', async () => {
    const token = tokenOf(xml);
    const [link] = await app.db.sql`
      select d.expires_at, i.issued_at from download_tokens d join invoices i on i.id = d.invoice_id
      where d.token = ${token}`;
    const monthLater = new Date(link!.issued_at);
    monthLater.setUTCMonth(monthLater.getUTCMonth() + 1);
    expect(new Date(link!.expires_at).getTime()).toBeGreaterThanOrEqual(
      monthLater.getTime() - 3 * 86_400_000,
    );

    await app.db
      .sql`update download_tokens set expires_at = now() - interval '1 second' where token = ${token}`;
    const expired = await get(xml);
    expect(expired.status).toBe(410);
    expect(await expired.json()).toEqual({
      error: { code: 'expired', message: expect.stringContaining('durante un mes desde que se emitió') },
    });

    // Back within its month it works again: the refusal was the date, not the count.
    await app.db.sql`update download_tokens set expires_at = ${link!.expires_at} where token = ${token}`;
    expect((await get(xml)).status).toBe(200);

    // An invoice issued a month and a minute ago: its links are over, whatever the link says.
    await app.db.sql`
      update invoices set issued_at = now() - interval '1 month' - interval '1 minute' where id = ${invoice.id}`;
    const old = await get(xml);
    expect(old.status).toBe(410);
    expect((await old.json()).error.code).toBe('expired');
    const [unchanged] = await app.db.sql`select downloads from download_tokens where token = ${token}`;
    expect(unchanged!.downloads).toBe(2);
  });

  it('answers 404 in Spanish for a link that never existed', async () => {
    for (const url of [
      '/chat/files/AAAAAAAAAAAAAAAAAAAAAAAA',
      '/chat/files/..%2F..%2Fetc',
      '/chat/files/x',
    ]) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect((await res.json()).error).toEqual({
        code: 'unknown',
        message: 'Este enlace no existe. Revisa que esté completo o pide un reenvío en el chat.',
      });
    }
  });
});
