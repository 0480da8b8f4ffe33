/**
 * A company's settings as the rest of the system reads them. Secrets (PAC password or token, SMTP
 * URL) appear only as "is set" flags; src/settings/credentials.ts decrypts them for the code that
 * needs them (PAC driver, mailer).
 */
import type { InvoicingWindow } from '../tickets/deadline.ts';

export type PacDriver = 'sandbox' | 'sw';
export const PAC_DRIVERS = ['sandbox', 'sw'] as const;

export interface CompanySettings {
  companyId: string;
  selfInvoicingEnabled: boolean;
  /** Serie of the CFDI folios. */
  series: string;
  invoicingWindow: InvoicingWindow;
  issuer: {
    /** Fixed: the company is its RFC. */
    rfc: string;
    name: string;
    regimenFiscal: string;
    /** c_CodigoPostal of LugarExpedicion. */
    lugarExpedicion: string;
    timeZone: string;
  };
  pac: {
    driver: PacDriver;
    sw: { baseUrl: string | null; user: string | null; passwordSet: boolean; tokenSet: boolean };
  };
  email: { smtpUrlSet: boolean; from: string | null; replyTo: string | null };
  branding: {
    name: string | null;
    /** #RRGGBB */
    color: string | null;
    logo: { mime: string; size: number } | null;
  };
  channels: { whatsappNumber: string | null; telegramBotUsername: string | null };
  csd: { noCertificado: string; validFrom: Date; validTo: Date } | null;
  updatedAt: Date;
}

/** A partial update. `null` clears an optional value; absent keys stay as they are. */
export interface SettingsPatch {
  selfInvoicingEnabled?: boolean;
  series?: string;
  invoicingWindow?: InvoicingWindow;
  issuer?: { name?: string; regimenFiscal?: string; lugarExpedicion?: string; timeZone?: string };
  pac?: {
    driver?: PacDriver;
    sw?: { baseUrl?: string | null; user?: string | null; password?: string | null; token?: string | null };
  };
  email?: { smtpUrl?: string | null; from?: string | null; replyTo?: string | null };
  branding?: { name?: string | null; color?: string | null; logo?: { data: Buffer; mime: string } | null };
  channels?: { whatsappNumber?: string | null; telegramBotUsername?: string | null };
}

/** The PAC secrets, encrypted together as JSON in company_settings.pac_secret. */
export interface PacSecret {
  password?: string;
  token?: string;
}
