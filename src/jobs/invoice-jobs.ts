/**
 * Durable work on invoices, run by pg-boss: stamping with exponential back-off on transient PAC
 * errors within 24 hours of issue, and e-mail sending. Every handler is idempotent: a job that was
 * running when the process died runs again after restart and finds the work done or resumes it;
 * `start()` also queues whatever a crash left undone (pending stamps, unsent mail, untold chats).
 *
 * Delivery is at least once: the chat notice is committed to the outbox before the invoice is
 * marked as told, and the mail is sent before it is marked sent, so a crash in between repeats the
 * notice or the mail (the mail with the same Message-ID) rather than losing it.
 */
import type { Channel, Reply, ReplyFile } from '../conversation/types.ts';
import type { Sql } from '../db/database.ts';
import { composeInvoiceMail } from '../email/compose.ts';
import { MailError, type MailSender } from '../email/transport.ts';
import { type CompleteDeps, type Completion, completeInvoice } from '../invoices/complete.ts';
import { invoiceFiles, loadInvoiceRecord } from '../invoices/files.ts';
import type { Logger } from '../log.ts';
import type { SecretBox } from '../secrets.ts';
import { hasWaitingJob, type PgBoss } from './boss.ts';

export const STAMP_QUEUE = 'stamp-invoice';
export const EMAIL_QUEUE = 'send-invoice-email';
/** SAT expects an invoice stamped within 24 hours of its issue: retries stop then. */
export const STAMP_WINDOW_HOURS = 24;
/** The back-off doubles up to this gap between two stamping attempts. */
export const MAX_RETRY_GAP_SECONDS = 3600;

/** What the customer is told in chat when delayed work finishes. */
export interface DeliveryNotices {
  stamped(input: { serieFolio: string; uuid: string; files: ReplyFile[] }): Reply[];
  rejected(input: { message: string }): Reply[];
}

export interface InvoiceJobsDeps extends CompleteDeps {
  sql: Sql;
  secrets: SecretBox;
  log: Logger;
  mail: MailSender;
  /** Stores the replies in the chat's outbox (committed when it resolves), then delivers them. */
  notify(channel: Channel, chatId: string, replies: Reply[]): Promise<void>;
  notices: DeliveryNotices;
  /** Back-off base: the first retry after `retryDelaySeconds`, then doubling up to an hour. */
  retryDelaySeconds?: number;
  /** Stamping gives up after this many failed PAC attempts (default: only the 24-hour window); e-mail retries. */
  retryLimit?: number;
  /** The stamping window in hours (default 24). */
  stampWindowHours?: number;
  onMailFailed?: () => void;
}

interface InvoiceJobData {
  invoiceId: string;
}

export class InvoiceJobs {
  constructor(
    private readonly boss: PgBoss,
    private readonly deps: InvoiceJobsDeps,
  ) {}

