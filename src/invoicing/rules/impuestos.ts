/**
 * Rules on cfdi:Impuestos of the Comprobante: the summary of the concepts' taxes. Each summary
 * Traslado is the rounded sum of the concepts' traslados with the same Impuesto, TipoFactor and
 * TasaOCuota (Exento: same Impuesto); each Retencion the rounded sum of those with the same
 * Impuesto; the totals are the sums of the summary lines. A tax group present in the concepts but
 * missing from the summary is reported on the sum rule (CFDI40211, CFDI40216, CFDI40221), located
 * with an XPath predicate such as Impuestos/Traslados/Traslado[@Impuesto='002'][@TipoFactor='Tasa'][@TasaOCuota='0.160000'].
 */
import { catalogs } from '../../sat/catalogs.ts';
import { amount, amounts, decimalsOf, round, sum } from './amounts.ts';
import type { Cfdi, TaxLine } from './model.ts';
import { at, isTrasladoOrPago, type Rule, when } from './rule.ts';
import { currencyDecimals, isTasaOCuotaAllowed } from './sat-data.ts';

const IMPUESTOS = 'Impuestos';

/** Grouping key of a traslado (Impuesto, TipoFactor, TasaOCuota as a number) or a retencion (Impuesto). */
function trasladoKey(line: TaxLine): string {
  if (line.tipoFactor === 'Exento') return `${line.impuesto}|Exento|`;
  return `${line.impuesto}|${line.tipoFactor}|${amount(line.tasaOCuota)?.toString() ?? line.tasaOCuota}`;
}
const retencionKey = (line: TaxLine) => line.impuesto ?? '';

function locator(kind: 'Traslado' | 'Retencion', line: TaxLine): string {
  const predicates = [`[@Impuesto='${line.impuesto}']`];
  if (kind === 'Traslado') predicates.push(`[@TipoFactor='${line.tipoFactor}']`);
  if (kind === 'Traslado' && line.tipoFactor !== 'Exento')
    predicates.push(`[@TasaOCuota='${line.tasaOCuota}']`);
  return `${IMPUESTOS}/${kind === 'Traslado' ? 'Traslados' : 'Retenciones'}/${kind}${predicates.join('')}`;
}

/** The concepts' tax lines of one kind, grouped by key. */
function conceptGroups(cfdi: Cfdi, kind: 'traslados' | 'retenciones'): Map<string, TaxLine[]> {
  const key = kind === 'traslados' ? trasladoKey : retencionKey;
  const groups = new Map<string, TaxLine[]>();
  for (const line of cfdi.conceptos.flatMap((c) => c.impuestos?.[kind] ?? [])) {
    const k = key(line);
    const group = groups.get(k);
    if (group) group.push(line);
    else groups.set(k, [line]);
  }
  return groups;
}

/** True when `written` is not the rounded sum of `parts` (false when a value is missing or not a number). */
function notRoundedSum(
  written: string | undefined,
  parts: readonly (string | undefined)[],
  places: number | undefined,
) {
  const value = amount(written);
  const values = amounts(parts);
  if (!value || !values || places === undefined) return false;
  return !round(sum(values), places).eq(value);
}

/**
 * Summary lines whose attribute is not the rounded sum of the same attribute in their concept group,
 * plus locators of concept groups that have no summary line.
 */
function summaryMismatches(
  cfdi: Cfdi,
  kind: 'Traslado' | 'Retencion',
  attribute: 'Base' | 'Importe',
  select: (line: TaxLine) => boolean,
  reportMissing = true,
): string[] {
  const places = currencyDecimals(cfdi.moneda);
  const key = kind === 'Traslado' ? trasladoKey : retencionKey;
  const groups = conceptGroups(cfdi, kind === 'Traslado' ? 'traslados' : 'retenciones');
  const summary = (kind === 'Traslado' ? cfdi.impuestos?.traslados : cfdi.impuestos?.retenciones) ?? [];
  const read = (line: TaxLine) => (attribute === 'Base' ? line.base : line.importe);
  const out: string[] = [];
  for (const line of summary.filter(select)) {
    const parts = (groups.get(key(line)) ?? []).map(read);
    if (notRoundedSum(read(line), parts, places)) out.push(at(line, attribute));
  }
  const present = new Set(summary.map(key));
  for (const [k, group] of reportMissing ? groups : []) {
    const first = group[0];
    if (first && select(first) && !present.has(k)) out.push(`${locator(kind, first)}@${attribute}`);
  }
  return out;
}

/** Summary lines of one kind whose attribute has more decimals than the currency supports. */
function tooManyDecimals(
  cfdi: Cfdi,
  lines: readonly TaxLine[] | undefined,
  attribute: 'Base' | 'Importe',
): string[] {
  const places = currencyDecimals(cfdi.moneda);
  if (places === undefined) return [];
  return (lines ?? [])
    .filter((line) => {
      const value = attribute === 'Base' ? line.base : line.importe;
      return value !== undefined && decimalsOf(value) > places;
    })
    .map((line) => at(line, attribute));
}

/** Lines after the first with the same key. */
function duplicates(
  lines: readonly TaxLine[] | undefined,
  key: (line: TaxLine) => string,
  attribute: string,
): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of lines ?? []) {
    if (seen.has(key(line))) out.push(at(line, attribute));
    seen.add(key(line));
  }
  return out;
}

/** True when a total attribute differs from the sum of the Importe of its lines. */
function totalMismatch(total: string | undefined, lines: readonly TaxLine[] | undefined): boolean {
  const value = amount(total);
  const importes = amounts((lines ?? []).filter((l) => l.importe !== undefined).map((l) => l.importe));
  return value !== undefined && importes !== undefined && !sum(importes).eq(value);
}

