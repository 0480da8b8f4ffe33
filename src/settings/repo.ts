/**
 * Reads and writes a company's settings: the companies row (issuer data) and company_settings.
 * Secrets are sealed with the SecretBox before they reach SQL and never read back here.
 */
import type { Queryable, Sql } from '../db/database.ts';
import type { SecretBox } from '../secrets.ts';
import type { FieldProblem } from '../tickets/problems.ts';
import { checkSettingsPatch } from './patch-rules.ts';
import type { CompanySettings, PacSecret, SettingsPatch } from './types.ts';

/** The company's settings, or null when there is no such company. */
export async function loadSettings(sql: Queryable, companyId: string): Promise<CompanySettings | null> {
  const [row] = await sql`
    select c.rfc, c.name, c.regimen_fiscal, c.lugar_expedicion, c.time_zone,
           s.*, length(s.brand_logo) as logo_size,
           (s.pac_secret is not null) as pac_secret_set,
           (s.smtp_url_secret is not null) as smtp_url_set,
           k.no_certificado, k.valid_from, k.valid_to
    from companies c
    join company_settings s on s.company_id = c.id
    left join csd_credentials k on k.company_id = c.id and k.active
    where c.id = ${companyId}`;
  if (!row) return null;
  const pac = (row.pac_config ?? {}) as {
    base_url?: string;
    user?: string;
    password_set?: boolean;
    token_set?: boolean;
  };
  return {
    companyId: String(row.company_id),
    selfInvoicingEnabled: row.self_invoicing_enabled,
    series: row.series,
    invoicingWindow: row.invoicing_window,
    issuer: {
      rfc: row.rfc,
      name: row.name,
      regimenFiscal: row.regimen_fiscal,
      lugarExpedicion: row.lugar_expedicion,
      timeZone: row.time_zone,
    },
    pac: {
      driver: row.pac_driver,
      sw: {
        baseUrl: pac.base_url ?? null,
        user: pac.user ?? null,
        passwordSet: row.pac_secret_set && pac.password_set === true,
        tokenSet: row.pac_secret_set && pac.token_set === true,
      },
    },
    email: { smtpUrlSet: row.smtp_url_set, from: row.email_from, replyTo: row.email_reply_to },
    branding: {
      name: row.brand_name,
      color: row.brand_color,
      logo: row.brand_logo_mime ? { mime: row.brand_logo_mime, size: Number(row.logo_size) } : null,
    },
    channels: { whatsappNumber: row.whatsapp_number, telegramBotUsername: row.telegram_bot_username },
    csd: row.no_certificado
      ? { noCertificado: row.no_certificado, validFrom: row.valid_from, validTo: row.valid_to }
      : null,
    updatedAt: row.updated_at,
  };
}

export type UpdateSettingsResult =
  | { ok: true; settings: CompanySettings; changed: string[] }
  | { ok: false; problems: FieldProblem[] };

/**
 * Applies a partial update in one transaction after checking it against the current settings
 * (catalogs, persona of the RFC, complete PAC credentials). `changed` lists the fields written,
 * secrets by name only.
 */
export async function updateSettings(
  sql: Sql,
  box: SecretBox,
  companyId: string,
  patch: SettingsPatch,
): Promise<UpdateSettingsResult> {
  return sql.begin(async (tx) => {
    await tx`select 1 from company_settings where company_id = ${companyId} for update`;
    const current = await loadSettings(tx, companyId);
    if (!current) throw new Error(`No company ${companyId}`);
    const problems = checkSettingsPatch(current, patch);
    if (problems.length > 0) return { ok: false, problems } as const;

    const changed: string[] = [];
    const company: Record<string, unknown> = {};
    const settings: Record<string, unknown> = {};
    const set = (target: Record<string, unknown>, column: string, value: unknown, field: string) => {
      if (value === undefined) return;
      target[column] = value;
      changed.push(field);
    };
    set(company, 'name', patch.issuer?.name?.trim(), 'issuer.name');
    set(company, 'regimen_fiscal', patch.issuer?.regimenFiscal, 'issuer.regimen_fiscal');
    set(company, 'lugar_expedicion', patch.issuer?.lugarExpedicion, 'issuer.lugar_expedicion');
    set(company, 'time_zone', patch.issuer?.timeZone, 'issuer.time_zone');
    set(settings, 'self_invoicing_enabled', patch.selfInvoicingEnabled, 'self_invoicing_enabled');
    set(settings, 'series', patch.series, 'series');
    set(settings, 'invoicing_window', patch.invoicingWindow, 'invoicing_window');
    set(settings, 'pac_driver', patch.pac?.driver, 'pac.driver');
    set(settings, 'email_from', patch.email?.from, 'email.from');
    set(settings, 'email_reply_to', patch.email?.replyTo, 'email.reply_to');
    set(settings, 'brand_name', patch.branding?.name, 'branding.name');
    set(settings, 'brand_color', patch.branding?.color, 'branding.color');
    set(settings, 'whatsapp_number', patch.channels?.whatsappNumber, 'channels.whatsapp_number');
    set(
      settings,
      'telegram_bot_username',
      patch.channels?.telegramBotUsername,
      'channels.telegram_bot_username',
    );
    if (patch.email?.smtpUrl !== undefined) {
      set(
        settings,
        'smtp_url_secret',
        patch.email.smtpUrl === null ? null : box.seal(patch.email.smtpUrl),
        'email.smtp_url',
      );
    }
    if (patch.branding?.logo !== undefined) {
      const logo = patch.branding.logo;
      settings.brand_logo = logo?.data ?? null;
      settings.brand_logo_mime = logo?.mime ?? null;
      changed.push('branding.logo');
    }
    const sw = patch.pac?.sw;
    if (sw) {
      const secret = await currentPacSecret(tx, box, companyId);
      const config: Record<string, unknown> = {};
      if (sw.baseUrl !== undefined) changed.push('pac.sw.base_url');
      if (sw.user !== undefined) changed.push('pac.sw.user');
      if (sw.password !== undefined) {
        secret.password = sw.password ?? undefined;
        changed.push('pac.sw.password');
      }
      if (sw.token !== undefined) {
        secret.token = sw.token ?? undefined;
        changed.push('pac.sw.token');
      }
      config.base_url = sw.baseUrl === undefined ? current.pac.sw.baseUrl : sw.baseUrl;
      config.user = sw.user === undefined ? current.pac.sw.user : sw.user;
      config.password_set = secret.password !== undefined;
      config.token_set = secret.token !== undefined;
      settings.pac_config = tx.json(config as never);
      settings.pac_secret = config.password_set || config.token_set ? box.seal(JSON.stringify(secret)) : null;
    }

    if (Object.keys(company).length > 0) {
      await tx`update companies set ${tx(company)}, updated_at = now() where id = ${companyId}`;
    }
    if (Object.keys(settings).length > 0) {
      await tx`update company_settings set ${tx(settings)}, updated_at = now() where company_id = ${companyId}`;
    }
    const settingsNow = await loadSettings(tx, companyId);
    return { ok: true, settings: settingsNow!, changed } as const;
  });
}

async function currentPacSecret(sql: Queryable, box: SecretBox, companyId: string): Promise<PacSecret> {
  const [row] = await sql`select pac_secret from company_settings where company_id = ${companyId}`;
  if (!row?.pac_secret) return {};
  return JSON.parse(box.openText(row.pac_secret)) as PacSecret;
}
