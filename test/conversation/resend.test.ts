/**
 * "Reenviar" through the runtime: the customer proves the ticket again (code, date, total) and gets
 * the same PDF and XML, at most three times (invoices.resend_count) and within one month of issue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resendResult, validation } from '../../flows/copy.ts';
import { verifyXml } from '../../src/cli/cfdi-commands.ts';
import { RESEND_LIMIT } from '../../src/conversation/invoicing-actors.ts';
import type { Reply } from '../../src/conversation/types.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { DB_MODE } from '../helpers/db.ts';
import { chat, invoiceTicket, mimesIn, stored, type TestChat, textOf, xmlIn } from './driver.ts';

describe(`re-sending an invoice through the runtime (${DB_MODE})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);
  afterAll(() => app?.close());

  const compact = (code: string) => code.replace(/-/gu, '');
  const invoiceOf = async (code: string) => {
    const [row] = await app.db.sql`
      select i.id, i.uuid, i.serie, i.folio, i.resend_count, i.status, i.self_invoiced, i.channel
      from invoices i join tickets t on t.id = i.ticket_id where t.code = ${compact(code)}`;
    return row!;
  };

  /** "reenviar", then the code, date and total, one message each. */
  async function resend(c: TestChat, ticket: { code: string; date: string; total: string }) {
    await c.say('reenviar');
    expect((await stored(app, c.channel, c.chatId))?.value).toBe('askCode');
    await c.say(ticket.code);
    await c.say(ticket.date);
    return c.say(ticket.total);
  }

  it(`sends the same files again, at most ${RESEND_LIMIT} times`, async () => {
    const ticket = await app.ticket();
    const c = chat(app.services.runtime, 'telegram', 'resend-1');
    const issued = await invoiceTicket(c, ticket);
    const original = xmlIn(issued)!;
    const invoice = await invoiceOf(ticket.code);
    expect(invoice).toMatchObject({
      status: 'vigente',
      self_invoiced: true,
      channel: 'telegram',
      resend_count: 0,
    });

    for (let n = 1; n <= RESEND_LIMIT; n++) {
      // The first time word by word, then the short form "reenviar <code>".
      let replies: Reply[];
      if (n === 1) replies = await resend(c, ticket);
      else {
        await c.say(`reenviar ${ticket.code}`);
        expect((await stored(app, c.channel, c.chatId))?.value).toBe('askDate');
        await c.say(ticket.date);
        replies = await c.say(ticket.total);
      }
      expect(mimesIn(replies)).toEqual(['application/pdf', 'application/xml']);
      expect(xmlIn(replies)).toBe(original);
      expect(verifyXml(xmlIn(replies)!)).toMatchObject({ ok: true });
      const remaining = RESEND_LIMIT - n;
      expect(textOf(replies)).toContain(resendResult({ outcome: 'sent', files: [], remaining }).text);
      expect((await invoiceOf(ticket.code)).resend_count).toBe(n);
      expect((await stored(app, 'telegram', 'resend-1'))?.value).toBe('done');
    }

    const refused = await resend(c, ticket);
    expect(mimesIn(refused)).toEqual([]);
    expect(textOf(refused)).toContain(
      validation(
        {
          outcome: 'invoiced',
          serieFolio: `${invoice.serie}-${invoice.folio}`,
          uuid: String(invoice.uuid).toUpperCase(),
          canResend: false,
        },
        'resend',
      ).text,
    );
    expect((await invoiceOf(ticket.code)).resend_count).toBe(RESEND_LIMIT);
    // Still exactly one invoice, still vigente.
    expect((await invoiceOf(ticket.code)).status).toBe('vigente');
  });

  it('counts re-sends per invoice, from any chat that proves the ticket', async () => {
    const ticket = await app.ticket();
    await invoiceTicket(chat(app.services.runtime, 'web', 'resend-owner'), ticket);
    const stranger = chat(app.services.runtime, 'whatsapp', 'resend-stranger');
    const replies = await resend(stranger, ticket);
    expect(mimesIn(replies)).toEqual(['application/pdf', 'application/xml']);
    expect((await invoiceOf(ticket.code)).resend_count).toBe(1);
    // Wrong total: no files, no count.
    const wrong = await resend(stranger, { ...ticket, total: '90.10' });
    expect(mimesIn(wrong)).toEqual([]);
    expect((await invoiceOf(ticket.code)).resend_count).toBe(1);
  });

  it('refuses once a month has passed since the invoice was issued', async () => {
    const ticket = await app.ticket();
    const c = chat(app.services.runtime, 'web', 'resend-late');
    await invoiceTicket(c, ticket);
    const invoice = await invoiceOf(ticket.code);
    await app.db
      .sql`update invoices set issued_at = now() - interval '1 month 1 hour' where id = ${invoice.id}`;
    const refused = await resend(c, ticket);
    expect(mimesIn(refused)).toEqual([]);
    expect(textOf(refused)).toContain('ya no puedo reenviarlo');
    expect((await invoiceOf(ticket.code)).resend_count).toBe(0);

    // Just inside the month it still goes.
    await app.db
      .sql`update invoices set issued_at = now() - interval '1 month' + interval '1 hour' where id = ${invoice.id}`;
    const sent = await resend(c, ticket);
    expect(mimesIn(sent)).toEqual(['application/pdf', 'application/xml']);
    expect((await invoiceOf(ticket.code)).resend_count).toBe(1);
  });

  it('a ticket without an invoice yet: "reenviar" turns into invoicing it', async () => {
    const ticket = await app.ticket();
    const c = chat(app.services.runtime, 'web', 'resend-none');
    const replies = await resend(c, ticket);
    expect(textOf(replies)).toContain('todavía no tiene factura');
    expect((await stored(app, 'web', 'resend-none'))?.value).toBe('askRfc');
  });
});
