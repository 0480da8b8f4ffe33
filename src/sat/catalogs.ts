/**
 * SAT catalogs (c_RegimenFiscal, c_UsoCFDI, c_FormaPago, ...) loaded lazily from the copies in
 * `src/sat/data/catalogs` (sources and licenses: test/fixtures/sat/SOURCES.md and MANIFEST.tsv).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PersonaType } from './rfc.ts';

const DIR = fileURLToPath(new URL('./data/catalogs/', import.meta.url));

export interface CatalogEntry {
  id: string;
  texto: string;
  vigencia_desde?: string;
  vigencia_hasta?: string;
}
export interface RegimenFiscal extends CatalogEntry {
  aplica_fisica: boolean;
  aplica_moral: boolean;
}
export interface UsoCfdi extends RegimenFiscal {
  regimenes_fiscales_receptores: string[];
}
export interface CodigoPostal {
  codigo_postal: string;
  /** c_Estado; this (2022) copy writes Ciudad de México as DIF, the 2026 c_Estado as CMX. */
  estado: string;
  municipio: string;
  localidad: string;
  /** 0 none, 1 región fronteriza norte, 2 región fronteriza sur. */
  estimulo_franja_fronteriza: 0 | 1 | 2;
  huso_horario: string;
}
export interface ClaveProdServ {
  clave: string;
  descripcion: string;
  estimulo_franja_fronteriza: boolean;
}

function loadJson<T extends CatalogEntry>(name: string): Map<string, T> {
  const parsed = JSON.parse(readFileSync(`${DIR}${name}.json`, 'utf8')) as { rows: T[] };
  return new Map(parsed.rows.map((row) => [String(row.id), { ...row, id: String(row.id) }]));
}

/** Splits one CSV line (RFC 4180 quoting). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** Rows of a CSV catalog (header dropped); lines without quotes take the fast path. */
function loadCsv(name: string): string[][] {
  const lines = readFileSync(`${DIR}${name}.csv`, 'utf8').split('\n');
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length === 0) continue;
    rows.push(line.includes('"') ? splitCsvLine(line) : line.split(','));
  }
  return rows;
}

function lazy<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= load();
    return value;
  };
}

const rawCache = new Map<string, Record<string, unknown>[]>();
function rawRows(name: string): Record<string, unknown>[] {
  let rows = rawCache.get(name);
  if (!rows) {
    rows = (JSON.parse(readFileSync(`${DIR}${name}.json`, 'utf8')) as { rows: Record<string, unknown>[] })
      .rows;
    rawCache.set(name, rows);
  }
  return rows;
}

const regimenes = lazy(() => loadJson<RegimenFiscal>('c_RegimenFiscal'));
const usos = lazy(() => loadJson<UsoCfdi>('c_UsoCFDI'));
const simple = new Map<string, () => Map<string, CatalogEntry>>();
function simpleCatalog(name: string): Map<string, CatalogEntry> {
  let get = simple.get(name);
  if (!get) {
    get = lazy(() => loadJson<CatalogEntry>(name));
    simple.set(name, get);
  }
  return get();
}
/** Postal codes: the raw CSV line per code, parsed only when looked up (95k rows load fast). */
const codigosPostales = lazy(() => {
  const map = new Map<string, string>();
  const lines = readFileSync(`${DIR}c_CodigoPostal.csv`, 'utf8').split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length > 5) map.set(line.slice(0, 5), line);
  }
  return map;
});
function codigoPostal(cp: string): CodigoPostal | undefined {
  const line = codigosPostales().get(cp);
  if (!line) return undefined;
  const [codigo = '', estado = '', municipio = '', localidad = '', estimulo = '0', , , huso = ''] =
    line.split(',');
  return {
    codigo_postal: codigo,
    estado,
    municipio,
    localidad,
    estimulo_franja_fronteriza: Number(estimulo) as 0 | 1 | 2,
    huso_horario: huso,
  };
}
const clavesProdServ = lazy(() => {
  const map = new Map<string, string>();
  const lines = readFileSync(`${DIR}c_ClaveProdServ.csv`, 'utf8').split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length > 8) map.set(line.slice(0, 8), line);
  }
  return map;
});
function claveProdServ(clave: string): ClaveProdServ | undefined {
  const line = clavesProdServ().get(clave);
  if (!line) return undefined;
  const [key = '', descripcion = '', , , , , , estimulo = ''] = line.includes('"')
    ? splitCsvLine(line)
    : line.split(',');
  return { clave: key, descripcion, estimulo_franja_fronteriza: estimulo === '01' };
}
const clavesUnidad = lazy(() => {
  const map = new Map<string, CatalogEntry>();
  for (const [id = '', texto = ''] of loadCsv('c_ClaveUnidad')) map.set(id, { id, texto });
  return map;
});

/** Typed look-ups into SAT's catalogs. Every function returns undefined for an unknown key. */
export const catalogs = {
  regimenFiscal: (id: string) => regimenes().get(id),
  regimenesFiscales: (): RegimenFiscal[] => [...regimenes().values()],
  /** Régimen fiscal keys that apply to a persona física or moral. */
  regimenesFor: (persona: PersonaType): RegimenFiscal[] =>
    [...regimenes().values()].filter((r) => (persona === 'fisica' ? r.aplica_fisica : r.aplica_moral)),
  usoCfdi: (id: string) => usos().get(id),
  usosCfdi: (): UsoCfdi[] => [...usos().values()],
  /** Usos CFDI that SAT allows for a receptor with this régimen and persona type. */
  usosFor: (regimen: string, persona: PersonaType): UsoCfdi[] =>
    [...usos().values()].filter(
      (u) =>
        u.regimenes_fiscales_receptores.includes(regimen) &&
        (persona === 'fisica' ? u.aplica_fisica : u.aplica_moral),
    ),
  isUsoAllowedForRegimen: (uso: string, regimen: string): boolean =>
    usos().get(uso)?.regimenes_fiscales_receptores.includes(regimen) ?? false,
  formaPago: (id: string) => simpleCatalog('c_FormaPago').get(id),
  formasPago: (): CatalogEntry[] => [...simpleCatalog('c_FormaPago').values()],
  metodoPago: (id: string) => simpleCatalog('c_MetodoPago').get(id),
  objetoImp: (id: string) => simpleCatalog('c_ObjetoImp').get(id),
  moneda: (id: string) => simpleCatalog('c_Moneda').get(id),
  exportacion: (id: string) => simpleCatalog('c_Exportacion').get(id),
  tipoDeComprobante: (id: string) => simpleCatalog('c_TipoDeComprobante').get(id),
  impuesto: (id: string) => simpleCatalog('c_Impuesto').get(id),
  tipoFactor: (id: string) => simpleCatalog('c_TipoFactor').get(id),
  tipoRelacion: (id: string) => simpleCatalog('c_TipoRelacion').get(id),
  pais: (id: string) => simpleCatalog('c_Pais').get(id),
  /** Raw rows of a small JSON catalog, e.g. 'c_TasaOCuota' (whose rows are rules, not keys). */
  rows: (name: string): Record<string, unknown>[] => rawRows(name),
  codigoPostal,
  claveProdServ,
  claveUnidad: (id: string) => clavesUnidad().get(id),
};
