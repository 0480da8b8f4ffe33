/**
 * Parsers for what a customer types in the invoicing chat: purchase dates and ticket totals the way
 * people in Mexico write them, e-mail addresses and the name as it appears in the Constancia de
 * Situación Fiscal. Pure functions: no clock (the caller passes "today"), no I/O, linear time.
 */
import { Decimal } from 'decimal.js';

/** Time zone the purchase dates ("hoy", "ayer") are read in. */
export const MEXICO_TIME_ZONE = 'America/Mexico_City';

/** Longest text the flow tries to understand; longer messages are not parsed at all. */
export const MAX_TEXT_LENGTH = 2000;

const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: MEXICO_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day (YYYY-MM-DD) in Mexico City at the instant `nowIso`, or null if it is not an instant. */
export function todayIn(nowIso: string | undefined): string | null {
  if (typeof nowIso !== 'string' || nowIso.length > 40) return null;
  const ms = Date.parse(nowIso);
  if (Number.isNaN(ms)) return null;
  const parts = Object.fromEntries(dayFormat.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts['year']}-${parts['month']}-${parts['day']}`;
}

/** Lower case, no accents, single spaces: the form every word match below works on. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/gu, ' ').trim();
}

// biome-ignore format: a table reads better on fewer lines
const MONTHS = new Map<string, number>(Object.entries({
  ene: 1, enero: 1, jan: 1,
  feb: 2, febrero: 2,
  mar: 3, marzo: 3,
  abr: 4, abril: 4, apr: 4,
  may: 5, mayo: 5,
  jun: 6, junio: 6,
  jul: 7, julio: 7,
  ago: 8, agosto: 8, aug: 8,
  sep: 9, sept: 9, set: 9, septiembre: 9, setiembre: 9,
  oct: 10, octubre: 10,
  nov: 11, noviembre: 11,
  dic: 12, diciembre: 12, dec: 12,
}));

/** Maps, not object literals: a typed word such as "constructor" must not find Object.prototype. */
const RELATIVE = new Map<string, number>(
  Object.entries({ hoy: 0, ayer: 1, antier: 2, anteayer: 2, antes_de_ayer: 2 }),
);

export type DateParse = { ok: true; date: string } | { ok: false; reason: 'format' | 'invalid' | 'future' };

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function shiftDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function calendarDate(year: number, month: number, day: number): string | null {
  if (year < 2000 || year > 2999 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

function fullYear(text: string): number {
  const n = Number(text);
  return text.length === 2 ? 2000 + n : n;
}

/** Day and month without a year: the most recent such day that is not after today. */
function withoutYear(month: number, day: number, today: string): string | null {
  const year = Number(today.slice(0, 4));
  const thisYear = calendarDate(year, month, day);
  if (thisYear && thisYear <= today) return thisYear;
  return calendarDate(year - 1, month, day) ?? thisYear;
}

type DateRule = (m: RegExpExecArray, today: string) => string | null | undefined;

/** Patterns tried in order; a rule returns undefined when its words are not a date (e.g. unknown month). */
const DATE_RULES: [RegExp, DateRule][] = [
  [/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/u, (m) => calendarDate(Number(m[1]), Number(m[2]), Number(m[3]))],
  [
    /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$/u,
    (m) => calendarDate(fullYear(m[3] ?? ''), Number(m[2]), Number(m[1])),
  ],
  [/^(\d{1,2})[-/](\d{1,2})$/u, (m, today) => withoutYear(Number(m[2]), Number(m[1]), today)],
  [
    /^(\d{1,2})(?: de |[ /-]+)([a-z]+)\.?(?:(?: del? |[ /,-]+)(\d{4}|\d{2}))?$/u,
    (m, today) => dayMonthYear(m[2], m[1], m[3], today),
  ],
  [/^([a-z]+)\.?[ /-]+(\d{1,2}),?(?:[ /-]+(\d{4}))?$/u, (m, today) => dayMonthYear(m[1], m[2], m[3], today)],
];

function dayMonthYear(
  monthWord: string | undefined,
  day: string | undefined,
  year: string | undefined,
  today: string,
): string | null | undefined {
  const month = MONTHS.get(monthWord ?? '');
  if (month === undefined) return undefined;
  return year ? calendarDate(fullYear(year), month, Number(day)) : withoutYear(month, Number(day), today);
}

/**
 * Reads a purchase date: `24/11/2026`, `24-11-26`, `2026-11-24`, `24 nov`, `24 de noviembre de 2026`,
 * `hoy`, `ayer`. Day comes before month (Mexican usage). `today` is YYYY-MM-DD in Mexico City (see
 * `todayIn`); a date after it is refused as 'future', a day that does not exist as 'invalid'.
 */
export function parseDate(text: string, today: string): DateParse {
  if (text.length > 100 || !/^\d{4}-\d{2}-\d{2}$/u.test(today)) return { ok: false, reason: 'format' };
  const s = fold(text)
    .replace(/^(?:el|fecha:?) /u, '')
    .replace(/^(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo),? /u, '')
    .replace(/ \d{1,2}:\d{2}(?::\d{2})?(?: ?[ap]\.? ?m\.?)?(?: ?hrs?\.?)?$/u, '')
    .replace(/\.$/u, '')
    .replace(/^antes de ayer$/u, 'antes_de_ayer');
  const back = RELATIVE.get(s);
  if (back !== undefined) return { ok: true, date: shiftDays(today, -back) };
  for (const [pattern, rule] of DATE_RULES) {
    const m = pattern.exec(s);
    if (!m) continue;
    const date = rule(m, today);
    if (date === undefined) continue;
    if (date === null) return { ok: false, reason: 'invalid' };
    if (date > today) return { ok: false, reason: 'future' };
    return { ok: true, date };
  }
  return { ok: false, reason: 'format' };
}

/** Largest ticket total the flow accepts (a typo guard, not a business rule). */
const MAX_TOTAL = new Decimal('99999999.99');

function validGroups(integerPart: string, separators: RegExp): string | null {
  const groups = integerPart.split(separators);
  if (groups.length === 1) return /^\d+$/u.test(integerPart) ? integerPart : null;
  const [first = '', ...rest] = groups;
  if (!/^\d{1,3}$/u.test(first) || !rest.every((g) => /^\d{3}$/u.test(g))) return null;
  return groups.join('');
}

/**
 * Reads a money amount as people write it: `$1,234.50`, `1234.5`, `1 234,50`, `1.234,50`, `$ 90`.
 * When only one kind of mark appears once, 1-2 digits after it are cents and exactly 3 digits are a
 * thousands group (`1,234` is 1234.00). Returns a decimal string with 2 decimals, or null.
 */
export function parseTotal(text: string): string | null {
  if (text.length > 60) return null;
  const s = fold(text)
    .replace(/^total:?\s*/u, '')
    .replace(/\s*(?:mxn|m\.?n\.?|pesos?)$/u, '')
    .replace(/^(?:mxn|\$)\s*/u, '')
    .replace(/[\s\u00a0\u202f']/gu, ' ')
    .trim();
  if (!/^\d[\d., ]*$/u.test(s)) return null;
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  const decimalAt = Math.max(lastDot, lastComma);
  let integerPart = s;
  let cents = '';
  if (decimalAt >= 0) {
    const mark = s[decimalAt] ?? '';
    const tail = s.slice(decimalAt + 1);
    const other = mark === '.' ? ',' : '.';
    const markCount = s.split(mark).length - 1;
    const bothKinds = s.includes(other);
    const isDecimal = bothKinds || (markCount === 1 && /^\d{0,2}$/u.test(tail));
    if (isDecimal) {
      if (!/^\d{0,2}$/u.test(tail)) return null;
      integerPart = s.slice(0, decimalAt);
      cents = tail;
      if (bothKinds && integerPart.includes(mark)) return null;
    }
  }
  const digits = validGroups(integerPart, /[., ]/u);
  if (digits === null) return null;
  const kinds = new Set(integerPart.replace(/\d/gu, ''));
  if (kinds.size > 1) return null;
  const amount = new Decimal(`${digits}.${cents || '0'}`);
  if (amount.lte(0) || amount.gt(MAX_TOTAL)) return null;
  return amount.toFixed(2);
}

const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$/u;

/** A plausible e-mail address (lower-cased), or null. */
export function parseEmail(text: string): string | null {
  const s = text
    .trim()
    .replace(/^mailto:/iu, '')
    .toLowerCase();
  if (s.length > 254 || !EMAIL.test(s)) return null;
  return s;
}

/**
 * The receptor's name as CFDI 4.0 wants it: upper case, single spaces, no control characters.
 * Null when empty, longer than 254 characters, without letters, or with a `|` (SAT's pattern forbids it).
 */
export function parseNombre(text: string): string | null {
  const s = text
    .replace(/\p{C}/gu, ' ')
    .normalize('NFC')
    .replace(/\s+/gu, ' ')
    .trim()
    .toLocaleUpperCase('es-MX');
  if (s.length === 0 || s.length > 254 || s.includes('|') || !/\p{L}/u.test(s)) return null;
  return s;
}

/** Five digits, spaces ignored (catalog existence is checked elsewhere), or null. */
export function parseCodigoPostal(text: string): string | null {
  const s = text.replace(/\s/gu, '');
  return /^\d{5}$/u.test(s) ? s : null;
}
