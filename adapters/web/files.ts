/**
 * Web chat file links: a random token per invoice file, valid until one month after issue and
 * for at most three downloads (counted in the database, per link and on the invoice).
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../src/db/database.ts';

export const DOWNLOAD_LIMIT = 3;

/** Creates (or reuses) the link token of an invoice file. */
export async function linkToken(
  sql: Queryable,
  invoiceUuid: string,
  kind: 'pdf' | 'xml',
): Promise<string | null> {
  const [invoice] = await sql`select id, issued_at from invoices where uuid = ${invoiceUuid.toLowerCase()}`;
  if (!invoice) return null;
  const token = randomBytes(18).toString('base64url');
  const expires = new Date(invoice.issued_at);
  expires.setUTCMonth(expires.getUTCMonth() + 1);
  await sql`insert into download_tokens (token, invoice_id, kind, expires_at) values (${token}, ${invoice.id}, ${kind}, ${expires})`;
  return token;
}

export type Download =
  | { ok: true; xml: string; invoiceId: string; kind: 'pdf' | 'xml' }
  | { ok: false; reason: 'unknown' | 'expired' | 'limit' };

/** Counts one download of a link, atomically; refuses expired links and the fourth download. */
export async function takeDownload(sql: Queryable, token: string, now = new Date()): Promise<Download> {
  const [row] = await sql`select d.expires_at, d.downloads from download_tokens d where d.token = ${token}`;
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  const [taken] = await sql`
    update download_tokens set downloads = downloads + 1 where token = ${token} and downloads < ${DOWNLOAD_LIMIT}
    returning invoice_id, kind`;
  if (!taken) return { ok: false, reason: 'limit' };
  const [invoice] = await sql`
    update invoices set download_count = download_count + 1 where id = ${taken.invoice_id} returning xml`;
  return { ok: true, xml: invoice!.xml, invoiceId: String(taken.invoice_id), kind: taken.kind };
}

/** Deletes links past their expiry (run by a scheduled job). */
export async function purgeExpiredLinks(sql: Queryable, now = new Date()): Promise<number> {
  const rows = await sql`delete from download_tokens where expires_at <= ${now} returning 1`;
  return rows.length;
}