  /** Creates the queues, starts the workers and queues what a crash left undone. */
  async start(): Promise<void> {
    const delay = this.deps.retryDelaySeconds ?? 60;
    // pg-boss's own retries only cover unexpected errors (a bug, the database gone); PAC outages
    // are retried by `stamp` itself, which knows the 24-hour window.
    await this.boss.createQueue(STAMP_QUEUE, {
      name: STAMP_QUEUE,
      retryLimit: 5,
      retryDelay: delay,
      retryBackoff: true,
      expireInSeconds: 120,
    });
    await this.boss.createQueue(EMAIL_QUEUE, {
      name: EMAIL_QUEUE,
      retryLimit: this.deps.retryLimit ?? 10,
      retryDelay: delay,
      retryBackoff: true,
      expireInSeconds: 120,
    });
    await this.boss.work<InvoiceJobData>(STAMP_QUEUE, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (job) await this.stamp(job.data.invoiceId);
    });
    await this.boss.work<InvoiceJobData>(
      EMAIL_QUEUE,
      { pollingIntervalSeconds: 0.5, includeMetadata: true },
      async ([job]) => {
        if (job) await this.email(job.data.invoiceId, { lastAttempt: job.retryCount >= job.retryLimit });
      },
    );
    await this.recover();
  }

  /**
   * Queues the work a crash (or a lost enqueue) left undone: stamping of pending invoices (one past
   * its window fails and its chat is told), and on recent ones the chat notice of a stamp or refusal
   * never told and the e-mail never sent. Returns how many jobs were queued.
   */
  async recover(): Promise<number> {
    const { sql } = this.deps;
    const rows = await sql`
      select id, untold, unsent from (
        select id, status, issued_at > now() - interval '2 days' as recent,
          (status in ('vigente', 'failed') and chat_notified_at is null and chat_id is not null and channel <> 'api') as untold,
          (status = 'vigente' and email_status = 'pending') as unsent
        from invoices) i
      where status = 'pending' or (recent and (untold or unsent))`;
    let queued = 0;
    for (const row of rows) {
      const id = String(row.id);
      // The stamping job also tells the chat (and queues the e-mail) of an invoice already stamped.
      if (row.unsent && !row.untold) queued += Number(await this.queueEmail(id));
      else queued += Number(await this.queueStamp(id, 0));
    }
    return queued;
  }

  /** Queues stamping of a reserved invoice, unless a job for it already waits. */
  async enqueueStamp(invoiceId: string): Promise<void> {
    await this.queueStamp(invoiceId, 0);
  }

  /** Queues the e-mail of a stamped invoice when it has an address and none was sent (nor waits). */
  async enqueueEmail(invoiceId: string): Promise<void> {
    await this.queueEmail(invoiceId);
  }

  /**
   * One stamping attempt. A transient PAC failure queues the next attempt (doubling gaps, at most an
   * hour apart, the last one at the end of the window); past the window the invoice fails and the
   * chat is told. A stamp or a refusal is told to the chat once.
   */
  async stamp(invoiceId: string): Promise<void> {
    const result = await completeInvoice(this.deps, invoiceId);
    if (result.kind === 'retry_later') return this.retryLater(result);
    if (result.kind === 'rejected') {
      await this.tell(invoiceId, () => this.deps.notices.rejected({ message: result.message }));
      return;
    }
    await this.tell(invoiceId, async () => {
      const record = await loadInvoiceRecord(this.deps.sql, { id: invoiceId });
      if (!record) return [];
      return this.deps.notices.stamped({
        serieFolio: `${record.serie}-${record.folio}`,
        uuid: record.uuid,
        files: await invoiceFiles(record),
      });
    });
    await this.enqueueEmail(invoiceId);
  }

  /** Sends the invoice e-mail once; transient SMTP failures are retried, permanent ones recorded. */
  async email(invoiceId: string, attempt: { lastAttempt?: boolean } = {}): Promise<void> {
    const { sql, secrets } = this.deps;
    const [row] = await sql`
      select i.email_to, i.email_status, i.receptor, i.total::text as total, c.name, c.is_demo,
             s.smtp_url_secret, s.email_from, s.email_reply_to, s.brand_name, s.brand_color
      from invoices i join companies c on c.id = i.company_id join company_settings s on s.company_id = i.company_id
      where i.id = ${invoiceId} and i.uuid is not null`;
    if (row?.email_status !== 'pending' || !row.email_to) return;
    const record = await loadInvoiceRecord(sql, { id: invoiceId });
    if (!record) return;
    const shop = row.brand_name ?? row.name;
    const mail = composeInvoiceMail({
      to: row.email_to,
      from: row.email_from ?? `"${shop.replace(/"/gu, '')}" <facturas@autofactura.local>`,
      replyTo: row.email_reply_to,
      shopName: shop,
      color: row.brand_color,
      serieFolio: `${record.serie}-${record.folio}`,
      uuid: record.uuid,
      total: row.total,
      receptorNombre: (row.receptor as { nombre: string }).nombre,
      sandbox: row.is_demo,
      files: await invoiceFiles(record),
    });
    try {
      const smtpUrl = row.smtp_url_secret ? secrets.openText(row.smtp_url_secret) : null;
      const sent = await this.deps.mail.send(mail, smtpUrl);
      await sql`update invoices set email_status = 'sent', email_error = null, updated_at = now() where id = ${invoiceId}`;
      this.deps.log.info({ invoiceId, via: sent.via, file: sent.file }, 'invoice e-mail sent');
    } catch (err) {
      this.deps.onMailFailed?.();
      const permanent = (err instanceof MailError && err.permanent) || attempt.lastAttempt === true;
      await sql`update invoices set email_error = ${String((err as Error).message).slice(0, 500)},
                email_status = ${permanent ? 'failed' : 'pending'}, updated_at = now() where id = ${invoiceId}`;
      this.deps.log.warn({ err, invoiceId, permanent }, 'invoice e-mail not sent');
      if (!permanent) throw err;
    }
  }

  private async retryLater(result: Extract<Completion, { kind: 'retry_later' }>): Promise<void> {
    const { sql } = this.deps;
    const { invoiceId } = result;
    const [row] = await sql`
      select pac_attempts,
        extract(epoch from issued_at - now())::float8 + ${this.windowHours() * 3600} as left_seconds
      from invoices where id = ${invoiceId} and status = 'pending'`;
    if (!row) return;
    const attempts = Math.max(1, Number(row.pac_attempts));
    const left = Number(row.left_seconds);
    const limit = this.deps.retryLimit;
    if (left <= 0 || (limit !== undefined && attempts > limit)) {
      const [failed] = await sql`
        update invoices set status = 'failed', updated_at = now() where id = ${invoiceId} and status = 'pending' returning id`;
      this.deps.log.warn({ invoiceId, attempts, code: result.code }, 'stamping given up');
      if (failed) await this.tell(invoiceId, () => this.deps.notices.rejected({ message: result.message }));
      return;
    }
    const base = this.deps.retryDelaySeconds ?? 60;
    const gap =
      Math.min(base * 2 ** Math.min(attempts - 1, 20), MAX_RETRY_GAP_SECONDS) * (1 + Math.random() / 5);
    const after = Math.max(1, Math.ceil(Math.min(gap, left)));
    this.deps.log.info({ invoiceId, attempts, code: result.code, after }, 'stamping retry scheduled');
    await this.queueStamp(invoiceId, after);
  }

  private async queueStamp(invoiceId: string, afterSeconds: number): Promise<boolean> {
    if (await hasWaitingJob(this.deps.sql, this.boss, STAMP_QUEUE, invoiceId)) return false;
    const options = afterSeconds > 0 ? { startAfter: afterSeconds } : {};
    return (await this.boss.send(STAMP_QUEUE, { invoiceId }, options)) !== null;
  }

  private async queueEmail(invoiceId: string): Promise<boolean> {
    const [row] = await this.deps
      .sql`select email_to from invoices where id = ${invoiceId} and email_status = 'pending'`;
    if (!row?.email_to) return false;
    if (await hasWaitingJob(this.deps.sql, this.boss, EMAIL_QUEUE, invoiceId)) return false;
    return (await this.boss.send(EMAIL_QUEUE, { invoiceId })) !== null;
  }

  private windowHours(): number {
    return this.deps.stampWindowHours ?? STAMP_WINDOW_HOURS;
  }

  /**
   * Tells the invoice's chat once: the notice is committed to the outbox first, then the invoice is
   * marked as told (a crash in between repeats the notice rather than losing it).
   */
  private async tell(invoiceId: string, replies: () => Reply[] | Promise<Reply[]>): Promise<void> {
    const { sql } = this.deps;
    const [row] = await sql`
      select channel, chat_id from invoices where id = ${invoiceId} and chat_id is not null and chat_notified_at is null`;
    if (!row || row.channel === 'api') return;
    const notice = await replies();
    if (notice.length > 0) await this.deps.notify(row.channel, row.chat_id, notice);
    await sql`update invoices set chat_notified_at = now() where id = ${invoiceId} and chat_notified_at is null`;
  }
}
