/**
 * The environment, read once and checked with zod. A bad value stops start-up with a message that
 * names the variable and what it expects. Every variable has one line in `.env.example`.
 */
import path from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional());

const schema = z.object({
  PORT: z.coerce
    .number({ error: 'expected a TCP port number, 0-65535' })
    .int()
    .min(0)
    .max(65535)
    .default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalUrl.optional(),
  PUBLIC_URL: optionalUrl.optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  MASTER_KEY: z
    .string()
    .trim()
    .regex(
      /^[0-9a-fA-F]{64}$/u,
      'expected 64 hexadecimal characters (32 bytes), e.g. from `openssl rand -hex 32`',
    )
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DEMO: z
    .enum(['auto', 'on', 'off'])
    .default('auto')
    .describe('auto: create the demo company on an empty database'),
  SMTP_URL: optionalUrl.optional(),
  TELEGRAM_BOT_TOKEN: z.string().trim().optional(),
  TELEGRAM_WEBHOOK_URL: optionalUrl.optional(),
  TELEGRAM_API_ROOT: optionalUrl.optional(),
  WHATSAPP_ENABLED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  WHATSAPP_PAIRING_NUMBER: z
    .string()
    .trim()
    .regex(
      /^[0-9]{10,15}$/u,
      'expected the phone number in international format, digits only, e.g. 5215512345678',
    )
    .optional(),
  OPERATOR_KEY: z
    .string()
    .trim()
    .min(24, 'expected at least 24 characters, e.g. from `openssl rand -hex 24`')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  TRUST_PROXY: z
    .string()
    .trim()
    .default('loopback')
    .transform((v, ctx) => {
      if (v === 'true') return true;
      if (v === 'false' || v === '') return false;
      if (/^\d{1,2}$/u.test(v)) return Number(v);
      const parts = v.split(',').map((p) => p.trim());
      if (parts.every((p) => /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/u.test(p)))
        return parts.join(', ');
      ctx.addIssue({
        code: 'custom',
        message:
          'expected true, false, a number of proxy hops, or a comma list of addresses/subnets (loopback, 10.0.0.0/8, ...)',
      });
      return z.NEVER;
    }),
  OCR_WORKERS: z.coerce.number().int().min(0).max(8).default(1),
  SCAN_QUEUE_DEPTH: z.coerce
    .number({ error: 'expected a whole number, 0-100' })
    .int()
    .min(0)
    .max(100)
    .default(4),
  SCAN_TIME_LIMIT_MS: z.coerce
    .number({ error: 'expected milliseconds, 1000-120000' })
    .int()
    .min(1000)
    .max(120_000)
    .default(8000),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  logLevel: (typeof LOG_LEVELS)[number];
  masterKey: Buffer | undefined;
  demo: 'auto' | 'on' | 'off';
  smtpUrl: string | undefined;
  telegram: { token: string | undefined; webhookUrl: string | undefined; apiRoot: string | undefined };
  /** Installation-wide secret for the operator's pages (/admin/whatsapp); see .env.example. */
  operatorKey: string | undefined;
  /** Express 'trust proxy': which hops' X-Forwarded-For/-Proto to believe (client IP, https). */
  trustProxy: boolean | number | string;
  whatsapp: { enabled: boolean; pairingNumber: string | undefined };
  ocrWorkers: number;
  /** Ticket photos: how many may wait for a busy reader, and the time allowed per photo. */
  scan: { queueDepth: number; timeLimitMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${String(issue.path[0] ?? '?')}: ${issue.message}`),
    );
  }
  const e = result.data;
  const port = e.PORT;
  return {
    port,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/u, ''),
    logLevel: e.LOG_LEVEL,
    masterKey: e.MASTER_KEY ? Buffer.from(e.MASTER_KEY, 'hex') : undefined,
    demo: e.DEMO,
    smtpUrl: e.SMTP_URL,
    telegram: {
      token: e.TELEGRAM_BOT_TOKEN || undefined,
      webhookUrl: e.TELEGRAM_WEBHOOK_URL,
      apiRoot: e.TELEGRAM_API_ROOT,
    },
    operatorKey: e.OPERATOR_KEY,
    trustProxy: e.TRUST_PROXY,
    whatsapp: { enabled: e.WHATSAPP_ENABLED, pairingNumber: e.WHATSAPP_PAIRING_NUMBER },
    ocrWorkers: e.OCR_WORKERS,
    scan: { queueDepth: e.SCAN_QUEUE_DEPTH, timeLimitMs: e.SCAN_TIME_LIMIT_MS },
  };
}
