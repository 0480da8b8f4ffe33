/**
 * Amount arithmetic for the rules, exact with decimal.js: reading attribute strings, counting their
 * decimals, SAT's "redondeo" and the Anexo 20 inferior/superior limits for Importe.
 */
import { Decimal } from 'decimal.js';

/** 80 significant digits: 18 integer + 6 decimal digits, multiplied, fit with room to spare. */
const Exact = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -90, toExpPos: 90 });

const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const HALF_ULP_MINUS = new Exact('1e-12');

/** The value of an xs:decimal attribute, or undefined when absent or not a decimal. */
export function amount(value: string | undefined): Decimal | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return DECIMAL.test(trimmed) ? new Exact(trimmed) : undefined;
}

/** Values of several attributes, or undefined when any of them is absent or not a decimal. */
export function amounts(values: readonly (string | undefined)[]): Decimal[] | undefined {
  const out: Decimal[] = [];
  for (const value of values) {
    const parsed = amount(value);
    if (!parsed) return undefined;
    out.push(parsed);
  }
  return out;
}

/** Digits written after the decimal point ("10.50" has 2, "10" has 0). */
export function decimalsOf(value: string): number {
  const trimmed = value.trim();
  const point = trimmed.indexOf('.');
  return point < 0 ? 0 : trimmed.length - point - 1;
}

/** SAT's "redondeo": half up, to the currency's decimals. */
export function round(value: Decimal, places: number): Decimal {
  return value.toDecimalPlaces(places, Decimal.ROUND_HALF_UP);
}

/** Sum of decimals (0 for none). */
export function sum(values: readonly Decimal[]): Decimal {
  return values.reduce((acc, value) => acc.plus(value), new Exact(0));
}

export interface Limits {
  readonly lower: Decimal;
  readonly upper: Decimal;
}

/** 10^-n / 2: half a unit of the last decimal written. */
function halfUnit(written: string): Decimal {
  return new Exact(`5e-${decimalsOf(written) + 1}`);
}

/**
 * Limits for a Concepto (or Parte) Importe, Anexo 20 (Guía de llenado, Concepto@Importe):
 * inferior = (Cantidad - 10^-NumDecimalesCantidad/2) * (ValorUnitario - 10^-NumDecimalesValorUnitario/2),
 * truncated; superior = (Cantidad + 10^-NumDecimalesCantidad/2 - 10^-12) *
 * (ValorUnitario + 10^-NumDecimalesValorUnitario/2 - 10^-12), rounded up; both to the decimals of
 * the currency.
 */
export function importeLimits(cantidad: string, valorUnitario: string, places: number): Limits | undefined {
  const [c, v] = amounts([cantidad, valorUnitario]) ?? [];
  if (!c || !v) return undefined;
  const lower = c.minus(halfUnit(cantidad)).times(v.minus(halfUnit(valorUnitario)));
  const upper = c
    .plus(halfUnit(cantidad))
    .minus(HALF_ULP_MINUS)
    .times(v.plus(halfUnit(valorUnitario)).minus(HALF_ULP_MINUS));
  return {
    lower: lower.toDecimalPlaces(places, Decimal.ROUND_DOWN),
    upper: upper.toDecimalPlaces(places, Decimal.ROUND_CEIL),
  };
}

/**
 * Limits for a tax Importe (Traslado / Retencion of a Concepto), Anexo 20:
 * inferior = (Base - 10^-NumDecimalesBase/2) * TasaOCuota, truncated;
 * superior = (Base + 10^-NumDecimalesBase/2 - 10^-12) * TasaOCuota, rounded up; both to the
 * decimals of the currency.
 */
export function taxImporteLimits(base: string, tasaOCuota: string, places: number): Limits | undefined {
  const [b, t] = amounts([base, tasaOCuota]) ?? [];
  if (!b || !t) return undefined;
  return {
    lower: b.minus(halfUnit(base)).times(t).toDecimalPlaces(places, Decimal.ROUND_DOWN),
    upper: b.plus(halfUnit(base)).minus(HALF_ULP_MINUS).times(t).toDecimalPlaces(places, Decimal.ROUND_CEIL),
  };
}

/** True when `value` lies within the limits (inclusive). */
export function within(value: Decimal, limits: Limits): boolean {
  return value.gte(limits.lower) && value.lte(limits.upper);
}
