/**
 * Guarantee: the PAC timing out for a while. The real SW driver with a one-second timeout against
 * the loopback fake of SW, which either never answers or stamps and answers too late. The retry
 * sends the very same sealed CFDI, so a stamp made during a timed-out call comes back (SW's 307
 * with the previous stamp) instead of a second CFDI: every invoice is stamped once, and each
 * customer hears of the delay and then gets the files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSwPac } from '../../src/invoicing/pac/index.ts';
import { type SwFake, startSwFake } from '../fakes/sw-server.ts';
import { happyPath, startTestApp, type TestApp } from '../helpers/app.ts';
import { DB_MODE } from '../helpers/db.ts';
import {
  chat,
  eventually,
  filesOf,
  hasChoice,
  type RecordingPac,
  receptorFor,
  recording,
  textOf,
  xmlOf,
} from './support.ts';

describe(`PAC timeouts with the SW driver (${DB_MODE})`, () => {
  let app: TestApp;
  let fake: SwFake;
  let pac: RecordingPac;

  beforeAll(async () => {
    fake = await startSwFake({ slowMs: 2_500 });
    pac = recording(
      createSwPac({ baseUrl: fake.url, user: 'demo', password: '123456789', timeoutMs: 1_000 }),
    );
    app = await startTestApp({ jobs: true, retryDelaySeconds: 1, sandboxPac: pac });
  }, 90_000);
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('stamps once although calls timed out after the PAC had stamped', async () => {
    const chats: Array<ReturnType<typeof chat>> = [];
    for (let i = 0; i < 3; i++) {
      const ticket = await app.ticket();
      const c = chat(app, 'web', `timeout-${i}`);
      let last = [] as Awaited<ReturnType<typeof c.say>>;
      for (const m of happyPath(ticket, receptorFor(100 + i))) last = await c.say(m);
      expect(hasChoice(last, 'confirm'), textOf(last)).toBe(true);
      chats.push(c);
    }
    // The first calls are processed by the PAC but answered too late; the next ones never answered.
    fake.failNext(3, 'slow', ['stamp']);
    fake.failNext(3, 'no_answer', ['stamp']);
    for (const c of chats) {
      const replies = await c.say({ choice: 'confirm' });
      expect(textOf(replies)).toContain('El SAT está tardando en timbrar tu factura');
      expect(filesOf(replies)).toEqual([]);
    }

    const received = new Map<string, ReturnType<typeof filesOf>>();
    await eventually(
      'every chat receives its files',
      async () => {
        for (const c of chats) {
          const files = filesOf(await c.pending());
          if (files.length > 0) received.set(c.chatId, files);
        }
        return received.size === chats.length;
      },
      60_000,
    );

    const timeouts = pac.failures.filter((e) => (e as { kind?: string }).kind === 'timeout');
    expect(timeouts.length).toBeGreaterThanOrEqual(chats.length);
    const invoices = await app.db.sql`select uuid, status, chat_id, xml from invoices order by folio`;
    expect(invoices.map((i) => i.status)).toEqual(['vigente', 'vigente', 'vigente']);
    // The PAC made exactly one CFDI per invoice (those made during timed-out calls included).
    expect(fake.stampCount()).toBe(chats.length);
    const made = [...fake.cfdis.values()].map((c) => c.stamp.uuid.toLowerCase()).sort();
    expect(invoices.map((i) => String(i.uuid)).sort()).toEqual(made);
    for (const invoice of invoices) expect(xmlOf(received.get(String(invoice.chat_id))!)).toBe(invoice.xml);
    // SW answered some retries with 307 and the previous stamp.
    expect(fake.requests.filter((r) => r.endpoint === 'stamp').length).toBeGreaterThan(chats.length + 3);
  }, 120_000);
});
