/**
 * Guarantee: 100 concurrent confirmations of one ticket, from chats of every channel, give exactly
 * one stamped CFDI: one invoices row, one UUID handed out by the PAC, the files in one chat, and
 * every other chat told the ticket is already invoiced (with that folio and UUID).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/conversation/types.ts';
import { createSandboxPac } from '../../src/invoicing/pac/index.ts';
import { happyPath, startTestApp, type TestApp } from '../helpers/app.ts';
import { DB_MODE } from '../helpers/db.ts';
import { chat, filesOf, hasChoice, type RecordingPac, recording, textOf, xmlOf } from './support.ts';

const CHATS = 100;
const CHANNELS: Channel[] = ['web', 'telegram', 'whatsapp'];

describe(`one ticket, ${CHATS} concurrent confirmations (${DB_MODE})`, () => {
  let app: TestApp;
  let pac: RecordingPac;
  beforeAll(async () => {
    // A PAC that takes a while, so that the other confirmations find the ticket being stamped.
    pac = recording(createSandboxPac(), { delayMs: 1500 });
    app = await startTestApp({ sandboxPac: pac });
  }, 90_000);
  afterAll(() => app?.close());

  it('stamps exactly one CFDI and tells every other chat it is already invoiced', async () => {
    const ticket = await app.ticket();
    const chats = Array.from({ length: CHATS }, (_, i) =>
      chat(app, CHANNELS[i % CHANNELS.length]!, `race-${i}-${CHANNELS[i % CHANNELS.length]}`),
    );
    // Every chat reaches the summary before anyone confirms.
    await Promise.all(
      chats.map(async (c) => {
        let last = [] as Awaited<ReturnType<typeof c.say>>;
        for (const m of happyPath(ticket)) last = await c.say(m);
        expect(hasChoice(last, 'confirm'), `${c.chatId} at the summary: ${textOf(last)}`).toBe(true);
      }),
    );

    const answers = await Promise.all(chats.map((c) => c.say({ choice: 'confirm' })));

    const invoices = await app.db.sql`
      select i.id, i.uuid, i.status, i.serie, i.folio, i.channel, i.chat_id, i.xml
      from invoices i join tickets t on t.id = i.ticket_id where t.code = ${ticket.code.replace(/-/gu, '')}`;
    expect(invoices).toHaveLength(1);
    const invoice = invoices[0]!;
    expect(invoice.status).toBe('vigente');
    const uuid = String(invoice.uuid).toUpperCase();
    // The PAC handed out one UUID, however many times it was asked.
    expect(new Set(pac.stamps.map((s) => s.uuid.toUpperCase()))).toEqual(new Set([uuid]));
    const [count] = await app.db.sql`select count(*)::int as n, max(folio)::int as folio from invoices`;
    expect(count).toEqual({ n: 1, folio: Number(invoice.folio) });

    const winners = chats.filter((_, i) => filesOf(answers[i]!).length > 0);
    expect(winners.map((c) => `${c.channel}:${c.chatId}`)).toEqual([`${invoice.channel}:${invoice.chat_id}`]);
    const winnerFiles = filesOf(answers[chats.indexOf(winners[0]!)]!);
    expect(winnerFiles.map((f) => f.name).sort()).toEqual(
      [
        `EKU9003173C9_${invoice.serie}-${invoice.folio}.pdf`,
        `EKU9003173C9_${invoice.serie}-${invoice.folio}.xml`,
      ].sort(),
    );
    expect(xmlOf(winnerFiles)).toBe(invoice.xml);

    const told = `ya se había facturado: folio *${invoice.serie}-${invoice.folio}*, UUID ${uuid}`;
    chats.forEach((c, i) => {
      if (c === winners[0]) return;
      expect(textOf(answers[i]!), `${c.channel}:${c.chatId}`).toContain(told);
    });
    // Nothing is delivered later to the other chats (no promise of files that will not come).
    for (const c of chats) if (c !== winners[0]) expect(filesOf(await c.pending())).toEqual([]);
  }, 120_000);
});
