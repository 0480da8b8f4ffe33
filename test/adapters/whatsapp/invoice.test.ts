/**
 * A whole invoice over WhatsApp: the real WhatsApp adapter on the fake Baileys socket, the real
 * conversation runtime and invoicing flow of the wired product (startTestApp). The person types
 * the code, date, total and fiscal data, and answers the numbered options by number; the stamped
 * PDF and XML arrive as documents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyXml } from '../../../src/cli/cfdi-commands.ts';
import type { WhatsAppOutput } from '../../fakes/baileys-socket.ts';
import { DEFAULT_RECEPTOR, startTestApp, type TestApp } from '../../helpers/app.ts';
import { DB_MODE } from '../../helpers/db.ts';
import { startWhatsAppHarness, type WhatsAppHarness } from './harness.ts';

const texts = (out: WhatsAppOutput[]) => out.flatMap((o) => (o.kind === 'text' ? [o.text] : []));

/** The number in front of the numbered line that starts with `label` ("7. 612 Actividades…" -> "7"). */
function numberOf(out: WhatsAppOutput[], label: string): string {
  const text = texts(out).at(-1) ?? '';
  const line = text.split('\n').find((l) => new RegExp(`^\\d+\\. ${label}`, 'u').test(l));
  if (!line) throw new Error(`no numbered option "${label}" in:\n${text}`);
  return line.split('.', 1)[0]!;
}

describe(`WhatsApp: a whole invoice conversation (${DB_MODE})`, () => {
  let app: TestApp;
  let h: WhatsAppHarness;

  beforeAll(async () => {
    app = await startTestApp();
    h = startWhatsAppHarness({ db: app.db, runtime: app.services.runtime });
    await h.adapter.start();
    await h.connected();
  });
  afterAll(async () => {
    await h?.adapter.stop();
    await app?.close();
  });

  it('goes from the typed code to the stamped PDF and XML sent as documents', async () => {
    const ticket = await app.ticket({ total: '90.00' });
    const chat = h.fake.chat();
    const r = DEFAULT_RECEPTOR;

    expect(texts(await chat.sendText(`Hola, quiero facturar ${ticket.code}`)).at(-1)).toContain(
      'fecha de compra',
    );
    expect(texts(await chat.sendText(ticket.date)).at(-1)).toContain('total');
    const found = texts(await chat.sendText('$90'));
    expect(found.join('\n')).toContain('Encontré tu ticket');
    expect(texts(await chat.sendText(r.rfc.toLowerCase())).at(-1)).toContain('nombre');
    expect(texts(await chat.sendText(r.nombre)).at(-1)).toContain('código postal');

    const regimenAsk = await chat.sendText(r.codigoPostal);
    expect(texts(regimenAsk).at(-1)).toMatch(/Responde 1, 2, .* o \d+\.$/u);
    const usoAsk = await chat.sendText(numberOf(regimenAsk, r.regimenFiscal));
    const emailAsk = await chat.sendText(numberOf(usoAsk, r.usoCfdi));
    expect(texts(emailAsk).at(-1)).toContain('1. Omitir');
    const summary = await chat.sendText('1');
    const summaryText = texts(summary).at(-1)!;
    for (const line of [
      `RFC: ${r.rfc}`,
      `Régimen fiscal: ${r.regimenFiscal} `,
      `Uso CFDI: ${r.usoCfdi} `,
      'Correo: sin correo',
    ])
      expect(summaryText).toContain(line);
    expect(summaryText).toContain('1. Sí, facturar');

    const issued = await chat.sendText(numberOf(summary, 'Sí, facturar'));
    const [invoice] = await app.db.sql`
      select uuid, serie, folio, channel, chat_id from invoices i join tickets t on t.id = i.ticket_id
      where t.code = ${ticket.code.replace(/-/gu, '')}`;
    expect(invoice).toMatchObject({ channel: 'whatsapp', chat_id: chat.jid });
    const base = `${app.demo.company.rfc}_${invoice!.serie}-${invoice!.folio}`;
    const docs = issued.flatMap((o) => (o.kind === 'document' ? [o] : []));
    expect(docs.map((d) => [d.fileName, d.mimetype])).toEqual([
      [`${base}.pdf`, 'application/pdf'],
      [`${base}.xml`, 'application/xml'],
    ]);
    expect(docs[0]!.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const xml = docs[1]!.bytes.toString('utf8');
    expect(verifyXml(xml)).toEqual({ ok: true, selloSat: 'valid' });
    expect(xml).toContain(`Rfc="${r.rfc}"`);
    expect(xml.toLowerCase()).toContain(`uuid="${String(invoice!.uuid).toLowerCase()}"`);
    // The question after the documents offers another ticket, numbered again.
    expect(texts(issued).at(-1)).toContain('1. Sí, otro ticket');
    // Everything went to the person's chat, nowhere else.
    expect(new Set(h.fake.sent.map((s) => s.jid))).toEqual(new Set([chat.jid]));
  });
});
