/**
 * Whole conversations through the wired runtime on a real database, the real invoicing core and the
 * sandbox PAC: from the ticket code to the delivered XML whose seal verifies, the customer catalog
 * and the chat's memory of its last RFC, on each channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { question } from '../../flows/copy.ts';
import { verifyXml } from '../../src/cli/cfdi-commands.ts';
import type { Channel } from '../../src/conversation/types.ts';
import { happyPath, startTestApp, type TestApp } from '../helpers/app.ts';
import { DB_MODE } from '../helpers/db.ts';
import { chat, lastText, mimesIn, RECEPTORS, stored, textOf, xmlIn } from './driver.ts';

describe(`whole invoice through the runtime (${DB_MODE})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);
  afterAll(() => app?.close());

  const talk = (channel: Channel, chatId: string) => chat(app.services.runtime, channel, chatId);

  async function invoiceOf(code: string) {
    const [row] = await app.db.sql`
      select i.status, i.self_invoiced, i.channel, i.chat_id, i.serie, i.folio, i.uuid, i.receptor, i.customer_id
      from invoices i join tickets t on t.id = i.ticket_id where t.code = ${code.replace(/-/gu, '')}`;
    return row;
  }

  it('turns a ticket into a stamped CFDI whose seal verifies, delivered as PDF and XML', async () => {
    const ticket = await app.ticket();
    const web = talk('web', 'e2e-1');
    for (const m of happyPath(ticket)) await web.say(m);
    const replies = await web.say({ choice: 'confirm' });
    expect(mimesIn(replies)).toEqual(['application/pdf', 'application/xml']);
    const xml = xmlIn(replies)!;
    expect(verifyXml(xml)).toEqual({ ok: true, selloSat: 'valid' });
    expect(xml).toContain(`Total="${ticket.total}"`);
    const invoice = await invoiceOf(ticket.code);
    expect(invoice).toMatchObject({ status: 'vigente', self_invoiced: true, channel: 'web', serie: 'DEMO' });
    expect(xml.toLowerCase()).toContain(`uuid="${invoice!.uuid}"`);
    expect(textOf(replies)).toContain(`DEMO-${invoice!.folio}`);
    const [customer] = await app.db
      .sql`select rfc, nombre, codigo_postal from customers where rfc = 'COSC8001137NA'`;
    expect(customer).toMatchObject({ rfc: 'COSC8001137NA', codigo_postal: '52000' });
  });

  it('answers each step with its question, and ends waiting for another ticket', async () => {
    const ticket = await app.ticket();
    const r = RECEPTORS.otra;
    const tg = talk('telegram', 'tg-steps');
    const steps: [string, string][] = [
      [ticket.code, 'askDate'],
      [ticket.date, 'askTotal'],
      [ticket.total, 'askRfc'],
      [r.rfc, 'askNombre'],
      [r.nombre, 'askCodigoPostal'],
      [r.codigoPostal, 'askRegimen'],
      [r.regimenFiscal, 'askUso'],
      [r.usoCfdi, 'askEmail'],
      [r.email, 'summary'],
    ];
    for (const [text, step] of steps) {
      const replies = await tg.say(text);
      const rest = await stored(app, 'telegram', 'tg-steps');
      expect(rest?.value).toBe(step);
      expect(lastText(replies)).toBe(question(rest!.context).text);
    }
    const summary = await stored(app, 'telegram', 'tg-steps');
    expect(summary?.context.receptor).toMatchObject({
      rfc: r.rfc,
      codigoPostal: r.codigoPostal,
      email: r.email,
    });
    const replies = await tg.say({ choice: 'confirm' });
    expect(verifyXml(xmlIn(replies)!)).toMatchObject({ ok: true });
    expect(xmlIn(replies)).toContain('UsoCFDI="S01"');
    // Issued even though the e-mail could not be queued (no job queue in this app): it is logged.
    expect(textOf(replies)).toContain(r.email);
    expect((await stored(app, 'telegram', 'tg-steps'))?.value).toBe('done');
    expect(await invoiceOf(ticket.code)).toMatchObject({
      status: 'vigente',
      self_invoiced: true,
      channel: 'telegram',
      chat_id: 'tg-steps',
    });
    const [mail] = await app.db.sql`select email_to, email_status from invoices where chat_id = 'tg-steps'`;
    expect(mail).toEqual({ email_to: r.email, email_status: 'pending' });
  });

  it('offers the stored data of a known RFC, and updates the customer catalog from what is given', async () => {
    // The first invoice above stored COSC8001137NA with CP 52000; a new chat types the same RFC.
    const ticket = await app.ticket();
    const wa = talk('whatsapp', '5215550000001@s.whatsapp.net');
    await wa.say(ticket.code);
    await wa.say(ticket.date);
    expect((await stored(app, wa.channel, wa.chatId))?.value).toBe('askTotal');
    await wa.say(ticket.total);
    const known = await wa.say(RECEPTORS.fisica.rfc);
    expect((await stored(app, wa.channel, wa.chatId))?.value).toBe('knownCustomer');
    expect(lastText(known)).toContain('CARLOS CORTÉS SOTO');
    expect(lastText(known)).toContain('52000');
    expect(known.at(-1)?.choices?.map((c) => c.id)).toContain('known:use');

    await wa.say({ choice: 'edit:codigoPostal' });
    const summary = await wa.say('06600');
    expect((await stored(app, wa.channel, wa.chatId))?.value).toBe('summary');
    expect(lastText(summary)).toContain('Código postal: 06600');
    const replies = await wa.say('confirmar');
    const xml = xmlIn(replies)!;
    expect(verifyXml(xml)).toMatchObject({ ok: true });
    expect(xml).toContain('DomicilioFiscalReceptor="06600"');

    const customers = await app.db.sql`
      select id, nombre, codigo_postal, regimen_fiscal from customers where rfc = ${RECEPTORS.fisica.rfc}`;
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ codigo_postal: '06600', regimen_fiscal: '612' });
    const invoice = await invoiceOf(ticket.code);
    expect(invoice).toMatchObject({ status: 'vigente', self_invoiced: true, channel: 'whatsapp' });
    expect(String(invoice!.customer_id)).toBe(String(customers[0]!.id));
    expect(invoice!.receptor).toMatchObject({ rfc: RECEPTORS.fisica.rfc, codigoPostal: '06600' });
  });

  it("offers the chat's last RFC first, then its stored data", async () => {
    // 'e2e-1' invoiced with COSC8001137NA in the first test.
    const ticket = await app.ticket();
    const web = talk('web', 'e2e-1');
    await web.say(ticket.code);
    await web.say(ticket.date);
    const offered = await web.say(ticket.total);
    expect((await stored(app, 'web', 'e2e-1'))?.value).toBe('offerRecalledRfc');
    expect(lastText(offered)).toContain(RECEPTORS.fisica.rfc);
    expect(offered.at(-1)?.choices?.[0]).toMatchObject({ id: 'rfc:recalled' });

    const known = await web.say({ choice: 'rfc:recalled' });
    expect((await stored(app, 'web', 'e2e-1'))?.value).toBe('knownCustomer');
    // The catalog entry as the previous test left it.
    expect(lastText(known)).toContain('06600');
    await web.say({ choice: 'known:use' });
    const replies = await web.say({ choice: 'confirm' });
    const xml = xmlIn(replies)!;
    expect(verifyXml(xml)).toMatchObject({ ok: true });
    expect(xml).toContain(`Rfc="${RECEPTORS.fisica.rfc}"`);
    expect(await invoiceOf(ticket.code)).toMatchObject({
      status: 'vigente',
      channel: 'web',
      chat_id: 'e2e-1',
    });
  });

  it('another RFC from the chat replaces the one it remembers', async () => {
    const ticket = await app.ticket();
    const web = talk('web', 'e2e-1');
    await web.say(ticket.code);
    await web.say(ticket.date);
    await web.say(ticket.total);
    expect((await stored(app, 'web', 'e2e-1'))?.value).toBe('offerRecalledRfc');
    const asked = await web.say({ choice: 'rfc:other' });
    expect((await stored(app, 'web', 'e2e-1'))?.value).toBe('askRfc');
    expect(lastText(asked)).toContain('RFC');
    // The telegram chat of the second test stored this RFC: the company knows it on every channel.
    const r = RECEPTORS.otra;
    await web.say(r.rfc);
    expect((await stored(app, 'web', 'e2e-1'))?.value).toBe('knownCustomer');
    const summary = await web.say({ choice: 'known:use' });
    expect(lastText(summary)).toContain(r.email);
    expect(verifyXml(xmlIn(await web.say({ choice: 'confirm' }))!)).toMatchObject({ ok: true });
    const [identity] = await app.db
      .sql`select last_rfc from chat_identities where channel = 'web' and chat_id = 'e2e-1'`;
    expect(identity?.last_rfc).toBe(r.rfc);
  });
});
