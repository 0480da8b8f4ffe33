/**
 * The receptor rules the invoicing flow applies while it collects fiscal data: which régimen and uso
 * CFDI keys fit an RFC, whether a stored customer is still usable, and the régimen de capital
 * ("S.A. de C.V.") that CFDI 4.0 wants left out of the name. Pure look-ups into SAT's catalogs.
 */
import { catalogs } from '../src/sat/catalogs.ts';
import { type PersonaType, Rfc } from '../src/sat/rfc.ts';

/** The receptor as the flow collects it: every field may still be missing. */
export interface ReceptorDraft {
  rfc: string | null;
  nombre: string | null;
  codigoPostal: string | null;
  regimenFiscal: string | null;
  usoCfdi: string | null;
  email: string | null;
}

export const EMPTY_RECEPTOR: ReceptorDraft = {
  rfc: null,
  nombre: null,
  codigoPostal: null,
  regimenFiscal: null,
  usoCfdi: null,
  email: null,
};

/** Uso CFDI keys that never apply to an ingreso invoice from a ticket (pagos, nómina). */
const NOT_FOR_TICKETS = new Set(['CP01', 'CN01']);

/** The uso most customers want, offered first. */
export const COMMON_USO = 'G03';

/** Persona física or moral of a valid RFC, or null. */
export function personaOf(rfc: string | null): PersonaType | null {
  if (rfc === null) return null;
  return Rfc.parseOrNull(rfc)?.persona ?? null;
}

/** Régimen fiscal keys SAT allows for this persona type, in catalog order. */
export function regimenKeysFor(persona: PersonaType): string[] {
  return catalogs.regimenesFor(persona).map((r) => r.id);
}

/** Uso CFDI keys SAT allows for this régimen and persona, G03 first, pagos and nómina left out. */
export function usoKeysFor(regimen: string, persona: PersonaType): string[] {
  const keys = catalogs
    .usosFor(regimen, persona)
    .map((u) => u.id)
    .filter((id) => !NOT_FOR_TICKETS.has(id));
  return keys.includes(COMMON_USO) ? [COMMON_USO, ...keys.filter((k) => k !== COMMON_USO)] : keys;
}

/** True when `regimen` applies to the persona type of `rfc`. */
export function isRegimenValidFor(regimen: string | null, rfc: string | null): boolean {
  const persona = personaOf(rfc);
  return persona !== null && regimen !== null && regimenKeysFor(persona).includes(regimen);
}

/** True when `uso` is allowed for `regimen` and the persona type of `rfc`. */
export function isUsoValidFor(uso: string | null, regimen: string | null, rfc: string | null): boolean {
  const persona = personaOf(rfc);
  if (persona === null || regimen === null || uso === null) return false;
  return usoKeysFor(regimen, persona).includes(uso);
}

/** True when SAT's c_CodigoPostal has this postal code. */
export function codigoPostalExists(cp: string | null): boolean {
  return cp !== null && catalogs.codigoPostal(cp) !== undefined;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length <= 254 ? value : null;
}

/** Keeps only the fields of a stored customer that are still valid for its RFC (catalogs change). */
export function usableFields(stored: ReceptorDraft): ReceptorDraft {
  const rfc = personaOf(stringOrNull(stored.rfc)) !== null ? stored.rfc : null;
  const nombre = stringOrNull(stored.nombre)?.trim() ?? '';
  const codigoPostal = stringOrNull(stored.codigoPostal);
  const regimen = stringOrNull(stored.regimenFiscal);
  const regimenFiscal = isRegimenValidFor(regimen, rfc) ? regimen : null;
  const uso = stringOrNull(stored.usoCfdi);
  return {
    rfc,
    nombre: nombre.length > 0 ? nombre : null,
    codigoPostal: codigoPostalExists(codigoPostal) ? codigoPostal : null,
    regimenFiscal,
    usoCfdi: isUsoValidFor(uso, regimenFiscal, rfc) ? uso : null,
    email: stringOrNull(stored.email),
  };
}

/** True when every field needed to issue the invoice is present and consistent. */
export function isComplete(r: ReceptorDraft): boolean {
  return (
    personaOf(r.rfc) !== null &&
    r.nombre !== null &&
    codigoPostalExists(r.codigoPostal) &&
    isRegimenValidFor(r.regimenFiscal, r.rfc) &&
    isUsoValidFor(r.usoCfdi, r.regimenFiscal, r.rfc)
  );
}

/**
 * Régimen de capital at the end of a company name: S.A., S.A. de C.V., SA DE CV, S.A.B. de C.V.,
 * S.A.P.I. de C.V., S. de R.L. (de C.V.), S.A.S., S.C., A.C., I.A.P., S.P.R. de R.L., S. en C.
 */
const CAPITAL_REGIME =
  /(?:^|[\s,.])(?:S\.?\s?A\.?(?:\s?[BS]\.?|\s?P\.?\s?I\.?(?:\s?B\.?)?)?(?:\s?DE\s?C\.?\s?V\.?)?|S\.?\s?DE\s?R\.?\s?L\.?(?:\s?DE\s?C\.?\s?V\.?|\s?MI\.?)?|S\.?\s?C\.?(?:\s?DE\s?R\.?\s?L\.?|\s?DE\s?P\.?)?|A\.?\s?C\.?|I\.?\s?A\.?\s?P\.?|S\.?\s?P\.?\s?R\.?\s?DE\s?R\.?\s?L\.?|S\.?\s?EN\s?C\.?(?:\s?POR\s?A\.?)?)\s*$/u;

/**
 * Splits a name that ends in a régimen de capital: `{ base: 'ACME', suffix: 'S.A. DE C.V.' }`,
 * or null when it has none. Expects the upper-case form from `parseNombre`.
 */
export function splitCapitalRegime(nombre: string): { base: string; suffix: string } | null {
  if (nombre.length > 300) return null;
  const m = CAPITAL_REGIME.exec(nombre);
  if (!m) return null;
  const start = m.index + (/^[\s,.]/u.test(m[0]) ? 1 : 0);
  const base = nombre
    .slice(0, start)
    .replace(/[\s,]+$/u, '')
    .trim();
  if (base.length === 0) return null;
  return { base, suffix: nombre.slice(start).trim() };
}
