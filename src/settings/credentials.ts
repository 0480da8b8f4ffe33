/**
 * Decrypted company credentials for the parts that use them: the PAC driver and the mailer.
 * Nothing here is ever sent back over the API.
 */
import type { Queryable } from '../db/database.ts';
import type { SecretBox } from '../secrets.ts';
import type { PacSecret } from './types.ts';

export type PacCredentials =
  | { driver: 'sandbox' }
  | { driver: 'sw'; baseUrl: string; user: string | null; password: string | null; token: string | null };

/** The PAC driver chosen by the company and, for SW, its decrypted credentials. */
export async function loadPacCredentials(
  sql: Queryable,
  box: SecretBox,
  companyId: string,
): Promise<PacCredentials> {
  const [row] = await sql`
    select pac_driver, pac_config, pac_secret from company_settings where company_id = ${companyId}`;
  if (!row) throw new Error(`No settings for company ${companyId}`);
  if (row.pac_driver !== 'sw') return { driver: 'sandbox' };
  const config = (row.pac_config ?? {}) as { base_url?: string; user?: string };
  const secret: PacSecret = row.pac_secret ? JSON.parse(box.openText(row.pac_secret)) : {};
  return {
    driver: 'sw',
    baseUrl: config.base_url ?? '',
    user: config.user ?? null,
    password: secret.password ?? null,
    token: secret.token ?? null,
  };
}

/** The company's own SMTP URL (with its password), or null to use the deployment's SMTP_URL. */
export async function loadSmtpUrl(sql: Queryable, box: SecretBox, companyId: string): Promise<string | null> {
  const [row] = await sql`select smtp_url_secret from company_settings where company_id = ${companyId}`;
  return row?.smtp_url_secret ? box.openText(row.smtp_url_secret) : null;
}

/** The company's logo for the PDF and the web chat, or null. */
export async function loadBrandLogo(
  sql: Queryable,
  companyId: string,
): Promise<{ data: Buffer; mime: string } | null> {
  const [row] =
    await sql`select brand_logo, brand_logo_mime from company_settings where company_id = ${companyId}`;
  return row?.brand_logo ? { data: row.brand_logo, mime: row.brand_logo_mime } : null;
}
