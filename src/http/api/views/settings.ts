/** Settings as JSON, and a settings PATCH body as the typed SettingsPatch. */
import type { z } from 'zod';
import type { CompanySettings, SettingsPatch } from '../../../settings/types.ts';
import { formatInTimeZone } from '../../../tickets/time.ts';
import type { settingsPatchSchema, settingsSchema } from '../contract/settings.ts';

export function settingsView(s: CompanySettings): z.output<typeof settingsSchema> {
  const tz = s.issuer.timeZone;
  return {
    self_invoicing_enabled: s.selfInvoicingEnabled,
    series: s.series,
    invoicing_window: s.invoicingWindow,
    issuer: {
      rfc: s.issuer.rfc,
      name: s.issuer.name,
      regimen_fiscal: s.issuer.regimenFiscal,
      lugar_expedicion: s.issuer.lugarExpedicion,
      time_zone: tz,
    },
    pac: {
      driver: s.pac.driver,
      sw: {
        base_url: s.pac.sw.baseUrl,
        user: s.pac.sw.user,
        password_set: s.pac.sw.passwordSet,
        token_set: s.pac.sw.tokenSet,
      },
    },
    email: { smtp_url_set: s.email.smtpUrlSet, from: s.email.from, reply_to: s.email.replyTo },
    branding: { name: s.branding.name, color: s.branding.color, logo: s.branding.logo },
    channels: {
      whatsapp_number: s.channels.whatsappNumber,
      telegram_bot_username: s.channels.telegramBotUsername?.replace(/^@/u, '') ?? null,
    },
    csd: s.csd
      ? {
          no_certificado: s.csd.noCertificado,
          valid_from: formatInTimeZone(s.csd.validFrom, tz),
          valid_to: formatInTimeZone(s.csd.validTo, tz),
        }
      : null,
    updated_at: formatInTimeZone(s.updatedAt, tz),
  };
}

type PatchBody = z.output<typeof settingsPatchSchema>;

/** Drops undefined keys so that "absent" and "unchanged" stay the same thing. */
function defined<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/** The PATCH body (snake_case) as a SettingsPatch; the logo is decoded by the caller. */
export function toSettingsPatch(
  body: PatchBody,
  logo: { data: Buffer; mime: string } | null | undefined,
): SettingsPatch {
  const bot = body.channels?.telegram_bot_username;
  return defined({
    selfInvoicingEnabled: body.self_invoicing_enabled,
    series: body.series,
    invoicingWindow: body.invoicing_window,
    issuer: body.issuer
      ? defined({
          name: body.issuer.name,
          regimenFiscal: body.issuer.regimen_fiscal,
          lugarExpedicion: body.issuer.lugar_expedicion,
          timeZone: body.issuer.time_zone,
        })
      : undefined,
    pac: body.pac
      ? defined({
          driver: body.pac.driver,
          sw: body.pac.sw
            ? defined({
                baseUrl: body.pac.sw.base_url,
                user: body.pac.sw.user,
                password: body.pac.sw.password,
                token: body.pac.sw.token,
              })
            : undefined,
        })
      : undefined,
    email: body.email
      ? defined({ smtpUrl: body.email.smtp_url, from: body.email.from, replyTo: body.email.reply_to })
      : undefined,
    branding: body.branding
      ? defined({ name: body.branding.name, color: body.branding.color, logo })
      : undefined,
    channels: body.channels
      ? defined({
          whatsappNumber: body.channels.whatsapp_number,
          telegramBotUsername: typeof bot === 'string' ? bot.replace(/^@/u, '') : bot,
        })
      : undefined,
  });
}
