/**
 * Offline pre-flight checks of a CFDI 4.0 against SAT's error matrix ("Matriz de errores", see
 * RULES.md for every code: checked here, checked in ../verify.ts, or left out and why). Each
 * violation carries SAT's own code and message, so what we show before stamping reads the same as
 * what a PAC would answer.
 */

import { certificadoRules } from './certificado.ts';
import { CENTRAL_ZONE, instantOf, isFecha } from './clock.ts';
import { comprobanteRules } from './comprobante.ts';
import { conceptoImpuestosRules } from './concepto-impuestos.ts';
import { conceptoRules } from './conceptos.ts';
import { emisorReceptorRules } from './emisor-receptor.ts';
import { globalRelacionadosRules } from './global-relacionados.ts';
import { impuestosRules } from './impuestos.ts';
import { MATRIX, type MatrixCode, matrixIndex } from './messages.ts';
import { type Cfdi, readCfdi, TFD_NS } from './model.ts';
import type { Rule, RuleEnv } from './rule.ts';

export type { MatrixCode } from './messages.ts';

export interface Violation {
  /** SAT's code, e.g. "CFDI40108". */
  readonly code: string;
  /** SAT's message for the code, verbatim. */
  readonly message: string;
  /** Where: "Comprobante@SubTotal", "Conceptos/Concepto[2]/Impuestos/Traslados/Traslado[1]@Importe". */
  readonly field?: string;
}

export interface ValidateOptions {
  /**
   * The reference clock for clock-dependent rules (Fecha not ahead of the local time,
   * InformacionGlobal@Año). Default: the TimbreFiscalDigital's FechaTimbrado when the CFDI is
   * stamped (so a stamped CFDI is judged as of its stamping), else the current time.
   */
  readonly now?: Date;
}

/** Every rule checked here, one per matrix code. */
export const RULES: readonly Rule[] = [
  ...comprobanteRules,
  ...certificadoRules,
  ...globalRelacionadosRules,
  ...emisorReceptorRules,
  ...conceptoRules,
  ...conceptoImpuestosRules,
  ...impuestosRules,
].sort((a, b) => matrixIndex(a.code) - matrixIndex(b.code));

const UNCLASSIFIED: MatrixCode = 'CFDI40999';

function violation(code: MatrixCode, field?: string): Violation {
  return field === undefined ? { code, message: MATRIX[code] } : { code, message: MATRIX[code], field };
}

/** FechaTimbrado of the TimbreFiscalDigital, as an instant (PACs write central Mexico time). */
function stampedAt(cfdi: Cfdi): Date | undefined {
  const tfd = cfdi.complementos.find((c) => c.namespace === TFD_NS && c.name === 'TimbreFiscalDigital');
  const fecha = tfd?.attributes.get('FechaTimbrado');
  return isFecha(fecha) ? instantOf(fecha, CENTRAL_ZONE) : undefined;
}

/**
 * All violations of the offline rules of SAT's CFDI 4.0 error matrix, in matrix order; [] when the
 * CFDI passes. Never throws: a document that is not well-formed XML or not a CFDI 4.0 Comprobante
 * yields one CFDI40999 ("Error no clasificado", SAT's catch-all) whose field says why.
 * The seal (CFDI40102) is not checked here: that is verifyCfdi's job.
 */
export function validateCfdi(xml: string, opts: ValidateOptions = {}): Violation[] {
  try {
    const read = readCfdi(typeof xml === 'string' ? xml : String(xml));
    if (!read.ok) return [violation(UNCLASSIFIED, read.problem)];
    const { cfdi } = read;
    const now = opts.now instanceof Date && !Number.isNaN(opts.now.getTime()) ? opts.now : undefined;
    const env: RuleEnv = { now: now ?? stampedAt(cfdi) ?? new Date() };
    const found: Array<{ code: MatrixCode; field?: string }> = [];
    if (cfdi.version !== '4.0') found.push({ code: UNCLASSIFIED, field: 'Comprobante@Version' });
    for (const rule of RULES) {
      try {
        for (const field of rule.check(cfdi, env)) found.push({ code: rule.code, field });
      } catch (error) {
        found.push({
          code: UNCLASSIFIED,
          field: `${rule.code} could not be checked: ${(error as Error).message}`,
        });
      }
    }
    return found
      .map((f, i) => ({ ...f, i }))
      .sort((a, b) => matrixIndex(a.code) - matrixIndex(b.code) || a.i - b.i)
      .map((f) => violation(f.code, f.field));
  } catch (error) {
    return [violation(UNCLASSIFIED, `unexpected error: ${(error as Error)?.message ?? String(error)}`)];
  }
}