const decimalsBeyond = (cfdi: Cfdi, value: string | undefined): boolean => {
  const places = currencyDecimals(cfdi.moneda);
  return value !== undefined && places !== undefined && decimalsOf(value) > places;
};

const isExento = (line: TaxLine) => line.tipoFactor === 'Exento';
const conceptTraslados = (cfdi: Cfdi) => cfdi.conceptos.flatMap((c) => c.impuestos?.traslados ?? []);
const totalField = (name: string) => at(IMPUESTOS, name);

export const impuestosRules: readonly Rule[] = [
  {
    code: 'CFDI40201',
    check: (cfdi) => when(isTrasladoOrPago(cfdi) && cfdi.impuestos !== undefined, IMPUESTOS),
  },
  {
    code: 'CFDI40202',
    check: (cfdi) =>
      when(
        decimalsBeyond(cfdi, cfdi.impuestos?.totalImpuestosRetenidos),
        totalField('TotalImpuestosRetenidos'),
      ),
  },
  {
    code: 'CFDI40203',
    check: ({ impuestos }) =>
      when(
        totalMismatch(impuestos?.totalImpuestosRetenidos, impuestos?.retenciones),
        totalField('TotalImpuestosRetenidos'),
      ),
  },
  {
    code: 'CFDI40204',
    check: (cfdi) =>
      when(
        decimalsBeyond(cfdi, cfdi.impuestos?.totalImpuestosTrasladados),
        totalField('TotalImpuestosTrasladados'),
      ),
  },
  {
    code: 'CFDI40205',
    check: ({ impuestos }) =>
      when(
        totalMismatch(impuestos?.totalImpuestosTrasladados, impuestos?.traslados),
        totalField('TotalImpuestosTrasladados'),
      ),
  },
  {
    code: 'CFDI40206',
    check: ({ impuestos }) =>
      when(
        impuestos?.retenciones !== undefined && impuestos.totalImpuestosRetenidos === undefined,
        totalField('TotalImpuestosRetenidos'),
      ),
  },
  {
    code: 'CFDI40207',
    check: ({ impuestos }) =>
      (impuestos?.retenciones ?? [])
        .filter((l) => !catalogs.impuesto(l.impuesto ?? ''))
        .map((l) => at(l, 'Impuesto')),
  },
  {
    code: 'CFDI40208',
    check: ({ impuestos }) => duplicates(impuestos?.retenciones, retencionKey, 'Impuesto'),
  },
  {
    code: 'CFDI40209',
    check: ({ impuestos }) =>
      when(
        (impuestos?.retenciones ?? []).some((l) => l.importe !== undefined) &&
          impuestos?.totalImpuestosRetenidos === undefined,
        totalField('TotalImpuestosRetenidos'),
      ),
  },
  { code: 'CFDI40210', check: (cfdi) => tooManyDecimals(cfdi, cfdi.impuestos?.retenciones, 'Importe') },
  { code: 'CFDI40211', check: (cfdi) => summaryMismatches(cfdi, 'Retencion', 'Importe', () => true) },
  {
    code: 'CFDI40212',
    check: (cfdi) =>
      when(
        conceptTraslados(cfdi).some((l) => l.tipoFactor === 'Tasa' || l.tipoFactor === 'Cuota') &&
          cfdi.impuestos?.totalImpuestosTrasladados === undefined,
        totalField('TotalImpuestosTrasladados'),
      ),
  },
  {
    code: 'CFDI40213',
    check(cfdi) {
      const concepts = conceptTraslados(cfdi);
      const onlyExento = concepts.length > 0 && concepts.every(isExento);
      return (cfdi.impuestos?.traslados ?? [])
        .filter((l) => (onlyExento || isExento(l)) && (l.tasaOCuota !== undefined || l.importe !== undefined))
        .map((l) => at(l));
    },
  },
  { code: 'CFDI40214', check: (cfdi) => tooManyDecimals(cfdi, cfdi.impuestos?.traslados, 'Base') },
  // A missing Tasa/Cuota group is reported once, on Importe (CFDI40221), not again here.
  {
    code: 'CFDI40215',
    check: (cfdi) => summaryMismatches(cfdi, 'Traslado', 'Base', (l) => !isExento(l), false),
  },
  { code: 'CFDI40216', check: (cfdi) => summaryMismatches(cfdi, 'Traslado', 'Base', isExento) },
  {
    code: 'CFDI40217',
    check: ({ impuestos }) =>
      (impuestos?.traslados ?? [])
        .filter((l) => !catalogs.impuesto(l.impuesto ?? ''))
        .map((l) => at(l, 'Impuesto')),
  },
  { code: 'CFDI40218', check: ({ impuestos }) => duplicates(impuestos?.traslados, trasladoKey, 'Impuesto') },
  {
    code: 'CFDI40219',
    check: ({ impuestos }) =>
      (impuestos?.traslados ?? [])
        .filter(
          (l) =>
            (l.tipoFactor === 'Tasa' || l.tipoFactor === 'Cuota') &&
            l.tasaOCuota !== undefined &&
            catalogs.impuesto(l.impuesto ?? '') !== undefined &&
            !isTasaOCuotaAllowed('traslado', l.impuesto ?? '', l.tipoFactor, l.tasaOCuota),
        )
        .map((l) => at(l, 'TasaOCuota')),
  },
  { code: 'CFDI40220', check: (cfdi) => tooManyDecimals(cfdi, cfdi.impuestos?.traslados, 'Importe') },
  { code: 'CFDI40221', check: (cfdi) => summaryMismatches(cfdi, 'Traslado', 'Importe', (l) => !isExento(l)) },
];
