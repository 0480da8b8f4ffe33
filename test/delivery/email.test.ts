/**
 * Guarantee: the e-mail never holds back the chat and is not lost when SMTP is down. A real SMTP
 * listener (smtp-server) on loopback, its messages parsed with mailparser; the SMTP URL comes from
 * the company settings (stored encrypted). Also: a permanent refusal is recorded and visible in the
 * admin API, and with no SMTP at all each message is an .eml file under DATA_DIR/outbox.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailSender, mailDeliveryNote } from '../../src/email/transport.ts';
import { updateSettings } from '../../src/settings/repo.ts';
import { happyPath, startTestApp, type TestApp } from '../helpers/app.ts';
import { DB_MODE } from '../helpers/db.ts';
import {
  adminGet,
  chat,
  eventually,
  filesOf,
  freePort,
  hasChoice,
  receptorFor,
  sample,
  textOf,
  xmlOf,
} from './support.ts';

interface Mailbox {
  messages: ParsedMail[];
  close(): Promise<void>;
}

/** An SMTP server on 127.0.0.1:port keeping every message it accepts, parsed. */
async function listen(port: number, options: Partial<SMTPServerOptions> = {}): Promise<Mailbox> {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail);
          done();
        },
        (err: Error) => done(err),
      );
    },
    ...options,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe(`invoice e-mail (${DB_MODE})`, () => {
  let app: TestApp;
  let n = 0;
  beforeAll(async () => {
    app = await startTestApp({ jobs: true, retryDelaySeconds: 1 });
  }, 90_000);
  afterAll(() => app?.close());

  async function setSmtp(url: string | null) {
    const set = await updateSettings(app.db.sql, app.ctx.secrets, app.companyId, { email: { smtpUrl: url } });
    expect(set.ok).toBe(true);
  }

  /** Confirms a fresh ticket in a web chat, with an e-mail address; returns the chat's replies. */
  async function invoiceWithEmail(chatId: string, email: string) {
    const ticket = await app.ticket();
    const c = chat(app, 'web', chatId);
    let last = [] as Awaited<ReturnType<typeof c.say>>;
    for (const m of happyPath(ticket, receptorFor(200 + n++, email))) last = await c.say(m);
    expect(hasChoice(last, 'confirm'), textOf(last)).toBe(true);
    const replies = await c.say({ choice: 'confirm' });
    const [invoice] = await app.db.sql`
      select id, serie, folio, uuid, xml, email_status, email_error from invoices where chat_id = ${chatId}`;
    return { replies, invoice: invoice!, ticket };
  }

  it('retries while SMTP is down and delivers later, without holding back the chat', async () => {
    const port = await freePort();
    await setSmtp(`smtp://127.0.0.1:${port}`);
    const before = await (await fetch(`${app.url}/metrics`)).text();

    // SMTP is down (nothing listens): the chat gets its files at once all the same.
    const { replies, invoice } = await invoiceWithEmail('mail-down', 'ana.gomez@example.com');
    const files = filesOf(replies);
    expect(files.map((f) => f.mime).sort()).toEqual(['application/pdf', 'application/xml']);
    expect(textOf(replies)).toContain('ana.gomez@example.com');
    await eventually('a failed delivery attempt recorded', async () => {
      const [row] = await app.db.sql`select email_status, email_error from invoices where id = ${invoice.id}`;
      return row?.email_error ? row : undefined;
    }).then((row) => expect(row.email_status).toBe('pending'));
    const during = await (await fetch(`${app.url}/metrics`)).text();
    expect(
      sample(during, 'autofactura_email_failures_total') - sample(before, 'autofactura_email_failures_total'),
    ).toBeGreaterThan(0);

    // SMTP comes back: the retry delivers the message, once.
    const box = await listen(port);
    try {
      await eventually('the invoice e-mail delivered', async () => box.messages.length > 0, 60_000);
      await eventually('the invoice marked as e-mailed', async () => {
        const [row] = await app.db.sql`select email_status from invoices where id = ${invoice.id}`;
        return row?.email_status === 'sent';
      });
      await eventually(
        'the e-mail queue drains',
        async () => (await app.services.boss.getQueueSize('send-invoice-email')) === 0,
      );
      expect(box.messages).toHaveLength(1);
      const mail = box.messages[0]!;
      const base = `EKU9003173C9_${invoice.serie}-${invoice.folio}`;
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('ana.gomez@example.com');
      expect(mail.subject).toContain(`${invoice.serie}-${invoice.folio}`);
      expect(mail.text).toContain(String(invoice.uuid).toUpperCase());
      expect(mail.text).toContain('Hola, ANA GÓMEZ PRUEBA');
      expect(mail.html || '').toContain('Café Kemper');
      expect(mail.messageId).toBe(`<factura-${String(invoice.uuid).toLowerCase()}@autofactura.local>`);
      const byName = new Map(mail.attachments.map((a) => [a.filename, a]));
      expect([...byName.keys()].sort()).toEqual([`${base}.pdf`, `${base}.xml`]);
      const [stamped] = await app.db.sql`select xml from invoices where id = ${invoice.id}`;
      expect(byName.get(`${base}.xml`)!.content.toString('utf8')).toBe(stamped!.xml);
      expect(byName.get(`${base}.xml`)!.content.toString('utf8')).toBe(xmlOf(files));
      expect(byName.get(`${base}.pdf`)!.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    } finally {
      await box.close();
    }
  }, 120_000);

  it('records a permanent refusal on the invoice and shows it in the admin API', async () => {
    const port = await freePort();
    const box = await listen(port, {
      onRcptTo(address, _session, done) {
        const err = new Error(`5.1.1 <${address.address}>: mailbox unavailable`) as Error & {
          responseCode: number;
        };
        err.responseCode = 550;
        done(err);
      },
    });
    try {
      await setSmtp(`smtp://127.0.0.1:${port}`);
      const { replies, invoice, ticket } = await invoiceWithEmail('mail-refused', 'nadie@example.com');
      expect(filesOf(replies)).toHaveLength(2);
      const row = await eventually('the refusal recorded', async () => {
        const [r] = await app.db.sql`select email_status, email_error from invoices where id = ${invoice.id}`;
        return r?.email_status === 'failed' ? r : undefined;
      });
      expect(row.email_error).toContain('550');
      const listed = (await adminGet(app, '/invoices?status=vigente')) as {
        invoices: Array<{ ticket_code: string; email: { to: string; status: string } }>;
      };
      expect(listed.invoices.find((i) => i.ticket_code === ticket.code)?.email).toEqual({
        to: 'nadie@example.com',
        status: 'failed',
      });
      expect(box.messages).toHaveLength(0);
    } finally {
      await box.close();
    }
  }, 90_000);

  it('writes an .eml file under DATA_DIR/outbox when no SMTP is configured', async () => {
    await setSmtp(null);
    const outbox = path.join(app.ctx.config.dataDir, 'outbox');
    const { invoice } = await invoiceWithEmail('mail-file', 'luis@example.com');
    const file = await eventually('an .eml file in the outbox', async () =>
      (() => {
        try {
          return readdirSync(outbox).find(
            (f) => f.endsWith('.eml') && f.includes(String(invoice.uuid).toLowerCase()),
          );
        } catch {
          return undefined;
        }
      })(),
    );
    const mail = await simpleParser(readFileSync(path.join(outbox, file)));
    const base = `EKU9003173C9_${invoice.serie}-${invoice.folio}`;
    expect(mail.attachments.map((a) => a.filename).sort()).toEqual([`${base}.pdf`, `${base}.xml`]);
    const [row] = await app.db.sql`select xml, email_status from invoices where id = ${invoice.id}`;
    await eventually('the invoice marked as e-mailed', async () => {
      const [r] = await app.db.sql`select email_status from invoices where id = ${invoice.id}`;
      return r?.email_status === 'sent';
    });
    expect(mail.attachments.find((a) => a.filename === `${base}.xml`)!.content.toString('utf8')).toBe(
      row!.xml,
    );
  }, 60_000);
});

describe('mail sender (SMTP_URL as the default)', () => {
  it('sends through the deployment SMTP URL unless the company has its own', async () => {
    const [defaultPort, companyPort] = [await freePort(), await freePort()];
    const [deployment, company] = [await listen(defaultPort), await listen(companyPort)];
    try {
      const sender = createMailSender({
        dataDir: '/nonexistent',
        defaultSmtpUrl: `smtp://127.0.0.1:${defaultPort}`,
      });
      const mail = {
        to: 'ana@example.com',
        from: 'facturas@example.com',
        subject: 'Prueba',
        messageId: '<prueba@autofactura.local>',
        text: 'Hola',
        html: '<p>Hola</p>',
        attachments: [],
      };
      expect((await sender.send(mail, null)).via).toBe('smtp');
      expect((await sender.send(mail, `smtp://127.0.0.1:${companyPort}`)).via).toBe('smtp');
      expect([deployment.messages.length, company.messages.length]).toEqual([1, 1]);
    } finally {
      await deployment.close();
      await company.close();
    }
  });

  it('tells the operator where e-mails go', () => {
    expect(mailDeliveryNote({ dataDir: '/srv/af' })).toContain('/srv/af/outbox');
    expect(
      mailDeliveryNote({ dataDir: '/srv/af', defaultSmtpUrl: 'smtp://u:secreto@mail.example.mx:587' }),
    ).toBe(
      'E-mail: invoices are sent through mail.example.mx:587 (SMTP_URL) unless a company sets its own SMTP.',
    );
  });
});
