/**
 * Every outcome of checking a ticket, with real tickets in a real database, through the runtime:
 * what the customer is told, where the conversation rests, and the failed-attempts cool-down
 * (5 failed checks per hour, per chat and per code).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longDate, validation } from '../../flows/copy.ts';
import { verifyXml } from '../../src/cli/cfdi-commands.ts';
import { MAX_FAILURES_PER_HOUR } from '../../src/conversation/invoicing-actors.ts';
import type { Channel } from '../../src/conversation/types.ts';
import { TicketCode } from '../../src/sat/code.ts';
import { cancelTicket } from '../../src/tickets/service.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { DB_MODE } from '../helpers/db.ts';
import { chat, giveTicket, invoiceTicket, lastText, stored, textOf, xmlIn } from './driver.ts';

describe(`ticket check outcomes through the runtime (${DB_MODE})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);
  afterAll(() => app?.close());

  const talk = (chatId: string, channel: Channel = 'web') => chat(app.services.runtime, channel, chatId);
  const compact = (code: string) => code.replace(/-/gu, '');
  const failuresOf = async (chatId: string) => {
    const [row] = await app.db
      .sql`select count(*)::int as n from validation_failures where chat_id = ${chatId}`;
    return row!.n as number;
  };
  const say = (outcome: Parameters<typeof validation>[0]) => validation(outcome, 'invoice').text;

  it('accepts the right code, date and total, naming the shop and the total', async () => {
    const ticket = await app.ticket();
    const c = talk('ok-1');
    const replies = await giveTicket(c, { ...ticket, code: ticket.code.toLowerCase().replace(/-/gu, ' ') });
    expect(textOf(replies)).toContain('$90.00');
    expect(textOf(replies)).toContain('Café Kemper');
    expect((await stored(app, 'web', 'ok-1'))?.value).toBe('askRfc');
    expect(await failuresOf('ok-1')).toBe(0);
  });

  it('an unknown code: says so, asks for the code again and counts a failure', async () => {
    const c = talk('unknown-1');
    const replies = await giveTicket(c, {
      code: TicketCode.generate().toString(),
      date: '2026-01-05',
      total: '90.00',
    });
    expect(textOf(replies)).toContain(say({ outcome: 'unknown' }));
    const rest = await stored(app, 'web', 'unknown-1');
    expect(rest?.value).toBe('askCode');
    expect(rest?.context.code).toBeNull();
    expect(await failuresOf('unknown-1')).toBe(1);
  });

  it('a wrong total or date: a mismatch that reveals neither, back to the date', async () => {
    const ticket = await app.ticket();
    const c = talk('mismatch-1');
    const byTotal = await giveTicket(c, { ...ticket, total: '90.01' });
    expect(textOf(byTotal)).toContain(say({ outcome: 'mismatch' }));
    expect(textOf(byTotal)).not.toContain('$90.00');
    expect((await stored(app, 'web', 'mismatch-1'))?.value).toBe('askDate');

    const dayBefore = new Date(`${ticket.date}T12:00:00Z`);
    dayBefore.setUTCDate(dayBefore.getUTCDate() - 1);
    await c.say(dayBefore.toISOString().slice(0, 10));
    const byDate = await c.say(ticket.total);
    expect(textOf(byDate)).toContain(say({ outcome: 'mismatch' }));
    expect(textOf(byDate)).not.toContain(longDate(ticket.date));
    expect(await failuresOf('mismatch-1')).toBe(2);

    // The code is kept: the right date and total now pass.
    await c.say(ticket.date);
    await c.say(ticket.total);
    expect((await stored(app, 'web', 'mismatch-1'))?.value).toBe('askRfc');
  });

  it('a cancelled ticket cannot be invoiced', async () => {
    const ticket = await app.ticket();
    const cancelled = await cancelTicket(
      app.db.sql,
      app.companyId,
      TicketCode.parse(ticket.code)!,
      'devolución',
    );
    expect(cancelled.kind).toBe('cancelled');
    const c = talk('cancelled-1', 'telegram');
    const replies = await giveTicket(c, ticket);
    expect(textOf(replies)).toContain(say({ outcome: 'cancelled' }));
    expect((await stored(app, 'telegram', 'cancelled-1'))?.value).toBe('askCode');
    expect(await failuresOf('cancelled-1')).toBe(0);
  });

  it('an invoiced ticket: its folio and UUID, and the offer to send it again', async () => {
    const ticket = await app.ticket();
    const first = talk('invoiced-owner');
    expect(verifyXml(xmlIn(await invoiceTicket(first, ticket))!)).toMatchObject({ ok: true });
    const [invoice] = await app.db.sql`
      select i.id, i.serie, i.folio, i.uuid from invoices i join tickets t on t.id = i.ticket_id
      where t.code = ${compact(ticket.code)}`;
    const uuid = String(invoice!.uuid).toUpperCase();

    const other = talk('invoiced-other', 'whatsapp');
    const replies = await giveTicket(other, ticket);
    expect(textOf(replies)).toContain(`${invoice!.serie}-${invoice!.folio}`);
    expect(textOf(replies)).toContain(uuid);
    expect((await stored(app, 'whatsapp', 'invoiced-other'))?.value).toBe('offerResend');
    const again = await other.say('sí');
    const xml = xmlIn(again)!;
    expect(xml).toContain(`UUID="${uuid}"`);
    expect(verifyXml(xml)).toMatchObject({ ok: true });
    expect((await stored(app, 'whatsapp', 'invoiced-other'))?.value).toBe('done');
    const [count] = await app.db.sql`select resend_count from invoices where id = ${invoice!.id}`;
    expect(count?.resend_count).toBe(1);
    const all = await app.db
      .sql`select i.id from invoices i join tickets t on t.id = i.ticket_id where t.code = ${compact(ticket.code)}`;
    expect(all).toHaveLength(1);
  });

  it('a ticket past its invoicing deadline: says until when it could be invoiced', async () => {
    const ticket = await app.ticket();
    await app.db
      .sql`update tickets set deadline = '2026-01-31T23:59:59-06:00' where code = ${compact(ticket.code)}`;
    const c = talk('expired-1');
    const replies = await giveTicket(c, ticket);
    expect(textOf(replies)).toContain(say({ outcome: 'expired', deadline: '2026-01-31' }));
    expect((await stored(app, 'web', 'expired-1'))?.value).toBe('askCode');
    expect(
      await app.db
        .sql`select 1 from invoices i join tickets t on t.id = i.ticket_id where t.code = ${compact(ticket.code)}`,
    ).toHaveLength(0);
  });

  it('a shop with self-invoicing switched off', async () => {
    const ticket = await app.ticket();
    await app.db
      .sql`update company_settings set self_invoicing_enabled = false where company_id = ${app.companyId}`;
    try {
      const c = talk('disabled-1');
      const replies = await giveTicket(c, ticket);
      expect(textOf(replies)).toContain(say({ outcome: 'disabled' }));
      expect((await stored(app, 'web', 'disabled-1'))?.value).toBe('askCode');
    } finally {
      await app.db
        .sql`update company_settings set self_invoicing_enabled = true where company_id = ${app.companyId}`;
    }
    // Switched on again, the same ticket goes through.
    await giveTicket(talk('disabled-1'), ticket);
    expect((await stored(app, 'web', 'disabled-1'))?.value).toBe('askRfc');
  });

  it(`cools a chat down after ${MAX_FAILURES_PER_HOUR} failed checks within the hour`, async () => {
    const c = talk('cool-chat', 'telegram');
    for (let i = 0; i < MAX_FAILURES_PER_HOUR; i++) {
      const replies = await giveTicket(c, {
        code: TicketCode.generate().toString(),
        date: '2026-01-05',
        total: '90.00',
      });
      expect(textOf(replies)).toContain(say({ outcome: 'unknown' }));
    }
    const good = await app.ticket();
    const refused = await giveTicket(c, good);
    expect(textOf(refused)).toMatch(/demasiados intentos fallidos.*espera (?:[1-9]|[1-5]\d|60) minutos?/su);
    expect((await stored(app, 'telegram', 'cool-chat'))?.value).toBe('askCode');
    expect(await failuresOf('cool-chat')).toBe(MAX_FAILURES_PER_HOUR);

    // Another chat is not affected, and neither is the code.
    await giveTicket(talk('cool-bystander'), good);
    expect((await stored(app, 'web', 'cool-bystander'))?.value).toBe('askRfc');

    // An hour later the chat may try again.
    await app.db
      .sql`update validation_failures set failed_at = failed_at - interval '61 minutes' where chat_id = 'cool-chat'`;
    const ok = await giveTicket(c, good);
    expect(textOf(ok)).toContain('¡Encontré tu ticket');
  });

  it(`cools a code down after ${MAX_FAILURES_PER_HOUR} failed checks from any chats`, async () => {
    const target = await app.ticket();
    for (let i = 0; i < MAX_FAILURES_PER_HOUR; i++) {
      const replies = await giveTicket(talk(`guesser-${i}`, 'whatsapp'), {
        ...target,
        total: `${91 + i}.00`,
      });
      expect(textOf(replies)).toContain(say({ outcome: 'mismatch' }));
    }
    // Even the right data is refused for that code now, in a fresh chat...
    const owner = talk('code-owner');
    const refused = await giveTicket(owner, target);
    expect(lastText(refused)).toContain('código');
    expect(textOf(refused)).toContain('demasiados intentos fallidos');
    expect(await failuresOf('code-owner')).toBe(0);
    // ...while other codes still pass.
    await giveTicket(talk('code-other'), await app.ticket());
    expect((await stored(app, 'web', 'code-other'))?.value).toBe('askRfc');

    await app.db
      .sql`update validation_failures set failed_at = failed_at - interval '61 minutes' where ticket_code = ${compact(target.code)}`;
    await giveTicket(owner, target);
    expect((await stored(app, 'web', 'code-owner'))?.value).toBe('askRfc');
  });
});
