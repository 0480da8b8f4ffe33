/**
 * Per-concepto taxes (traslados) and SAT's rounding limits.
 *
 * Anexo 20 does not demand that a tax Importe equal Base x TasaOCuota rounded; it demands that it lie
 * between two limits that account for the rounding of Base (the "límites" rules, matrix codes
 * CFDI40167 for Concepto@Importe and CFDI40180 for Traslado@Importe):
 *
 *   Traslado@Importe:  lower = trunc((Base - 10^-dBase / 2) x Tasa, dImporte)
 *                      upper = ceil((Base + 10^-dBase / 2 - 10^-12) x Tasa, dImporte)
 *   Concepto@Importe:  lower = trunc((Cantidad - 10^-dCant / 2) x (ValorUnitario - 10^-dVU / 2), dImporte)
 *                      upper = ceil((Cantidad + 10^-dCant / 2 - 10^-12) x (ValorUnitario + 10^-dVU / 2 - 10^-12), dImporte)
 *
 * where d* is the number of decimals written in that attribute. We write every Base and tax Importe
 * with 2 decimals (so `dImporte` is 2 under either reading of SAT's text: "decimals of the attribute"
 * or "decimals of the currency"), which lets a tax Importe be any cent within about
 * 0.01 + 0.005 x Tasa of Base x Tasa: that freedom is what lets the CFDI total equal the ticket total.
 */

import { catalogs } from '../sat/catalogs.ts';
import { CENT, Dec, decimalsOf, formatRate, roundUp, sum, truncate, ZERO } from './money.ts';
import type { TaxKind } from './types.ts';

export const IVA = '002';
export const IEPS = '003';

/** One cfdi:Traslado of a concepto, as exact values. `tasa`/`importe` are null for TipoFactor Exento. */
export interface Traslado {
  impuesto: typeof IVA | typeof IEPS;
  tipoFactor: 'Tasa' | 'Exento';
  base: Dec;
  tasa: Dec | null;
  importe: Dec | null;
}

/** The taxes of one concepto for a given net base (Importe - Descuento), and what they add up to. */
export interface LineTaxes {
  /** Importe - Descuento of the concepto: the IEPS base, or the IVA base when there is no IEPS. */
  base: Dec;
  traslados: Traslado[];
  /** base + every traslado Importe: what the customer pays for this line. */
  gross: Dec;
  /** How far the tax Importes are from Base x Tasa (sum of absolute differences): 0 is exact. */
  deviation: Dec;
}

const HALF = new Dec('0.5');
const EPSILON = new Dec('1e-12');
const IVA_RATES: Record<TaxKind, Dec | 'exento' | null> = {
  IVA16: new Dec('0.16'),
  IVA8: new Dec('0.08'),
  IVA0: ZERO,
  IVA_EXENTO: 'exento',
  NO_OBJETO: null,
};

/** 1 + the IVA rate (1 for IVA 0 %, exento and no objeto). */
const IVA_FACTORS = Object.fromEntries(
  Object.entries(IVA_RATES).map(([kind, rate]) => [kind, rate instanceof Dec ? rate.plus(1) : new Dec(1)]),
) as Record<TaxKind, Dec>;

/** The IVA rate of a tax kind: a decimal, 'exento', or null for "no objeto de impuesto". */
export function ivaRateOf(kind: TaxKind): Dec | 'exento' | null {
  return IVA_RATES[kind];
}

/** 10^-d / 2 for d = 0..6 decimals (and beyond, computed). */
const HALF_ULPS = Array.from({ length: 7 }, (_, d) => new Dec(10).pow(-d).times(HALF));
const halfUlp = (text: string) => {
  const d = decimalsOf(text);
  return HALF_ULPS[d] ?? new Dec(10).pow(-d).times(HALF);
};
const HALF_CENT = HALF_ULPS[2]!;

