/**
 * The shape of a validation rule: one code of SAT's CFDI 4.0 error matrix and a check that returns
 * the places (fields) where a CFDI breaks it. A rule that does not apply returns [].
 */

import type { MatrixCode } from './messages.ts';
import type { Cfdi, Node } from './model.ts';

/** What a rule may know besides the document: the reference clock. */
export interface RuleEnv {
  /** "Now" for rules that depend on the clock (Fecha in the future, InformacionGlobal@Año). */
  readonly now: Date;
}

export interface Rule {
  readonly code: MatrixCode;
  /** Fields where the CFDI breaks the rule, e.g. "Conceptos/Concepto[1]@Importe"; [] when it holds. */
  check(cfdi: Cfdi, env: RuleEnv): readonly string[];
}

/** A field locator: the node's path, plus "@Attribute" when given. */
export function at(node: Node | string, attribute?: string): string {
  const path = typeof node === 'string' ? node : node.path;
  return attribute ? `${path}@${attribute}` : path;
}

/** [field] when the condition holds, else []: for rules about a single place. */
export function when(condition: boolean, field: string): string[] {
  return condition ? [field] : [];
}

export const RFC_PUBLICO_GENERAL = 'XAXX010101000';
export const RFC_EXTRANJERO = 'XEXX010101000';
export const PUBLICO_EN_GENERAL = 'PUBLICO EN GENERAL';

/** XAXX010101000 or XEXX010101000. */
export function isGenericRfc(rfc: string | undefined): boolean {
  return rfc === RFC_PUBLICO_GENERAL || rfc === RFC_EXTRANJERO;
}

/** Persona type from the RFC length (13 física, 12 moral), undefined for other lengths. */
export function personaOf(rfc: string | undefined): 'fisica' | 'moral' | undefined {
  if (rfc?.length === 13) return 'fisica';
  if (rfc?.length === 12) return 'moral';
  return undefined;
}

/** I, E or N: the types whose amounts are summed (SubTotal, Descuento, ValorUnitario > 0). */
export function isIngresoEgresoNomina(cfdi: Cfdi): boolean {
  return cfdi.tipoDeComprobante === 'I' || cfdi.tipoDeComprobante === 'E' || cfdi.tipoDeComprobante === 'N';
}

/** T or P: the types without amounts, taxes or payment method. */
export function isTrasladoOrPago(cfdi: Cfdi): boolean {
  return cfdi.tipoDeComprobante === 'T' || cfdi.tipoDeComprobante === 'P';
}
