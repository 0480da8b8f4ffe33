/**
 * Rules on the Traslado and Retencion lines of each Concepto: Base > 0, catalogs (c_Impuesto,
 * c_TipoFactor, c_TasaOCuota), Exento without TasaOCuota / Importe, and the Anexo 20 limits of
 * Importe = Base x TasaOCuota.
 */
import { catalogs } from '../../sat/catalogs.ts';
import { amount, taxImporteLimits, within } from './amounts.ts';
import type { Cfdi, TaxLine } from './model.ts';
import { at, type Rule } from './rule.ts';
import { currencyDecimals, isTasaOCuotaAllowed } from './sat-data.ts';

type Kind = 'traslados' | 'retenciones';

/** Fields of the concept tax lines of one kind for which `broken` holds. */
function lines(cfdi: Cfdi, kind: Kind, attribute: string, broken: (line: TaxLine) => boolean): string[] {
  return cfdi.conceptos
    .flatMap((c) => c.impuestos?.[kind] ?? [])
    .filter(broken)
    .map((line) => at(line, attribute));
}

const isTasaOrCuota = (line: TaxLine) => line.tipoFactor === 'Tasa' || line.tipoFactor === 'Cuota';

/** TasaOCuota not allowed by c_TasaOCuota for this tax and factor (only judged on known tax and factor). */
function tasaNotInCatalog(kind: 'traslado' | 'retencion') {
  return (line: TaxLine) =>
    isTasaOrCuota(line) &&
    line.tasaOCuota !== undefined &&
    catalogs.impuesto(line.impuesto ?? '') !== undefined &&
    !isTasaOCuotaAllowed(kind, line.impuesto ?? '', line.tipoFactor ?? '', line.tasaOCuota);
}

/** Importe outside (Base -/+ half a unit) x TasaOCuota, truncated / rounded up to the currency decimals. */
function importeOutOfLimits(cfdi: Cfdi) {
  const places = currencyDecimals(cfdi.moneda);
  return (line: TaxLine) => {
    const importe = amount(line.importe);
    if (places === undefined || !importe || line.base === undefined || line.tasaOCuota === undefined)
      return false;
    const limits = taxImporteLimits(line.base, line.tasaOCuota, places);
    return limits !== undefined && !within(importe, limits);
  };
}

const notPositive = (line: TaxLine) => amount(line.base)?.gt(0) === false;

export const conceptoImpuestosRules: readonly Rule[] = [
  { code: 'CFDI40174', check: (cfdi) => lines(cfdi, 'traslados', 'Base', notPositive) },
  {
    code: 'CFDI40175',
    check: (cfdi) => lines(cfdi, 'traslados', 'Impuesto', (l) => !catalogs.impuesto(l.impuesto ?? '')),
  },
  {
    code: 'CFDI40176',
    check: (cfdi) => lines(cfdi, 'traslados', 'TipoFactor', (l) => !catalogs.tipoFactor(l.tipoFactor ?? '')),
  },
  {
    code: 'CFDI40177',
    check: (cfdi) =>
      lines(
        cfdi,
        'traslados',
        'TipoFactor',
        (l) => l.tipoFactor === 'Exento' && (l.tasaOCuota !== undefined || l.importe !== undefined),
      ),
  },
  {
    code: 'CFDI40178',
    check: (cfdi) =>
      lines(
        cfdi,
        'traslados',
        'TipoFactor',
        (l) => isTasaOrCuota(l) && (l.tasaOCuota === undefined || l.importe === undefined),
      ),
  },
  {
    code: 'CFDI40179',
    check: (cfdi) => lines(cfdi, 'traslados', 'TasaOCuota', tasaNotInCatalog('traslado')),
  },
  { code: 'CFDI40180', check: (cfdi) => lines(cfdi, 'traslados', 'Importe', importeOutOfLimits(cfdi)) },
  { code: 'CFDI40181', check: (cfdi) => lines(cfdi, 'retenciones', 'Base', notPositive) },
  {
    code: 'CFDI40182',
    check: (cfdi) => lines(cfdi, 'retenciones', 'Impuesto', (l) => !catalogs.impuesto(l.impuesto ?? '')),
  },
  {
    code: 'CFDI40183',
    check: (cfdi) =>
      lines(cfdi, 'retenciones', 'TipoFactor', (l) => !catalogs.tipoFactor(l.tipoFactor ?? '')),
  },
  {
    code: 'CFDI40184',
    check: (cfdi) => lines(cfdi, 'retenciones', 'TipoFactor', (l) => l.tipoFactor === 'Exento'),
  },
  {
    code: 'CFDI40185',
    check: (cfdi) => lines(cfdi, 'retenciones', 'TasaOCuota', tasaNotInCatalog('retencion')),
  },
  { code: 'CFDI40186', check: (cfdi) => lines(cfdi, 'retenciones', 'Importe', importeOutOfLimits(cfdi)) },
];
