/**
 * The conversation lives in the database, not in the process: a runtime rebuilt between any two
 * messages carries on where the chat was; a step that was running when the process died runs again
 * with the next message; a stored snapshot that no longer fits restarts the chat politely.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartNotice } from '../../flows/copy.ts';
import { FLOW_VERSION } from '../../flows/invoicing.ts';
import { verifyXml } from '../../src/cli/cfdi-commands.ts';
import type { InboundMessage, Reply } from '../../src/conversation/types.ts';
import { createSandboxPac, type PacDriver, PacError } from '../../src/invoicing/pac/index.ts';
import { DEFAULT_RECEPTOR, happyPath, startTestApp, type TestApp } from '../helpers/app.ts';
import { DB_MODE } from '../helpers/db.ts';
import { ASKS, chat, mimesIn, newRuntime, outbox, stored, textOf, xmlIn } from './driver.ts';

describe(`conversations survive the process (${DB_MODE})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);
  afterAll(() => app?.close());

  const compact = (code: string) => code.replace(/-/gu, '');

  it('resumes where it was when the runtime is rebuilt between every message', async () => {
    const ticket = await app.ticket();
    const messages = [
      ...happyPath(ticket, { ...DEFAULT_RECEPTOR, rfc: 'KICR630120NX3' }),
      { choice: 'confirm' },
    ];
    const batches: Reply[][] = [];
    for (const m of messages) {
      const runtime = newRuntime(app);
      try {
        batches.push(
          await runtime.handle({ channel: 'whatsapp', chatId: 'restart-1', receivedAt: new Date(), ...m }),
        );
      } finally {
        await runtime.close();
      }
    }
    for (const [i, batch] of batches.entries()) expect(batch.at(-1)?.text, `batch ${i}`).toMatch(ASKS[i]!);
    expect(textOf(batches.flat())).not.toContain(restartNotice().text);
    expect(verifyXml(xmlIn(batches[9]!)!)).toMatchObject({ ok: true });
    expect((await stored(app, 'whatsapp', 'restart-1'))?.value).toBe('done');
  });

  /**
   * Leaves `chatId` (telegram) as a process killed while stamping would: the conversation stored in
   * the issuing step, "Generando tu factura…" sent, the invoice pending. Resolves with that invoice.
   */
  async function dieWhileStamping(chatId: string, rfc: string, confirm: Partial<InboundMessage>) {
    const ticket = await app.ticket();
    let stampCalls = 0;
    let timeOut = (_: unknown) => {};
    // A PAC that does not answer: the turn gives up while the invoice is at the PAC. The PAC times
    // out only after that, so nothing of the dead turn stays in flight in this process.
    const silent: PacDriver = {
      ...createSandboxPac(),
      stamp: () => {
        stampCalls++;
        return new Promise((_, reject) => {
          timeOut = reject;
        });
      },
    };
    const doomed = newRuntime(app, { pac: silent, settleTimeoutMs: 2_000 });
    const c = chat(app.services.runtime, 'telegram', chatId);
    for (const m of happyPath(ticket, { ...DEFAULT_RECEPTOR, rfc })) await c.say(m);
    await expect(chat(doomed, 'telegram', chatId).say(confirm)).rejects.toThrow(/did not settle/u);
    timeOut(PacError.timeout('sandbox', 60_000));
    await doomed.close();
    expect(stampCalls).toBe(1);

    expect((await stored(app, 'telegram', chatId))?.value).toBe('issuing');
    expect((await outbox(app, 'telegram', chatId)).at(-1)?.text).toMatch(/^Generando tu factura/u);
    const [pending] = await app.db.sql`
      select i.id, i.status, i.folio from invoices i join tickets t on t.id = i.ticket_id
      where t.code = ${compact(ticket.code)}`;
    expect(pending?.status).toBe('pending');
    return { ticket, invoice: pending! };
  }

  async function invoicesOf(code: string) {
    return app.db.sql`
      select i.id, i.status, i.folio from invoices i join tickets t on t.id = i.ticket_id where t.code = ${compact(code)}`;
  }

  it("a process that died while stamping: the channel's retry of the message finishes the same invoice", async () => {
    const confirm = { choice: 'confirm', messageId: 'crash-1-confirm' };
    const { ticket, invoice } = await dieWhileStamping('crash-1', 'WATM640917J45', confirm);
    const revived = newRuntime(app);
    try {
      // The channel got no answer for the confirmation, so it delivers it again (same message id).
      const replies = await chat(revived, 'telegram', 'crash-1').say(confirm);
      expect(mimesIn(replies)).toEqual(['application/pdf', 'application/xml']);
      expect(verifyXml(xmlIn(replies)!)).toMatchObject({ ok: true });
      expect((await stored(app, 'telegram', 'crash-1'))?.value).toBe('done');
    } finally {
      await revived.close();
    }
    expect(await invoicesOf(ticket.code)).toEqual([
      { id: invoice.id, status: 'vigente', folio: invoice.folio },
    ]);
  });

  it('a process that died while stamping: the next process finishes the step even if the customer says nothing', async () => {
    const { ticket, invoice } = await dieWhileStamping('crash-2', 'MASO451221PM4', { choice: 'confirm' });
    const revived = newRuntime(app);
    const received: Reply[] = [];
    revived.registerSink('telegram', async (_, replies) => {
      received.push(...replies);
    });
    try {
      // Only a conversation untouched for a while counts as left behind by a dead process.
      expect(await revived.resumeInterrupted()).toBe(0);
      await app.db.sql`
        update conversations set updated_at = now() - interval '2 minutes' where chat_id = 'crash-2'`;
      expect(await revived.expireIdle()).toBe(0);
      expect(mimesIn(received)).toEqual(['application/pdf', 'application/xml']);
      expect(verifyXml(xmlIn(received)!)).toMatchObject({ ok: true });
      expect(received.at(-1)?.text).toMatch(ASKS[9]!);
      expect((await stored(app, 'telegram', 'crash-2'))?.value).toBe('done');
      expect(await revived.resumeInterrupted()).toBe(0);
    } finally {
      await revived.close();
    }
    expect(await invoicesOf(ticket.code)).toEqual([
      { id: invoice.id, status: 'vigente', folio: invoice.folio },
    ]);
  });

  /** Ways a stored conversation can stop fitting the machine, applied to the chat's row. */
  const BROKEN: [string, (chatId: string) => Promise<unknown>][] = [
    [
      'a newer flow version',
      (id) => app.db.sql`update conversations set flow_version = ${FLOW_VERSION + 1} where chat_id = ${id}`,
    ],
    [
      'an older flow version',
      (id) => app.db.sql`update conversations set flow_version = 0 where chat_id = ${id}`,
    ],
    [
      'a JSON string',
      (id) => app.db.sql`update conversations set snapshot = '"garbage"'::jsonb where chat_id = ${id}`,
    ],
    [
      'JSON null',
      (id) => app.db.sql`update conversations set snapshot = 'null'::jsonb where chat_id = ${id}`,
    ],
    [
      'an array',
      (id) => app.db.sql`update conversations set snapshot = '[1, 2, 3]'::jsonb where chat_id = ${id}`,
    ],
    [
      'an empty object',
      (id) => app.db.sql`update conversations set snapshot = '{}'::jsonb where chat_id = ${id}`,
    ],
    [
      'a state the machine does not have',
      (id) =>
        app.db
          .sql`update conversations set snapshot = jsonb_set(snapshot, '{value}', '"nowhere"') where chat_id = ${id}`,
    ],
    [
      'a context without the receptor',
      (id) =>
        app.db
          .sql`update conversations set snapshot = snapshot #- '{context,receptor}' where chat_id = ${id}`,
    ],
    [
      'a context with wrong types',
      (id) => app.db.sql`
        update conversations set snapshot = jsonb_set(jsonb_set(snapshot, '{context,step}', '42'), '{context,code}', '{"x": 1}')
        where chat_id = ${id}`,
    ],
    [
      'a step the context does not know',
      (id) =>
        app.db
          .sql`update conversations set snapshot = jsonb_set(snapshot, '{context,step}', '"constructor"') where chat_id = ${id}`,
    ],
    [
      'a busy state without its actor',
      (id) =>
        app.db
          .sql`update conversations set snapshot = jsonb_set(snapshot, '{value}', '"issuing"') where chat_id = ${id}`,
    ],
    [
      'a machine in error',
      (id) =>
        app.db
          .sql`update conversations set snapshot = jsonb_set(snapshot, '{status}', '"error"') where chat_id = ${id}`,
    ],
    [
      'a huge context value',
      (id) => app.db.sql`
        update conversations set snapshot = jsonb_set(snapshot, '{context,code}', to_jsonb(repeat('A', 200000))) where chat_id = ${id}`,
    ],
  ];

  it.each(BROKEN)('restarts politely from %s', async (_, breakIt) => {
    const ticket = await app.ticket();
    const chatId = `broken-${Math.random().toString(36).slice(2)}`;
    const c = chat(app.services.runtime, 'web', chatId);
    await c.say(ticket.code);
    await c.say(ticket.date);
    expect((await stored(app, 'web', chatId))?.value).toBe('askTotal');
    await breakIt(chatId);

    const replies = await c.say(ticket.code);
    expect(replies[0]?.text).toBe(restartNotice().text);
    // The message itself is then read from the start: a code, so the date is asked.
    expect(replies.at(-1)?.text).toMatch(ASKS[0]!);
    const rest = await stored(app, 'web', chatId);
    expect(rest).toMatchObject({ value: 'askDate', flowVersion: FLOW_VERSION });
    expect(rest?.context.code).toBe(ticket.code);
    // And the conversation goes on normally from there.
    await c.say(ticket.date);
    expect(textOf(await c.say(ticket.total))).toContain('¡Encontré tu ticket');
  });
});
