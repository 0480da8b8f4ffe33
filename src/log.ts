/**
 * pino logger: JSON lines, readable (pino-pretty) on a terminal. RFCs, e-mail addresses and phone
 * numbers are masked wherever they appear in a log line.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

const RFC = /\b([A-ZÑ&]{3,4})(\d{6})([A-Z0-9]{3})\b/gu;
const EMAIL = /\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b/gu;
const PHONE = /(?<![\w-])(\+?\d[\d ]{8,14}\d)(?![\w-])/gu;

/** Masks personal data in a string: EKU9003173C9 -> EKU******3C9, ana@x.mx -> a***@x.mx. */
export function maskPersonalData(text: string): string {
  return text
    .replace(RFC, (_m, head: string, _date: string, tail: string) => `${head}******${tail}`)
    .replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`)
    .replace(PHONE, (m: string) => `${'*'.repeat(Math.max(0, m.length - 4))}${m.slice(-4)}`);
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}

export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  return pino({
    level: options.level ?? 'info',
    base: undefined,
    formatters: { log: (obj) => maskDeep(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskPersonalData(a) : a));
        method.apply(this, masked as Parameters<typeof method>);
      },
    },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } }
      : {}),
  });
}