/** SAT's limits for a traslado/retención Importe given Base and TasaOCuota as written in the XML. */
export function taxImporteLimits(
  base: string,
  tasa: string,
  importeDecimals: number,
): { lower: Dec; upper: Dec } {
  return limits(new Dec(base), halfUlp(base), new Dec(tasa), importeDecimals);
}

/** SAT's limits for Concepto@Importe given Cantidad and ValorUnitario as written in the XML. */
export function conceptoImporteLimits(
  cantidad: string,
  valorUnitario: string,
  importeDecimals: number,
): { lower: Dec; upper: Dec } {
  const halfQ = halfUlp(cantidad);
  const halfV = halfUlp(valorUnitario);
  const q = new Dec(cantidad);
  const v = new Dec(valorUnitario);
  return {
    lower: truncate(q.minus(halfQ).times(v.minus(halfV)), importeDecimals),
    upper: roundUp(q.plus(halfQ).minus(EPSILON).times(v.plus(halfV).minus(EPSILON)), importeDecimals),
  };
}

function limits(base: Dec, half: Dec, tasa: Dec, importeDecimals: number): { lower: Dec; upper: Dec } {
  return {
    lower: truncate(base.minus(half).times(tasa), importeDecimals),
    upper: roundUp(base.plus(half).minus(EPSILON).times(tasa), importeDecimals),
  };
}

/** Every cent amount SAT accepts as the Importe of a tax on `base` (2 decimals), nearest to exact first. */
export function allowedTaxImportes(base: Dec, tasa: Dec): Dec[] {
  const { lower, upper } = limits(base, HALF_CENT, tasa, 2);
  const exact = base.times(tasa);
  const options: { value: Dec; distance: Dec }[] = [];
  for (let value = lower; value.lte(upper); value = value.plus(CENT)) {
    options.push({ value, distance: value.minus(exact).abs() });
  }
  return options.sort((a, b) => a.distance.comparedTo(b.distance)).map((o) => o.value);
}

/**
 * Every valid set of traslados for a concepto whose net base is `base` (cents), best first
 * (smallest deviation from Base x Tasa). IEPS is computed on `base`; IVA (or the IVA exento base) on
 * `base` + IEPS, as the IVA law requires when a good carries both.
 */
export function taxOptions(base: Dec, kind: TaxKind, iepsRate: Dec | null): LineTaxes[] {
  const iva = ivaRateOf(kind);
  if (iva === null) {
    return iepsRate ? [] : [{ base, traslados: [], gross: base, deviation: ZERO }];
  }
  const results: LineTaxes[] = [];
  const iepsChoices: Array<Traslado | null> = iepsRate
    ? allowedTaxImportes(base, iepsRate).map((importe) => tasa(IEPS, base, iepsRate, importe))
    : [null];
  for (const ieps of iepsChoices) {
    const ivaBase = base.plus(ieps?.importe ?? ZERO);
    const ivaChoices: Traslado[] =
      iva === 'exento'
        ? [{ impuesto: IVA, tipoFactor: 'Exento', base: ivaBase, tasa: null, importe: null }]
        : allowedTaxImportes(ivaBase, iva).map((importe) => tasa(IVA, ivaBase, iva, importe));
    for (const ivaTraslado of ivaChoices) {
      const traslados = ieps ? [ivaTraslado, ieps] : [ivaTraslado];
      const taxes = sum(traslados.map((t) => t.importe ?? ZERO));
      results.push({ base, traslados, gross: base.plus(taxes), deviation: deviationOf(traslados) });
    }
  }
  return results.sort((a, b) => a.deviation.comparedTo(b.deviation));
}

/** How many times the net base the customer pays: (1 + IEPS) x (1 + IVA). */
export function grossFactor(kind: TaxKind, iepsRate: Dec | null): Dec {
  const ivaFactor = IVA_FACTORS[kind];
  return iepsRate ? ivaFactor.times(iepsRate.plus(1)) : ivaFactor;
}

