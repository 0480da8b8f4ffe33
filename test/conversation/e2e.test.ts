import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyXml } from '../../src/cli/cfdi-commands.ts';
import { happyPath, startTestApp, type TestApp } from '../helpers/app.ts';
import { DB_MODE } from '../helpers/db.ts';

describe(`whole invoice through the runtime (${DB_MODE})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('turns a ticket into a stamped CFDI whose seal verifies, delivered as PDF and XML', async () => {
    const ticket = await app.ticket();
    const say = (m: { text?: string; choice?: string }) =>
      app.services.runtime.handle({ channel: 'web', chatId: 'e2e-1', ...m, receivedAt: new Date() });
    for (const m of happyPath(ticket)) await say(m);
    const replies = await say({ choice: 'confirm' });
    const files = replies.flatMap((r) => r.files ?? []);
    expect(files.map((f) => f.mime).sort()).toEqual(['application/pdf', 'application/xml']);
    const xml = Buffer.from(files.find((f) => f.mime === 'application/xml')!.bytes).toString('utf8');
    expect(verifyXml(xml)).toEqual({ ok: true, selloSat: 'valid' });
    expect(xml).toContain(`Total="${ticket.total}"`);
    const [invoice] = await app.db.sql`select status, self_invoiced, channel, serie, folio from invoices`;
    expect(invoice).toMatchObject({ status: 'vigente', self_invoiced: true, channel: 'web', serie: 'DEMO' });
    const [customer] = await app.db.sql`select rfc, nombre, codigo_postal from customers`;
    expect(customer).toMatchObject({ rfc: 'COSC8001137NA', codigo_postal: '52000' });
  });
});
