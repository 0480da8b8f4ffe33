/**
 * Company settings: self-invoicing switch, serie, invoicing window, issuer data, PAC, e-mail,
 * branding, chat channel links, and the CSD upload. Secrets are write-only: answers only say
 * whether they are set.
 */
import { z } from 'zod';
import { PAC_DRIVERS } from '../../../settings/types.ts';
import { INVOICING_WINDOWS } from '../../../tickets/deadline.ts';
import { endpoint } from '../endpoint.ts';
import { badRequest, commonErrors, errorSchema, requestSchema, responseSchema } from '../schemas.ts';

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/u;
const mailbox = z
  .string()
  .trim()
  .max(320)
  .refine((v) => EMAIL.test(v) || /^[^<>]{1,100}<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>$/u.test(v), {
    message: 'expected an e-mail address, optionally as "Name <address>"',
  });

export const csdInfoSchema = responseSchema(
  'CsdInfo',
  z.object({
    no_certificado: z.string(),
    valid_from: z.string(),
    valid_to: z.string(),
  }),
);

export const settingsSchema = responseSchema(
  'Settings',
  z.object({
    self_invoicing_enabled: z.boolean(),
    series: z.string(),
    invoicing_window: z.enum(INVOICING_WINDOWS),
    issuer: z.object({
      rfc: z.string().describe('Fixed'),
      name: z.string(),
      regimen_fiscal: z.string(),
      lugar_expedicion: z.string().describe('Postal code (c_CodigoPostal)'),
      time_zone: z.string(),
    }),
    pac: z.object({
      driver: z.enum(PAC_DRIVERS),
      sw: z.object({
        base_url: z.string().nullable(),
        user: z.string().nullable(),
        password_set: z.boolean(),
        token_set: z.boolean(),
      }),
    }),
    email: z.object({
      smtp_url_set: z.boolean(),
      from: z.string().nullable(),
      reply_to: z.string().nullable(),
    }),
    branding: z.object({
      name: z.string().nullable(),
      color: z.string().nullable(),
      logo: z.object({ mime: z.string(), size: z.number().int() }).nullable(),
    }),
    channels: z.object({
      whatsapp_number: z.string().nullable(),
      telegram_bot_username: z.string().nullable(),
    }),
    csd: csdInfoSchema.nullable(),
    updated_at: z.string(),
  }),
);

const optionalNullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

export const settingsPatchSchema = requestSchema(
  'SettingsPatch',
  z.strictObject({
    self_invoicing_enabled: z.boolean().optional(),
    series: z
      .string()
      .regex(/^[A-Za-z0-9]{1,25}$/u, 'expected 1-25 letters or digits')
      .optional(),
    invoicing_window: z
      .enum(INVOICING_WINDOWS)
      .optional()
      .describe('week=7 days, fortnight=15 days, month, end_of_month'),
    issuer: z
      .strictObject({
        rfc: z.never({ error: 'the RFC is fixed: a different RFC is a different company' }).optional(),
        name: z.string().trim().min(1, 'required').max(254).optional(),
        regimen_fiscal: z
          .string()
          .regex(/^\d{3}$/u, 'expected a c_RegimenFiscal key, e.g. 601')
          .optional(),
        lugar_expedicion: z
          .string()
          .regex(/^\d{5}$/u, 'expected a 5-digit postal code')
          .optional(),
        time_zone: z.string().min(1).max(64).optional().describe('IANA, e.g. America/Mexico_City'),
      })
      .optional(),
    pac: z
      .strictObject({
        driver: z.enum(PAC_DRIVERS).optional(),
        sw: z
          .strictObject({
            base_url: optionalNullable(z.url({ protocol: /^https?$/u, error: 'expected an http(s) URL' })),
            user: optionalNullable(z.string().min(1).max(200)),
            password: optionalNullable(z.string().min(1).max(500)).describe('Write-only'),
            token: optionalNullable(z.string().min(1).max(8000)).describe('Write-only'),
          })
          .optional(),
      })
      .optional(),
    email: z
      .strictObject({
        smtp_url: optionalNullable(
          z.url({ protocol: /^smtps?$/u, error: 'expected smtp:// or smtps:// URL' }).max(2000),
        ).describe('Write-only: it contains the password'),
        from: optionalNullable(mailbox),
        reply_to: optionalNullable(mailbox),
      })
      .optional(),
    branding: z
      .strictObject({
        name: optionalNullable(z.string().trim().min(1).max(100)),
        color: optionalNullable(z.string().regex(/^#[0-9A-Fa-f]{6}$/u, 'expected #RRGGBB')),
        logo: optionalNullable(z.string().max(400_000)).describe('Base64 PNG or JPEG, at most 256 KB'),
      })
      .optional(),
    channels: z
      .strictObject({
        whatsapp_number: optionalNullable(
          z.string().regex(/^\d{10,15}$/u, 'expected the number in international format, digits only'),
        ),
        telegram_bot_username: optionalNullable(
          z
            .string()
            .regex(/^@?[A-Za-z][A-Za-z0-9_]{1,29}bot$/iu, 'expected a Telegram bot username (ends in "bot")'),
        ),
      })
      .optional(),
  }),
);

/** The text fields of the multipart CSD upload (the files are `cer` and `key`). */
export const csdFormSchema = z.strictObject({
  password: z.string().min(1, 'required').max(200).describe('Password of the .key file'),
});

export const getSettings = endpoint({
  id: 'getSettings',
  method: 'get',
  path: '/settings',
  tag: 'Settings',
  summary: 'The company’s settings (secrets only as *_set flags)',
  roles: ['admin'],
  responses: { 200: { description: 'Settings', schema: settingsSchema }, ...commonErrors },
});

export const patchSettings = endpoint({
  id: 'patchSettings',
  method: 'patch',
  path: '/settings',
  tag: 'Settings',
  summary: 'Change some settings',
  description: 'Absent fields keep their value; null clears an optional one. Secrets are write-only.',
  roles: ['admin'],
  body: settingsPatchSchema,
  responses: {
    200: { description: 'The settings now', schema: settingsSchema },
    ...badRequest,
    ...commonErrors,
  },
});

export const uploadCsd = endpoint({
  id: 'uploadCsd',
  method: 'put',
  path: '/settings/csd',
  tag: 'Settings',
  summary: 'Upload the CSD (.cer, .key and password; multipart/form-data)',
  description:
    'Refused (400, naming the field) when the files are unreadable, the password is wrong, the key is not ' +
    'the certificate’s, the certificate is a FIEL, has expired, or belongs to another RFC.',
  roles: ['admin'],
  body: csdFormSchema,
  files: ['cer', 'key'],
  responses: {
    200: { description: 'Stored (encrypted); replaces the previous CSD', schema: csdInfoSchema },
    ...badRequest,
    413: { description: 'A file is too large', schema: errorSchema },
    ...commonErrors,
  },
});
