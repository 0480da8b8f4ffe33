/**
 * Guarantee: the PAC failing for a while (5xx, 503 from a proxy, connections reset). The demo
 * company's PAC is SW sapien, configured through its settings, pointing at the loopback fake of SW;
 * jobs run with a one-second back-off. Once the PAC recovers every pending invoice is stamped
 * exactly once, each customer was told of the delay in the chat and then received the files.
 * Also: a permanent refusal after a delay reaches the chat and the admin API; past the 24-hour
 * window the stamping gives up and says so; /metrics shows the counters moving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateSettings } from '../../src/settings/repo.ts';
import { type SwFake, startSwFake } from '../fakes/sw-server.ts';
import { happyPath, startTestApp, type TestApp } from '../helpers/app.ts';
import { DB_MODE } from '../helpers/db.ts';
import {
  adminGet,
  chat,
  eventually,
  filesOf,
  hasChoice,
  receptorFor,
  sample,
  textOf,
  total,
  xmlOf,
} from './support.ts';

const DELAY_NOTICE = 'El SAT está tardando en timbrar tu factura';

describe(`PAC outage with the SW driver (${DB_MODE})`, () => {
  let app: TestApp;
  let fake: SwFake;
  const stampCalls = () => fake.requests.filter((r) => r.endpoint === 'stamp').length;

  beforeAll(async () => {
    fake = await startSwFake({
      validationMessage:
        'CFDI40147 - El campo DomicilioFiscalReceptor del receptor, debe encontrarse en la lista de RFC inscritos no cancelados en el SAT.',
    });
    app = await startTestApp({ jobs: true, retryDelaySeconds: 1 });
    const set = await updateSettings(app.db.sql, app.ctx.secrets, app.companyId, {
      pac: { driver: 'sw', sw: { baseUrl: fake.url, user: 'demo', password: '123456789' } },
    });
    expect(set.ok).toBe(true);
  }, 90_000);
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  let chats = 0;
  /** A web chat (with a receptor of its own) brought to the summary of a fresh ticket. */
  async function atSummary(chatId: string) {
    const ticket = await app.ticket();
    const c = chat(app, 'web', chatId);
    const receptor = receptorFor(chats++);
    let last = [] as Awaited<ReturnType<typeof c.say>>;
    for (const m of happyPath(ticket, receptor)) last = await c.say(m);
    expect(hasChoice(last, 'confirm'), textOf(last)).toBe(true);
    return { ...c, ticket, receptor };
  }

  it('stamps each pending invoice exactly once after the outage; each chat hears of the delay, then gets the files', async () => {
    const before = await (await fetch(`${app.url}/metrics`)).text();
    fake.setMode('server_error', ['stamp']);
    fake.failNext(2, 'unavailable', ['stamp']);
    fake.failNext(2, 'reset', ['stamp']);
    const outage = [];
    for (let i = 0; i < 3; i++) outage.push(await atSummary(`outage-${i}`));
    const chats = outage;
    for (const c of chats) {
      const replies = await c.say({ choice: 'confirm' });
      expect(textOf(replies)).toContain(DELAY_NOTICE);
      expect(filesOf(replies)).toEqual([]);
    }
    // Another chat with the same ticket hears that its invoice is on its way, not "facturado".
    const other = chat(app, 'web', 'outage-other');
    await other.say({ text: chats[0]!.ticket.code });
    await other.say({ text: chats[0]!.ticket.date });
    const [folio] = await app.db.sql`select serie, folio from invoices where chat_id = ${chats[0]!.chatId}`;
    const heard = textOf(await other.say({ text: chats[0]!.ticket.total }));
    expect(heard).toContain(`(folio *${folio!.serie}-${folio!.folio}*) ya se está timbrando`);
    expect(heard).not.toContain('UUID');
    // The jobs keep trying during the outage, with back-off: at least two more attempts each.
    await eventually('stamping retries during the outage', async () => stampCalls() >= chats.length * 3);
    const pending = await app.db.sql`select id, pac_error_code from invoices where status = 'pending'`;
    expect(pending).toHaveLength(chats.length);
    const listed = (await adminGet(app, '/invoices?status=pending')) as {
      invoices: Array<{ pac_error: { code: string | null } | null }>;
    };
    expect(listed.invoices.map((i) => i.pac_error?.code).filter(Boolean)).toHaveLength(chats.length);
    expect(fake.stampCount()).toBe(0);

    fake.setMode('ok');
    const received = new Map<string, ReturnType<typeof filesOf>>();
    await eventually(
      'every chat receives its files',
      async () => {
        for (const c of chats) {
          const notices = await c.pending();
          if (filesOf(notices).length > 0) received.set(c.chatId, filesOf(notices));
        }
        return received.size === chats.length;
      },
      60_000,
    );

    const invoices = await app.db.sql`
      select i.uuid, i.status, i.serie, i.folio, i.chat_id, i.xml from invoices i order by i.folio`;
    expect(invoices.map((i) => i.status)).toEqual(chats.map(() => 'vigente'));
    // Exactly once: one CFDI stamped per invoice at the PAC, and it is the one recorded.
    expect(fake.stampCount()).toBe(chats.length);
    const stampedUuids = [...fake.cfdis.values()].map((c) => c.stamp.uuid.toLowerCase()).sort();
    expect(invoices.map((i) => String(i.uuid)).sort()).toEqual(stampedUuids);
    for (const invoice of invoices) {
      const files = received.get(String(invoice.chat_id))!;
      const base = `EKU9003173C9_${invoice.serie}-${invoice.folio}`;
      expect(files.map((f) => f.name).sort()).toEqual([`${base}.pdf`, `${base}.xml`]);
      expect(xmlOf(files)).toBe(invoice.xml);
    }
    // Told once: nothing more arrives once the jobs are idle.
    await eventually(
      'the stamping queue drains',
      async () => (await app.services.boss.getQueueSize('stamp-invoice')) === 0,
    );
    for (const c of chats) expect(await c.pending()).toEqual([]);

    const after = await (await fetch(`${app.url}/metrics`)).text();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(
      total(after, 'autofactura_pac_errors_total') - total(before, 'autofactura_pac_errors_total'),
    ).toBeGreaterThanOrEqual(chats.length * 3);
    expect(moved('autofactura_pac_errors_total', { code: 'CO1000' })).toBeGreaterThan(0);
    expect(moved('autofactura_stamp_seconds_count')).toBeGreaterThanOrEqual(chats.length);
    expect(moved('autofactura_invoices_issued_total', { channel: 'web' })).toBe(chats.length);
    expect(moved('autofactura_messages_in_total', { channel: 'web' })).toBe(chats.length * 10 + 3);
    expect(moved('autofactura_messages_out_total', { channel: 'web' })).toBeGreaterThan(chats.length * 10);
    expect(moved('autofactura_conversation_outcomes_total', { outcome: 'issue_queued' })).toBe(chats.length);
    expect(after).toMatch(/^autofactura_queue_depth\{queue="stamp-invoice"\} \d+/mu);
    // Maintenance runs are singletons that expire before their next turn (a crash must not block them).
    for (const [name, seconds] of [
      ['redeliver-outbox', 50],
      ['expire-conversations', 50],
      ['purge-download-links', 600],
    ] as const)
      expect(await app.services.boss.getQueue(name)).toMatchObject({
        policy: 'singleton',
        expireInSeconds: seconds,
      });
  }, 120_000);

  it('tells the chat and the admin API when the PAC refuses the invoice after a delay', async () => {
    fake.setMode('server_error', ['stamp']);
    const c = await atSummary('refused-later');
    expect(textOf(await c.say({ choice: 'confirm' }))).toContain(DELAY_NOTICE);
    await eventually('a retry during the outage', async () => {
      const [row] = await app.db.sql`select pac_attempts from invoices where chat_id = ${c.chatId}`;
      return Number(row?.pac_attempts) >= 2;
    });
    fake.setMode('validation_error', ['stamp']);
    const notice = await eventually('the refusal notice', async () => {
      const replies = await c.pending();
      return replies.length > 0 ? replies : undefined;
    });
    expect(textOf(notice)).toContain('No pudimos timbrar tu factura');
    expect(textOf(notice)).toContain('CFDI40147');
    const [row] = await app.db
      .sql`select status, pac_error_code, uuid from invoices where chat_id = ${c.chatId}`;
    expect(row).toMatchObject({ status: 'failed', pac_error_code: 'CFDI40147', uuid: null });
    const listed = (await adminGet(app, '/invoices?status=failed')) as {
      invoices: Array<{ ticket_code: string; pac_error: { code: string; message: string } }>;
    };
    const mine = listed.invoices.find((i) => i.ticket_code === c.ticket.code);
    expect(mine?.pac_error.code).toBe('CFDI40147');

    // The customer starts again with the same ticket: the refused invoice is reused, folio and all.
    fake.setMode('ok');
    const [{ folio }] = (await app.db
      .sql`select folio from invoices where chat_id = ${c.chatId}`) as never as [{ folio: string }];
    await c.say({ text: c.ticket.code });
    await c.say({ text: c.ticket.date });
    await c.say({ text: c.ticket.total });
    let replies = await c.say({ text: c.receptor.rfc });
    if (hasChoice(replies, 'rfc:recalled')) replies = await c.say({ choice: 'rfc:recalled' });
    if (hasChoice(replies, 'known:use')) replies = await c.say({ choice: 'known:use' });
    expect(hasChoice(replies, 'confirm'), textOf(replies)).toBe(true);
    const done = await c.say({ choice: 'confirm' });
    expect(filesOf(done)).toHaveLength(2);
    const rows = await app.db.sql`select status, folio from invoices where chat_id = ${c.chatId}`;
    expect(rows).toEqual([{ status: 'vigente', folio }]);
  }, 90_000);

  it('asks again for the field the PAC refused at once (postal code)', async () => {
    fake.setMode('validation_error', ['stamp']);
    const issued = async () =>
      sample(await (await fetch(`${app.url}/metrics`)).text(), 'autofactura_invoices_issued_total', {
        channel: 'web',
      });
    const before = await issued();
    const c = await atSummary('refused-now');
    const replies = await c.say({ choice: 'confirm' });
    expect(textOf(replies)).toContain('El SAT no aceptó la factura');
    expect(textOf(replies)).toContain('código postal');
    fake.setMode('ok');
    await c.say({ text: '52000' });
    const done = await c.say({ choice: 'confirm' });
    expect(
      filesOf(done)
        .map((f) => f.mime)
        .sort(),
    ).toEqual(['application/pdf', 'application/xml']);
    const rows = await app.db.sql`select status, folio from invoices where chat_id = ${c.chatId}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('vigente');
    // Stamped in the chat's own turn: counted once, under its channel.
    expect((await issued()) - before).toBe(1);
  }, 60_000);

  it('gives up when the 24-hour window has passed, and tells the chat', async () => {
    fake.setMode('server_error', ['stamp']);
    const c = await atSummary('window');
    expect(textOf(await c.say({ choice: 'confirm' }))).toContain(DELAY_NOTICE);
    // The invoice was issued a day ago: the next attempt is the last one.
    await app.db
      .sql`update invoices set issued_at = now() - interval '24 hours 1 minute' where chat_id = ${c.chatId}`;
    const notice = await eventually('the notice that stamping gave up', async () => {
      const replies = await c.pending();
      return replies.length > 0 ? replies : undefined;
    });
    expect(textOf(notice)).toContain('No pudimos timbrar tu factura');
    const [row] = await app.db.sql`select status, pac_error_code from invoices where chat_id = ${c.chatId}`;
    expect(row).toMatchObject({ status: 'failed', pac_error_code: 'CO1000' });
    fake.setMode('ok');
  }, 60_000);
});
