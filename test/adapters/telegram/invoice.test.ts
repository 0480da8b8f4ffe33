/**
 * A whole invoice over Telegram: the real grammY client (long polling) against the fake Bot API,
 * the real conversation runtime and invoicing flow of the wired product (startTestApp), a person
 * who opens the ticket's t.me link (`/start <code>`), types the date, total and fiscal data, and
 * taps the inline-keyboard options; the stamped PDF and XML arrive as documents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyXml } from '../../../src/cli/cfdi-commands.ts';
import type { BotOutput } from '../../fakes/telegram-bot-api.ts';
import { DEFAULT_RECEPTOR, startTestApp, type TestApp } from '../../helpers/app.ts';
import { DB_MODE } from '../../helpers/db.ts';
import { startTelegramHarness, type TelegramHarness } from './harness.ts';

const texts = (out: BotOutput[]) => out.flatMap((o) => (o.kind === 'text' ? [o.text] : []));
const buttons = (out: BotOutput[]) => out.flatMap((o) => (o.kind === 'text' ? o.buttons : []));
const documents = (out: BotOutput[]) =>
  out.flatMap((o) => (o.kind === 'document' ? [{ name: o.fileName, bytes: o.bytes }] : []));

describe(`Telegram: a whole invoice conversation (${DB_MODE})`, () => {
  let app: TestApp;
  let h: TelegramHarness;

  beforeAll(async () => {
    app = await startTestApp();
    h = await startTelegramHarness({ runtime: app.services.runtime });
  });
  afterAll(async () => {
    await h?.close();
    await app?.close();
  });

  it('goes from /start <code> to the stamped PDF and XML sent as documents', async () => {
    const ticket = await app.ticket({ total: '90.00' });
    const chat = h.chat();
    const r = DEFAULT_RECEPTOR;

    // The t.me deep link carries the compact code: /start 7KQ2M9XD4HPE
    const start = await chat.sendText(`/start ${ticket.code.replace(/-/gu, '')}`);
    expect(texts(start).at(-1)).toContain('fecha de compra');

    expect(texts(await chat.sendText(ticket.date)).at(-1)).toContain('total');
    const found = texts(await chat.sendText(ticket.total));
    expect(found.join('\n')).toContain('Encontré tu ticket');
    expect(found.at(-1)).toContain('RFC');
    expect(texts(await chat.sendText(r.rfc)).at(-1)).toContain('nombre');
    expect(texts(await chat.sendText(r.nombre)).at(-1)).toContain('código postal');

    const regimenAsk = await chat.sendText(r.codigoPostal);
    expect(buttons(regimenAsk).map((b) => b.data)).toContain(`regimen:${r.regimenFiscal}`);
    const usoAsk = await chat.tap(`regimen:${r.regimenFiscal}`);
    expect(buttons(usoAsk).map((b) => b.data)).toContain(`uso:${r.usoCfdi}`);
    const emailAsk = await chat.tap(`uso:${r.usoCfdi}`);
    expect(buttons(emailAsk).map((b) => b.data)).toEqual(['email:skip']);

    const summary = await chat.tap('email:skip');
    const summaryText = texts(summary).join('\n');
    for (const line of [`RFC: ${r.rfc}`, `Código postal: ${r.codigoPostal}`, 'Total: $90.00'])
      expect(summaryText).toContain(line);
    expect(buttons(summary)[0]).toEqual({ text: 'Sí, facturar', data: 'confirm' });

    const issued = await chat.tap('confirm');
    const [invoice] = await app.db.sql`
      select uuid, serie, folio, channel, chat_id, status from invoices where ticket_id = (
        select id from tickets where code = ${ticket.code.replace(/-/gu, '')})`;
    expect(invoice).toMatchObject({ channel: 'telegram', chat_id: String(chat.chatId), status: 'vigente' });
    const base = `${app.demo.company.rfc}_${invoice!.serie}-${invoice!.folio}`;
    const docs = documents(issued);
    expect(docs.map((d) => d.name)).toEqual([`${base}.pdf`, `${base}.xml`]);
    expect(docs[0]!.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const xml = docs[1]!.bytes.toString('utf8');
    expect(verifyXml(xml)).toEqual({ ok: true, selloSat: 'valid' });
    expect(xml).toContain(`Rfc="${r.rfc}"`);
    expect(xml.toLowerCase()).toContain(`uuid="${String(invoice!.uuid).toLowerCase()}"`);
    expect(texts(issued).join('\n')).toContain(`${invoice!.serie}-${invoice!.folio}`);
    // The folio is shown bold (parse_mode HTML), never with the copy's literal asterisks.
    const told = issued.flatMap((o) => (o.kind === 'text' ? (o.bold ?? []) : []));
    expect(told).toContain(`${invoice!.serie}-${invoice!.folio}`);
    expect([...found, ...texts(summary), ...texts(issued)].join('\n')).not.toContain('*');

    // Every tap answered its callback query and took the keyboard away from the tapped message.
    const chatCalls = (method: string) =>
      h.api.callsOf(method).filter((c) => String(c.params['chat_id'] ?? chat.chatId) === String(chat.chatId));
    expect(h.api.callsOf('answerCallbackQuery')).toHaveLength(4);
    expect(chatCalls('editMessageReplyMarkup')).toHaveLength(4);
  });
});
