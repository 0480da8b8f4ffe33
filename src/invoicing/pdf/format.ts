/**
 * How values from the XML are written on the representación impresa: amounts keep every decimal
 * the XML has (at least two), quantities drop insignificant zeros, catalog keys carry their SAT
 * text. String arithmetic only: no value goes through a JavaScript float.
 */
import { Decimal } from 'decimal.js';
import { catalogs } from '../../sat/catalogs.ts';

function group(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function split(value: string): [sign: string, integer: string, decimals: string] {
  const match = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (!match) return ['', value, ''];
  return [match[1] === '-' ? '-' : '', (match[2] ?? '').replace(/^0+(?=\d)/, '') || '0', match[3] ?? ''];
}

/** Amounts that money() writes as they are: under 1,000 with exactly two decimals ("77.59"). */
const AS_WRITTEN = /^(?:0|[1-9]\d{0,2})\.\d\d$/;

/** "1234.5" -> "1,234.50"; "853.448276" -> "853.448276"; "8.620690" -> "8.62069". */
export function money(value: string): string {
  if (AS_WRITTEN.test(value)) return value;
  const [sign, integer, decimals] = split(value);
  if (!/^\d+$/.test(integer)) return value;
  const kept = decimals.replace(/0+$/, '').padEnd(2, '0');
  return `${sign}${group(integer)}.${kept}`;
}

/** "1.000000" -> "1"; "2500.250" -> "2,500.25". */
export function quantity(value: string): string {
  const [sign, integer, decimals] = split(value);
  if (!/^\d+$/.test(integer)) return value;
  const kept = decimals.replace(/0+$/, '');
  return `${sign}${group(integer)}${kept ? `.${kept}` : ''}`;
}

/** percent's results: a CFDI's tasas are a handful of c_TasaOCuota values. */
const percents = new Map<string, string>();

/** A TasaOCuota as a percentage: "0.160000" -> "16%", "0.265000" -> "26.5%". */
export function percent(tasa: string): string {
  let text = percents.get(tasa);
  if (text === undefined) {
    try {
      text = `${new Decimal(tasa).times(100).toDecimalPlaces(4).toString()}%`;
    } catch {
      text = tasa;
    }
    if (percents.size < 256) percents.set(tasa, text);
  }
  return text;
}

/** "2025-01-24T10:10:41" -> "24/01/2025 10:10:41" (the CFDI's own local time, no zone). */
export function dateTime(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return match ? `${match[3]}/${match[2]}/${match[1]} ${match[4]}` : iso;
}

/** "601" + "General de Ley Personas Morales" -> "601 - General de Ley Personas Morales". */
function coded(code: string, text: string | undefined): string {
  const clean = text?.replace(/\.$/, '').trim();
  return clean ? `${code} - ${clean}` : code;
}

export const label = {
  regimenFiscal: (id: string) => coded(id, catalogs.regimenFiscal(id)?.texto),
  usoCfdi: (id: string) => coded(id, catalogs.usoCfdi(id)?.texto),
  formaPago: (id: string) => coded(id, catalogs.formaPago(id)?.texto),
  metodoPago: (id: string) => coded(id, catalogs.metodoPago(id)?.texto),
  moneda: (id: string) => coded(id, catalogs.moneda(id)?.texto),
  exportacion: (id: string) => coded(id, catalogs.exportacion(id)?.texto),
  tipoDeComprobante: (id: string) => coded(id, catalogs.tipoDeComprobante(id)?.texto),
  objetoImp: (id: string) => coded(id, catalogs.objetoImp(id)?.texto),
  tipoRelacion: (id: string) => coded(id, catalogs.tipoRelacion(id)?.texto),
  /** The tax's short name: "002" -> "IVA". */
  impuesto: (id: string) => catalogs.impuesto(id)?.texto ?? id,
  /** The unit's name from c_ClaveUnidad: "H87" -> "Pieza". */
  unidad: (id: string) => catalogs.claveUnidad(id)?.texto,
};

/** Document title by TipoDeComprobante. */
export function documentTitle(tipo: string): string {
  const titles: Record<string, string> = {
    I: 'FACTURA',
    E: 'NOTA DE CRÉDITO',
    T: 'CARTA PORTE / TRASLADO',
    N: 'RECIBO DE NÓMINA',
    P: 'RECIBO DE PAGO',
  };
  return titles[tipo] ?? 'CFDI';
}