/**
 * The taxes of a tax-included line: the net base and traslados whose gross is exactly `gross`.
 * Tries bases around gross / factor (nearest first) and IEPS Importes within their limits (nearest
 * to exact first); the IVA Importe is then what is left, gross - base - IEPS, and the first
 * combination where that lies within the IVA limits wins. Null when none does within +-5 cents of
 * the natural base (never seen: the property tests search for it).
 */
export function solveForGross(gross: Dec, kind: TaxKind, iepsRate: Dec | null): LineTaxes | null {
  const iva = ivaRateOf(kind);
  if (iva === null) return iepsRate ? null : { base: gross, traslados: [], gross, deviation: ZERO };
  const natural = gross.dividedBy(grossFactor(kind, iepsRate)).toDecimalPlaces(2);
  for (let step = 0; step <= 10; step++) {
    const base = step === 0 ? natural : natural.plus(CENT.times(step % 2 === 0 ? step / 2 : -(step + 1) / 2));
    if (base.lte(0)) continue;
    const iepsChoices = iepsRate ? allowedTaxImportes(base, iepsRate) : [null];
    for (const iepsImporte of iepsChoices) {
      const ivaBase = iepsImporte ? base.plus(iepsImporte) : base;
      const ivaImporte = gross.minus(ivaBase);
      let ivaTraslado: Traslado;
      if (iva === 'exento') {
        if (!ivaImporte.isZero()) continue;
        ivaTraslado = { impuesto: IVA, tipoFactor: 'Exento', base: ivaBase, tasa: null, importe: null };
      } else {
        const { lower, upper } = limits(ivaBase, HALF_CENT, iva, 2);
        if (ivaImporte.lt(lower) || ivaImporte.gt(upper)) continue;
        ivaTraslado = tasa(IVA, ivaBase, iva, ivaImporte);
      }
      const traslados =
        iepsRate && iepsImporte ? [ivaTraslado, tasa(IEPS, base, iepsRate, iepsImporte)] : [ivaTraslado];
      return { base, traslados, gross, deviation: deviationOf(traslados) };
    }
  }
  return null;
}

function tasa(impuesto: Traslado['impuesto'], base: Dec, rate: Dec, importe: Dec): Traslado {
  return { impuesto, tipoFactor: 'Tasa', base, tasa: rate, importe };
}

function deviationOf(traslados: Traslado[]): Dec {
  let deviation = ZERO;
  for (const t of traslados) {
    if (t.tasa && t.importe) deviation = deviation.plus(t.importe.minus(t.base.times(t.tasa)).abs());
  }
  return deviation;
}

/**
 * The comprobante-level Traslados: one per Impuesto + TipoFactor + TasaOCuota, Base and Importe
 * summed over the conceptos (sums of 2-decimal values: SAT's "redondeo de la suma" is the sum).
 * Ordered IVA before IEPS, Tasa before Exento, lower rates first.
 */
export function summarizeTraslados(traslados: Traslado[]): Traslado[] {
  const groups = new Map<string, Traslado>();
  for (const t of traslados) {
    const key = `${t.impuesto}|${t.tipoFactor === 'Exento' ? 1 : 0}|${t.tasa ? formatRate(t.tasa) : ''}`;
    const group = groups.get(key);
    if (!group) groups.set(key, { ...t });
    else {
      group.base = group.base.plus(t.base);
      if (group.importe && t.importe) group.importe = group.importe.plus(t.importe);
    }
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, group]) => group);
}

let iepsTasas: Set<string> | undefined;

/** Whether c_TasaOCuota has this rate as a fixed, current IEPS tasa for traslados. */
export function isIepsTasa(rate: Dec): boolean {
  iepsTasas ??= new Set(
    catalogs
      .rows('c_TasaOCuota')
      .filter((r) => r.impuesto === 'IEPS' && r.factor === 'Tasa' && r.tipo === 'Fijo' && r.traslado === true)
      .filter((r) => !r.vigencia_hasta)
      .map((r) => String(r.valor)),
  );
  return iepsTasas.has(formatRate(rate));
}
