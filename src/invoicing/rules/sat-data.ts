/**
 * Catalog facts the rules need beyond the look-ups of src/sat/catalogs.ts: currency decimals,
 * c_TipoDeComprobante limits, c_Periodicidad / c_Meses keys, c_Pais tax-id patterns, the
 * c_TasaOCuota rules and the c_ClaveProdServ keys that must carry IVA trasladado.
 * Everything is read once, lazily, from the shared catalog copies.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalogs, splitCsvLine } from '../../sat/catalogs.ts';
import { amount } from './amounts.ts';

function lazy<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= load();
    return value;
  };
}

function keyed(name: string): () => Map<string, Record<string, unknown>> {
  return lazy(() => new Map(catalogs.rows(name).map((row) => [String(row['id']), row])));
}

const monedas = keyed('c_Moneda');
const tipos = keyed('c_TipoDeComprobante');
const periodicidades = keyed('c_Periodicidad');
const meses = keyed('c_Meses');
const paises = keyed('c_Pais');

/** Decimals c_Moneda allows for a currency, undefined for an unknown currency. */
export function currencyDecimals(moneda: string | undefined): number | undefined {
  const decimales = moneda === undefined ? undefined : monedas().get(moneda)?.['decimales'];
  return typeof decimales === 'number' ? decimales : undefined;
}

/** c_TipoDeComprobante "valor máximo" of Total (the limit above which Confirmacion is needed). */
export function totalLimit(tipo: string | undefined): string | undefined {
  const max = tipo === undefined ? undefined : tipos().get(tipo)?.['valor_maximo'];
  return typeof max === 'string' ? max : undefined;
}

export function isPeriodicidad(id: string | undefined): boolean {
  return id !== undefined && periodicidades().has(id);
}

export function isMes(id: string | undefined): boolean {
  return id !== undefined && meses().has(id);
}

/** c_Pais "Formato de Registro de Identidad Tributaria" as an anchored RegExp, when SAT gives one. */
export function taxIdPattern(pais: string | undefined): RegExp | undefined {
  const pattern = pais === undefined ? undefined : paises().get(pais)?.['patron_identidad_tributaria'];
  if (typeof pattern !== 'string' || pattern === '') return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return undefined;
  }
}

interface TasaRule {
  readonly fixed: boolean;
  readonly minimo: string;
  readonly valor: string;
  readonly impuesto: string;
  readonly factor: string;
  readonly traslado: boolean;
  readonly retencion: boolean;
}

/** c_TasaOCuota names its taxes ("IVA", "IEPS", "ISR", "IVA Crédito aplicado del 50%"): to c_Impuesto keys. */
const impuestoKeys = lazy(
  () => new Map(catalogs.rows('c_Impuesto').map((row) => [String(row['texto']), String(row['id'])])),
);

function impuestoKey(name: string): string {
  return impuestoKeys().get(name.split(' ')[0] ?? '') ?? '';
}

const tasaRules = lazy((): TasaRule[] =>
  catalogs.rows('c_TasaOCuota').map((row) => ({
    fixed: row['tipo'] === 'Fijo',
    minimo: String(row['minimo'] ?? ''),
    valor: String(row['valor'] ?? ''),
    impuesto: impuestoKey(String(row['impuesto'] ?? '')),
    factor: String(row['factor'] ?? ''),
    traslado: row['traslado'] === true,
    retencion: row['retencion'] === true,
  })),
);

const TASA_PATTERN = /^[0-9]+(\.[0-9]{1,6})?$/;

/**
 * Whether c_TasaOCuota allows this value for the tax, factor and kind. Fixed values must be written
 * as the catalog writes them (six decimals, "0.160000"); ranges are compared as numbers. Vigencia is
 * not applied: the catalog keeps only the current row of yearly-updated ranges (IEPS cuota).
 */
export function isTasaOCuotaAllowed(
  kind: 'traslado' | 'retencion',
  impuesto: string,
  factor: string,
  value: string,
): boolean {
  const number = TASA_PATTERN.test(value) ? amount(value) : undefined;
  return tasaRules().some((rule) => {
    if (rule.impuesto !== impuesto || rule.factor !== factor || !rule[kind]) return false;
    if (rule.fixed) return value === rule.valor;
    const min = amount(rule.minimo);
    const max = amount(rule.valor);
    return (
      number !== undefined && min !== undefined && max !== undefined && number.gte(min) && number.lte(max)
    );
  });
}

const CLAVE_PROD_SERV_CSV = fileURLToPath(
  new URL('../../sat/data/catalogs/c_ClaveProdServ.csv', import.meta.url),
);

/** c_ClaveProdServ keys whose "Incluir IVA trasladado" is "Sí" (the shared catalog does not expose the column). */
const ivaRequired = lazy(() => {
  const keys = new Set<string>();
  const lines = readFileSync(CLAVE_PROD_SERV_CSV, 'utf8').split('\n');
  const header = splitCsvLine(lines[0] ?? '');
  const column = header.indexOf('incluir_iva_trasladado');
  for (const line of lines.slice(1)) {
    if (!line.includes(',1,')) continue;
    const cells = splitCsvLine(line);
    if (cells[column] === '1') keys.add(cells[0] ?? '');
  }
  return keys;
});

/** True when c_ClaveProdServ says the key must carry IVA trasladado ("Incluir IVA trasladado" = Sí). */
export function requiresIvaTrasladado(clave: string | undefined): boolean {
  return clave !== undefined && ivaRequired().has(clave);
}
