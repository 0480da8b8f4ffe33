/**
 * The pieces the guarantees rest on, one at a time: a confirmation repeated from the same chat (a
 * conversation restored after a crash re-runs its step) answers with the same invoice, stamping it
 * now if the crash left it pending; and two stampings of one invoice racing from two processes send
 * the PAC the same sealed document, so it makes one CFDI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../src/db/database.ts';
import { completeInvoice } from '../../src/invoices/complete.ts';
import { issueForTicket } from '../../src/invoices/issue.ts';
import { reserveInvoice } from '../../src/invoices/reserve.ts';
import { createSandboxPac } from '../../src/invoicing/pac/index.ts';
import { inspectSealedCfdi } from '../../src/invoicing/pac/sealed-cfdi.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { DB_MODE } from '../helpers/db.ts';
import { type RecordingPac, receptorFor, recording } from './support.ts';

describe(`repeated and concurrent issuing (${DB_MODE})`, () => {
  let app: TestApp;
  let pac: RecordingPac;
  const sealedSent: string[] = [];
  beforeAll(async () => {
    pac = recording(createSandboxPac(), { delayMs: 300 });
    const stamp = pac.stamp.bind(pac);
    pac.stamp = (xml, opts) => {
      sealedSent.push(inspectSealedCfdi(xml, 'test').sello);
      return stamp(xml, opts);
    };
    app = await startTestApp();
  }, 90_000);
  afterAll(() => app?.close());

  const deps = () => ({ sql: app.db.sql, secrets: app.ctx.secrets, pacFor: async () => pac });
  const compact = (code: string) => code.replace(/-/gu, '');

  it('answers a repeated confirmation of the same chat with the same invoice, and other chats with "already invoiced"', async () => {
    const ticket = await app.ticket();
    const req = {
      ticketCode: compact(ticket.code),
      receptor: receptorFor(400),
      channel: 'web' as const,
      chatId: 'same-1',
    };
    const first = await issueForTicket(deps(), req);
    expect(first.kind).toBe('issued');
    const again = await issueForTicket(deps(), req);
    expect(again).toMatchObject({
      kind: 'issued',
      uuid: (first as { uuid: string }).uuid,
      folio: (first as { folio: string }).folio,
    });
    const other = await issueForTicket(deps(), { ...req, chatId: 'someone-else' });
    expect(other).toMatchObject({ kind: 'already_invoiced', uuid: (first as { uuid: string }).uuid });
    const telegram = await issueForTicket(deps(), { ...req, channel: 'telegram' });
    expect(telegram.kind).toBe('already_invoiced');
    const rows = await app.db
      .sql`select count(*)::int as n from invoices i join tickets t on t.id = i.ticket_id where t.code = ${req.ticketCode}`;
    expect(rows[0]!.n).toBe(1);
  });

  it('stamps an invoice a crash left pending when its chat confirms again, keeping its folio', async () => {
    const ticket = await app.ticket();
    const req = {
      ticketCode: compact(ticket.code),
      receptor: receptorFor(401),
      channel: 'web' as const,
      chatId: 'same-2',
    };
    // The crash: the reservation committed, the stamping never happened.
    const reserved = await app.db.sql.begin((tx) => reserveInvoice(tx, { ...req, now: new Date() }));
    expect(reserved.kind).toBe('reserved');
    const other = await issueForTicket(deps(), { ...req, chatId: 'someone-else-2' });
    expect(other.kind).toBe('in_progress');
    const again = await issueForTicket(deps(), req);
    expect(again).toMatchObject({ kind: 'issued', folio: (reserved as { folio: string }).folio });
    const [row] = await app.db
      .sql`select status, uuid from invoices where id = ${(reserved as { invoiceId: string }).invoiceId}`;
    expect(row).toMatchObject({ status: 'vigente', uuid: (again as { uuid: string }).uuid });
  });

  it('sends one sealed document to the PAC when two processes stamp the same invoice at once', async () => {
    const ticket = await app.ticket();
    const req = {
      ticketCode: compact(ticket.code),
      receptor: receptorFor(402),
      channel: 'web' as const,
      chatId: 'race-2',
    };
    const reserved = await app.db.sql.begin((tx) => reserveInvoice(tx, { ...req, now: new Date() }));
    if (reserved.kind !== 'reserved') throw new Error(reserved.kind);
    // Two "processes": clients that do not share in-process state, with clocks 5 s apart (so that
    // each would seal a different document, with another Fecha).
    const otherProcess = (clock: number) => ({
      ...deps(),
      sql: new Proxy(app.db.sql, {}) as Sql,
      now: () => new Date(clock),
    });
    const now = Date.now();
    sealedSent.length = 0;
    const [a, b] = await Promise.all([
      completeInvoice(otherProcess(now), reserved.invoiceId),
      completeInvoice(otherProcess(now + 5_000), reserved.invoiceId),
    ]);
    expect(a.kind).toBe('stamped');
    expect(b).toEqual(a);
    expect(new Set(sealedSent).size).toBe(1);
    const [row] = await app.db.sql`select uuid, xml from invoices where id = ${reserved.invoiceId}`;
    expect(row).toMatchObject({ uuid: (a as { uuid: string }).uuid, xml: (a as { xml: string }).xml });
  });
});
