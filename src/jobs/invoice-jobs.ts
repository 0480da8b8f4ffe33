/**
 * Durable work on invoices, run by pg-boss: stamping with exponential back-off on transient PAC
 * errors for up to 24 hours, and e-mail sending. Every handler is idempotent: a job that was running
 * when the process died runs again after restart and finds the work done or resumes it.
 */
import type { Channel, Reply, ReplyFile } from '../conversation/types.ts';
import type { Sql } from '../db/database.ts';
import { composeInvoiceMail } from '../email/compose.ts';
import { MailError, type MailSender } from '../email/transport.ts';
import { type CompleteDeps, completeInvoice } from '../invoices/complete.ts';
import { invoiceFiles, loadInvoiceRecord } from '../invoices/files.ts';
import type { Logger } from '../log.ts';
import type { SecretBox } from '../secrets.ts';
import type { PgBoss } from './boss.ts';

export const STAMP_QUEUE = 'stamp-invoice';
export const EMAIL_QUEUE = 'send-invoice-email';

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
  notify(channel: Channel, chatId: string, replies: Reply[]): Promise<void>;
  notices: DeliveryNotices;
  /** Back-off: first retry after `retryDelaySeconds`, doubling; `retryLimit` retries span ~24 h by default. */
  retryDelaySeconds?: number;
  retryLimit?: number;
  onStamped?: (invoiceId: string, ms: number) => void;
  onMailFailed?: () => void;
}

export class InvoiceJobs {
  constructor(
    private readonly boss: PgBoss,
    private readonly deps: InvoiceJobsDeps,
  ) {}

  async start(): Promise<void> {
    const delay = this.deps.retryDelaySeconds ?? 60;
    await this.boss.createQueue(STAMP_QUEUE, {
      name: STAMP_QUEUE,
      retryLimit: this.deps.retryLimit ?? 10,
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
    await this.boss.work<{ invoiceId: string }>(
      STAMP_QUEUE,
      { pollingIntervalSeconds: 0.5 },
      async ([job]) => {
        if (job) await this.stamp(job.data.invoiceId, job.id);
      },
    );
    await this.boss.work<{ invoiceId: string }>(
      EMAIL_QUEUE,
      { pollingIntervalSeconds: 0.5 },
      async ([job]) => {
        if (job) await this.email(job.data.invoiceId);
      },
    );
  }

  /** Queues stamping of a reserved invoice (one job per invoice). */
  async enqueueStamp(invoiceId: string): Promise<void> {
    await this.boss.send(STAMP_QUEUE, { invoiceId }, { singletonKey: `stamp:${invoiceId}` });
  }

  /** Queues the e-mail of a stamped invoice when it has an address (one job per invoice). */
  async enqueueEmail(invoiceId: string): Promise<void> {
    const [row] = await this.deps
      .sql`select email_to from invoices where id = ${invoiceId} and email_status = 'pending'`;
    if (row?.email_to)
      await this.boss.send(EMAIL_QUEUE, { invoiceId }, { singletonKey: `email:${invoiceId}` });
  }

  /** One stamping attempt; throws to let pg-boss retry a transient failure with back-off. */
  async stamp(invoiceId: string, jobId?: string): Promise<void> {
    const started = Date.now();
    const result = await completeInvoice(this.deps, invoiceId);
    if (result.kind === 'retry_later') {
      const exhausted = await this.isLastAttempt(jobId);
      if (!exhausted) throw new Error(`PAC unavailable (${result.code}): ${result.message}`);
      await this.deps.sql`
        update invoices set status = 'failed', updated_at = now() where id = ${invoiceId} and status = 'pending'`;
      await this.tell(invoiceId, this.deps.notices.rejected({ message: result.message }));
      return;
    }
    if (result.kind === 'rejected') {
      await this.tell(invoiceId, this.deps.notices.rejected({ message: result.message }));
      return;
    }
    this.deps.onStamped?.(invoiceId, Date.now() - started);
    const [row] = await this.deps.sql`select chat_notified_at from invoices where id = ${invoiceId}`;
    if (!row?.chat_notified_at) {
      const record = await loadInvoiceRecord(this.deps.sql, { id: invoiceId });
      if (record) {
        const files = await invoiceFiles(record);
        await this.tell(
          invoiceId,
          this.deps.notices.stamped({
            serieFolio: `${record.serie}-${record.folio}`,
            uuid: record.uuid,
            files,
          }),
        );
      }
    }
    await this.enqueueEmail(invoiceId);
  }

  /** Sends the invoice e-mail once; transient SMTP failures are retried, permanent ones recorded. */
  async email(invoiceId: string): Promise<void> {
    const { sql, secrets } = this.deps;
    const [row] = await sql`
      select i.email_to, i.email_status, i.receptor, i.total::text as total, c.name, c.is_demo,
             s.smtp_url_secret, s.email_from, s.email_reply_to, s.brand_name, s.brand_color
      from invoices i join companies c on c.id = i.company_id join company_settings s on s.company_id = i.company_id
      where i.id = ${invoiceId} and i.uuid is not null`;
    if (!row || row.email_status !== 'pending' || !row.email_to) return;
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
      const permanent = err instanceof MailError && err.permanent;
      await sql`update invoices set email_error = ${String((err as Error).message).slice(0, 500)},
                email_status = ${permanent ? 'failed' : 'pending'}, updated_at = now() where id = ${invoiceId}`;
      if (!permanent) throw err;
    }
  }

  private async isLastAttempt(jobId: string | undefined): Promise<boolean> {
    if (!jobId) return false;
    const job = await this.boss.getJobById(STAMP_QUEUE, jobId);
    return job ? job.retryCount >= job.retryLimit : false;
  }

  private async tell(invoiceId: string, replies: Reply[]): Promise<void> {
    const [row] = await this.deps.sql`
      update invoices set chat_notified_at = now() where id = ${invoiceId} and chat_id is not null and chat_notified_at is null
      returning channel, chat_id`;
    if (!row || row.channel === 'api') return;
    await this.deps.notify(row.channel, row.chat_id, replies);
  }
}
