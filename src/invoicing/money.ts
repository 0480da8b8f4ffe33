/**
 * Exact decimal arithmetic for CFDI amounts. Every amount is a decimal.js value made by the private
 * `Dec` constructor (its own precision and rounding, so nothing else in the process can change them);
 * JavaScript numbers never carry money. SAT's "redondeo" is half-up, which for the non-negative
 * amounts of a CFDI is the same as half away from zero.
 */
import { Decimal } from 'decimal.js';

/** Decimal constructor used for all CFDI arithmetic: 60 significant digits, half-up rounding. */
export const Dec = Decimal.clone({
  precision: 60,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 60,
});
export type Dec = Decimal;

export const ZERO = new Dec(0);
export const CENT = new Dec('0.01');

const DECIMAL_TEXT = /^\d+(\.\d+)?$/;

/** True when `text` is a plain non-negative decimal ("12", "0.265"): no sign, exponent or spaces. */
export function isDecimalText(text: string): boolean {
  return DECIMAL_TEXT.test(text);
}

/** A decimal from text with at most `maxDecimals` fraction digits, or null when it is not one. */
export function parseDecimal(text: string, maxDecimals: number): Dec | null {
  return isDecimalText(text) && decimalsOf(text) <= maxDecimals ? new Dec(text) : null;
}

/** Number of fraction digits as written: "1.50" -> 2, "3" -> 0. SAT's limits count them this way. */
export function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Round half-up to `places` fraction digits. */
export function round(value: Dec, places: number): Dec {
  return value.toDecimalPlaces(places, Decimal.ROUND_HALF_UP);
}

/** Truncate ("truncar") to `places` fraction digits. */
export function truncate(value: Dec, places: number): Dec {
  return value.toDecimalPlaces(places, Decimal.ROUND_DOWN);
}

/** Round towards +infinity ("redondear hacia arriba") to `places` fraction digits. */
export function roundUp(value: Dec, places: number): Dec {
  return value.toDecimalPlaces(places, Decimal.ROUND_CEIL);
}

/** Round half-up to cents. */
export function cents(value: Dec): Dec {
  return round(value, 2);
}

/** Sum of decimals (0 for none). */
export function sum(values: Iterable<Dec>): Dec {
  let total = ZERO;
  for (const value of values) total = total.plus(value);
  return total;
}

/** An amount in MXN as the CFDI writes it: always two decimals ("1234.50"). */
export function formatMoney(value: Dec): string {
  // Most amounts are whole cents already: their plain text, padded, is the answer, at a quarter
  // of the cost of toFixed (which rounds a copy first).
  if (!value.isNeg() && value.decimalPlaces() <= 2) {
    const text = value.toString();
    const dot = text.indexOf('.');
    return dot < 0 ? `${text}.00` : text.length - dot === 2 ? `${text}0` : text;
  }
  return value.toFixed(2, Decimal.ROUND_HALF_UP);
}

/** formatRate's results by value object: the same few rates are written for every concepto. */
const rateTexts = new WeakMap<Dec, string>();

/** A TasaOCuota as c_TasaOCuota spells it: six decimals ("0.160000"). */
export function formatRate(value: Dec): string {
  let text = rateTexts.get(value);
  if (text === undefined) {
    text = value.toFixed(6, Decimal.ROUND_HALF_UP);
    rateTexts.set(value, text);
  }
  return text;
}

/**
 * A value with at least `min` and at most `max` fraction digits, without needless trailing zeros:
 * (86.2068965, 2, 6) -> "86.206897", (90, 2, 6) -> "90.00".
 */
export function formatTrimmed(value: Dec, min: number, max: number): string {
  const text = value.toFixed(max, Decimal.ROUND_HALF_UP);
  const dot = text.indexOf('.');
  if (dot < 0) return min > 0 ? `${text}.${'0'.repeat(min)}` : text;
  let end = text.length;
  while (end > dot + 1 + min && text[end - 1] === '0') end--;
  return text.slice(0, end === dot + 1 ? dot : end);
}

/**
 * Rounds each amount down or up to a cent so that they add up to `total` exactly: floor every one,
 * then give one extra cent to those with the largest remainders (amounts that would round to zero
 * first). Null when `total` is outside [sum of floors, sum of ceilings].
 */
export function allocateCents(raw: Dec[], total: Dec): Dec[] | null {
  const floors = raw.map((r) => r.toDecimalPlaces(2, Decimal.ROUND_FLOOR));
  let extra = total.minus(sum(floors)).dividedBy(CENT).toNumber();
  const candidates = raw
    .map((r, index) => ({ index, remainder: r.minus(floors[index]!), zero: floors[index]!.lte(0) }))
    .filter((c) => c.remainder.gt(0))
    .sort(
      (a, b) => Number(b.zero) - Number(a.zero) || b.remainder.comparedTo(a.remainder) || a.index - b.index,
    );
  if (extra < 0 || extra > candidates.length || !Number.isInteger(extra)) return null;
  const allocated = [...floors];
  for (const { index } of candidates) {
    if (extra === 0) break;
    allocated[index] = allocated[index]!.plus(CENT);
    extra--;
  }
  return allocated;
}
