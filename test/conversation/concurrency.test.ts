/**
 * Messages that arrive together: one chat sending many at once is answered in arrival order, each
 * message by its own batch, none lost; two chats confirming the same ticket at once get one invoice
 * between them, and the slower one is told the ticket is already invoiced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyXml } from '../../src/cli/cfdi-commands.ts';
import type { Reply } from '../../src/conversation/types.ts';
import { happyPath, startTestApp, type TestApp } from '../helpers/app.ts';
import { DB_MODE } from '../helpers/db.ts';
import {
  ASKS,
  chat,
  giveTicket,
  mimesIn,
  outbox,
  RECEPTORS,
  receptorMessages,
  stored,
  textOf,
  xmlIn,
} from './driver.ts';

describe(`concurrent messages through the runtime (${DB_MODE})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);
  afterAll(() => app?.close());

  const compact = (code: string) => code.replace(/-/gu, '');

  it('answers ten messages of one chat sent at once in order, each with its own batch', async () => {
    const ticket = await app.ticket();
    const c = chat(app.services.runtime, 'telegram', 'burst-1');
    const messages = [...happyPath(ticket), { choice: 'confirm' }];
    expect(messages).toHaveLength(10);
    const batches = await Promise.all(messages.map((m, i) => c.say({ ...m, messageId: `burst-1-${i}` })));

    batches.forEach((batch, i) => {
      expect(batch.length, `batch ${i}`).toBeGreaterThan(0);
      expect(batch.at(-1)?.text, `batch ${i}`).toMatch(ASKS[i]!);
    });
    expect(textOf(batches[8]!)).toContain(`Ticket: ${ticket.code}`);
    // Only the confirmation's batch carries the files, and they verify.
    for (const batch of batches.slice(0, 9)) expect(mimesIn(batch)).toEqual([]);
    expect(verifyXml(xmlIn(batches[9]!)!)).toMatchObject({ ok: true });

    // The outbox holds exactly these replies, in this order: nothing lost, nothing interleaved.
    const rows = await outbox(app, 'telegram', 'burst-1');
    expect(rows.map((r) => r.text)).toEqual(batches.flat().map((r) => r.text));
    const rest = await stored(app, 'telegram', 'burst-1');
    expect(rest?.value).toBe('done');
    const invoices = await app.db.sql`
      select i.status, i.channel from invoices i join tickets t on t.id = i.ticket_id where t.code = ${compact(ticket.code)}`;
    expect(invoices).toEqual([{ status: 'vigente', channel: 'telegram' }]);
  });

  it('keeps each burst in order while other chats talk at the same time', async () => {
    const tickets = await Promise.all([app.ticket(), app.ticket(), app.ticket()]);
    const chats = tickets.map((_, i) => chat(app.services.runtime, 'whatsapp', `burst-many-${i}`));
    const receptors = [RECEPTORS.fisica, RECEPTORS.otra, RECEPTORS.fisica];
    // Up to the summary only (the known-customer step would change the path): RFC, then the rest.
    const all = await Promise.all(
      chats.map(async (c, i) => {
        const [rfc, ...rest] = receptorMessages({ ...receptors[i]!, rfc: freshRfcs[i]! });
        const messages = [tickets[i]!.code, tickets[i]!.date, tickets[i]!.total, rfc!, ...rest];
        return Promise.all(messages.map((text, k) => c.say({ text, messageId: `${c.chatId}-${k}` })));
      }),
    );
    for (const [i, batches] of all.entries()) {
      for (const [k, batch] of batches.entries()) {
        expect(batch.at(-1)?.text, `chat ${i} batch ${k}`).toMatch(ASKS[k]!);
      }
      const rows = await outbox(app, 'whatsapp', `burst-many-${i}`);
      expect(rows.map((r) => r.text)).toEqual(batches.flat().map((r: Reply) => r.text));
      expect((await stored(app, 'whatsapp', `burst-many-${i}`))?.value).toBe('summary');
    }
  });

  it('drops a message delivered twice by its channel (same message id)', async () => {
    const ticket = await app.ticket();
    const c = chat(app.services.runtime, 'whatsapp', 'dup-1');
    const [first, second] = await Promise.all([
      c.say({ text: ticket.code, messageId: 'dup-1-a' }),
      c.say({ text: ticket.code, messageId: 'dup-1-a' }),
    ]);
    expect([first!.length > 0, second!.length > 0].sort()).toEqual([false, true]);
    expect((await stored(app, 'whatsapp', 'dup-1'))?.value).toBe('askDate');
  });

  it('two chats confirming one ticket at once: one invoice, the other told it is already invoiced', async () => {
    for (let round = 0; round < 3; round++) {
      const ticket = await app.ticket();
      const a = chat(app.services.runtime, 'web', `race-a-${round}`);
      const b = chat(app.services.runtime, 'telegram', `race-b-${round}`);
      for (const c of [a, b]) {
        await giveTicket(c, ticket);
        for (const text of receptorMessages({ ...RECEPTORS.otra, rfc: freshRfcs[3 + round]! })) {
          await c.say(text);
        }
        expect((await stored(app, c.channel, c.chatId))?.value).toBe('summary');
      }
      const [ra, rb] = await Promise.all([a.say({ choice: 'confirm' }), b.say({ choice: 'confirm' })]);
      const invoices = await app.db.sql`
        select i.status, i.channel, i.chat_id, i.serie, i.folio, i.uuid from invoices i join tickets t on t.id = i.ticket_id
        where t.code = ${compact(ticket.code)}`;
      expect(invoices).toHaveLength(1);
      const invoice = invoices[0]!;
      expect(invoice.status).toBe('vigente');
      const [winner, loser] = invoice.chat_id === a.chatId ? [ra!, rb!] : [rb!, ra!];
      const loserChat = invoice.chat_id === a.chatId ? b : a;
      expect(verifyXml(xmlIn(winner)!)).toMatchObject({ ok: true });
      expect(mimesIn(loser), `round ${round}`).toEqual([]);
      expect(textOf(loser), `round ${round}`).toContain(`${invoice.serie}-${invoice.folio}`);
      expect(textOf(loser), `round ${round}`).toMatch(/ya (?:se había facturado|está facturado)/u);
      expect(textOf(loser), `round ${round}`).toContain(String(invoice.uuid).toUpperCase());
      expect((await stored(app, loserChat.channel, loserChat.chatId))?.value).toBe('offerResend');
    }
  });
});

/** Valid RFCs (check digit included) that no other test in this file uses. */
const freshRfcs = [
  'GODE561231GR8',
  'KICR630120NX3',
  'CACX7605101P8',
  'FUNK671228PH6',
  'IAÑL750210963',
  'JUFA7608212V6',
];
