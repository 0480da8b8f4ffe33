/**
 * Sending mail: nodemailer over SMTP (the company's own SMTP URL, else SMTP_URL); with none
 * configured each message is written as an `.eml` file under DATA_DIR/outbox.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { InvoiceMail } from './compose.ts';

export interface MailSender {
  /** Sends one message; throws on failure (with `permanent: true` for 5xx SMTP answers). */
  send(
    mail: InvoiceMail,
    smtpUrl: string | null,
  ): Promise<{ via: 'smtp' | 'file'; id: string; file?: string }>;
}

export class MailError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export function createMailSender(options: {
  dataDir: string;
  defaultSmtpUrl?: string | undefined;
  timeoutMs?: number;
}): MailSender {
  const transports = new Map<string, Transporter>();
  const outbox = path.join(options.dataDir, 'outbox');
  const fileTransport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  function smtp(url: string): Transporter {
    let t = transports.get(url);
    if (!t) {
      const timeout = options.timeoutMs ?? 20_000;
      t = nodemailer.createTransport(url, {
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      } as never);
      transports.set(url, t);
    }
    return t;
  }

  return {
    async send(mail, smtpUrl) {
      const url = smtpUrl ?? options.defaultSmtpUrl ?? null;
      if (!url) {
        const info = await fileTransport.sendMail(mail);
        mkdirSync(outbox, { recursive: true });
        const id = String(info.messageId).replace(/[^A-Za-z0-9@._-]/gu, '');
        const file = path.join(outbox, `${new Date().toISOString().replace(/[:.]/gu, '-')}_${id}.eml`);
        writeFileSync(file, info.message as Buffer);
        return { via: 'file', id, file };
      }
      try {
        const info = await smtp(url).sendMail(mail);
        return { via: 'smtp', id: String(info.messageId) };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        throw new MailError(
          String((err as Error).message),
          typeof code === 'number' && code >= 500 && code < 600,
        );
      }
    },
  };
}

/** One line for the operator at start: where invoice e-mails go for companies without their own SMTP. */
export function mailDeliveryNote(options: { dataDir: string; defaultSmtpUrl?: string | undefined }): string {
  if (options.defaultSmtpUrl) {
    const host = URL.canParse(options.defaultSmtpUrl) ? new URL(options.defaultSmtpUrl).host : 'SMTP_URL';
    return `E-mail: invoices are sent through ${host} (SMTP_URL) unless a company sets its own SMTP.`;
  }
  return `E-mail: no SMTP_URL set, so invoice e-mails of companies without their own SMTP are written as .eml files in ${path.join(options.dataDir, 'outbox')}.`;
}
