/**
 * The purchase date and the total, read from a ticket's OCR text. Labels guide the search ("Fecha",
 * "TOTAL" but not "SUBTOTAL"); digits OCR tends to mangle (O for 0, l for 1, S for 5) are put right
 * only inside the number being read.
 */
import { Decimal } from 'decimal.js';

const MONTHS: Readonly<Record<string, number>> = {
  ENE: 1,
  FEB: 2,
  MAR: 3,
  ABR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AGO: 8,
  SEP: 9,
  SET: 9,
  OCT: 10,
  NOV: 11,
  DIC: 12,
};

/** Digit look-alikes, fixed only inside a token already shaped like a date or an amount. */
function digits(token: string): string {
  return token
    .replace(/[OQD]/gu, '0')
    .replace(/[IL|!]/gu, '1')
    .replace(/S/gu, '5')
    .replace(/B/gu, '8')
    .replace(/Z/gu, '2');
}

function validDate(year: number, month: number, day: number): string | null {
  if (year < 100) year += 2000;
  if (year < 2000 || year > 2099 || month < 1 || month > 12 || day < 1) return null;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > last) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const D = '[0-9OQDILSBZ|!]';
const NUMERIC_DMY = new RegExp(
  `(?<![0-9])(${D}{1,2}) ?[/.-] ?(${D}{1,2}) ?[/.-] ?(${D}{4}|${D}{2})(?![0-9])`,
  'gu',
);
const NUMERIC_YMD = new RegExp(`(?<![0-9])(${D}{4}) ?[/.-] ?(${D}{1,2}) ?[/.-] ?(${D}{1,2})(?![0-9])`, 'gu');
const MONTH_NAME =
  /(?<![0-9])([0-9OIL]{1,2}) ?(?:[/.-]|DE)? ?(ENE|FEB|MAR|ABR|MAY|JUN|JUL|AGO|SEPT?|SET|OCT|NOV|DIC)[A-Z]*\.? ?(?:[/.-]|DEL?)? ?([0-9OIL]{4}|[0-9OIL]{2})(?![0-9])/gu;

/** A token is read as a number only when most of its characters already are digits. */
function mostlyDigits(token: string): boolean {
  const all = token.replace(/[^0-9A-Z|!]/gu, '').length;
  const real = token.replace(/[^0-9]/gu, '').length;
  return real * 3 >= all * 2;
}

/** Every date in one line of text, as YYYY-MM-DD, in the order they appear. */
export function datesIn(line: string): string[] {
  const upper = line.toUpperCase();
  const found: { at: number; date: string }[] = [];
  for (const m of upper.matchAll(NUMERIC_YMD)) {
    if (!mostlyDigits(m[0])) continue;
    const date = validDate(
      Number(digits(m[1] ?? '')),
      Number(digits(m[2] ?? '')),
      Number(digits(m[3] ?? '')),
    );
    if (date) found.push({ at: m.index ?? 0, date });
  }
  for (const m of upper.matchAll(NUMERIC_DMY)) {
    if (!mostlyDigits(m[0])) continue;
    const date = validDate(
      Number(digits(m[3] ?? '')),
      Number(digits(m[2] ?? '')),
      Number(digits(m[1] ?? '')),
    );
    if (date && !found.some((f) => Math.abs(f.at - (m.index ?? 0)) < 4))
      found.push({ at: m.index ?? 0, date });
  }
  for (const m of upper.matchAll(MONTH_NAME)) {
    const month = MONTHS[(m[2] ?? '').slice(0, 3)] ?? 0;
    const date = validDate(Number(digits(m[3] ?? '')), month, Number(digits(m[1] ?? '')));
    if (date) found.push({ at: m.index ?? 0, date });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.date);
}

/** The purchase date: on the "Fecha" line if there is one, else the first date in the text. */
export function findDate(text: string): string | null {
  const lines = text.split(/\r?\n/u);
  for (const [i, line] of lines.entries()) {
    if (!/F[EC]CHA|EMISI[OÓ]N/iu.test(line)) continue;
    const here = datesIn(line)[0] ?? datesIn(lines[i + 1] ?? '')[0];
    if (here) return here;
  }
  for (const line of lines) {
    const first = datesIn(line)[0];
    if (first) return first;
  }
  return null;
}

const A = '[0-9OQDILSBZ]';
const AMOUNT = new RegExp(
  `(?<![0-9A-Z])([0-9]${A}{0,2}(?:[,. ]${A}{3})+|[0-9]${A}*)\\s?[.,]\\s?(${A}{2})(?![0-9])`,
  'gu',
);

/** Amounts with two decimals in one line ("$1,234.50", "1.234,50", "1234.50"), as "1234.50". */
export function amountsIn(line: string): string[] {
  const out: string[] = [];
  for (const m of line.toUpperCase().matchAll(AMOUNT)) {
    if (!mostlyDigits(m[0])) continue;
    const whole = digits(m[1] ?? '').replace(/[,. ]/gu, '');
    const cents = digits(m[2] ?? '');
    if (!/^[0-9]+$/u.test(whole) || !/^[0-9]{2}$/u.test(cents)) continue;
    out.push(new Decimal(`${whole}.${cents}`).toFixed(2));
  }
  return out;
}

const TOTAL_LABEL = /(?<![A-Z])(?:TOTAL|T0TAL|TOTA1|IMPORTE)(?![A-Z])/u;
const NOT_TOTAL = /SUB ?T[O0]TAL|ART[IÍ]CUL|PIEZAS|PZAS|DESCUENTO|AHORR/u;

/** The ticket total: the amount on the first "TOTAL" line that is not a subtotal or an item count. */
export function findTotal(text: string): string | null {
  const lines = text.toUpperCase().split(/\r?\n/u);
  for (const [i, line] of lines.entries()) {
    const label = TOTAL_LABEL.exec(line);
    if (!label || NOT_TOTAL.test(line)) continue;
    const after = line.slice(label.index + label[0].length);
    const amount = amountsIn(after).at(-1) ?? amountsIn(lines[i + 1] ?? '')[0];
    if (amount) return amount;
  }
  return null;
}
