/**
 * Web chat file links: a random token per invoice file, valid until one month after the invoice
 * was issued and for at most three downloads (counted in the database, per link and on the invoice).
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../src/db/database.ts';

export const DOWNLOAD_LIMIT = 3;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/u;

/** Creates a link token for an invoice file; null when the invoice is unknown. */
export async function linkToken(
  sql: Queryable,
  invoiceUuid: string,
  kind: 'pdf' | 'xml',
): Promise<string | null> {
  const token = randomBytes(18).toString('base64url');
  const rows = await sql`
    insert into download_tokens (token, invoice_id, kind, expires_at)
    select ${token}, id, ${kind}, issued_at + interval '1 month' from invoices where uuid = ${invoiceUuid.toLowerCase()}
    returning 1`;
  return rows.length > 0 ? token : null;
}

export type LinkRefusal = 'unknown' | 'expired' | 'limit';

export type Download =
  | { ok: true; xml: string; invoiceId: string; kind: 'pdf' | 'xml' }
  | { ok: false; reason: LinkRefusal };

/**
 * Whether a link still works, without counting a download. The month runs from the invoice's
 * issue (whichever of the link's own expiry and that is earlier).
 */
export async function checkLink(
  sql: Queryable,
  token: string,
  now = new Date(),
): Promise<LinkRefusal | null> {
  if (!TOKEN_PATTERN.test(token)) return 'unknown';
  const [row] = await sql`
    select d.downloads, least(d.expires_at, i.issued_at + interval '1 month') as deadline
    from download_tokens d join invoices i on i.id = d.invoice_id where d.token = ${token}`;
  if (!row) return 'unknown';
  if (new Date(row.deadline).getTime() <= now.getTime()) return 'expired';
  if (row.downloads >= DOWNLOAD_LIMIT) return 'limit';
  return null;
}

/** Counts one download of a link, atomically; refuses unknown and expired links and the fourth download. */
export async function takeDownload(sql: Queryable, token: string, now = new Date()): Promise<Download> {
  const refused = await checkLink(sql, token, now);
  if (refused) return { ok: false, reason: refused };
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
