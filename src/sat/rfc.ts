/**
 * RFC (Registro Federal de Contribuyentes) as a value object, modelled on nodecfdi/rfc:
 * parse once at the edge, pass a typed `Rfc` inside.
 */

const PATTERN = /^([A-ZÑ&]{3,4})([0-9]{2})(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([A-Z0-9]{2})([A0-9])$/u;
const CHECK_ALPHABET = '0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ';

export const RFC_GENERIC_NATIONAL = 'XAXX010101000';
export const RFC_GENERIC_FOREIGN = 'XEXX010101000';

export type PersonaType = 'fisica' | 'moral';

export type RfcProblem = 'format' | 'check_digit' | 'date';

/** Computes the RFC check digit (homoclave's last symbol) for the first 11 or 12 symbols. */
export function rfcCheckDigit(withoutDigit: string): string {
  const padded = withoutDigit.length === 11 ? ` ${withoutDigit}` : withoutDigit;
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const value = CHECK_ALPHABET.indexOf(padded[i] ?? ' ');
    sum += Math.max(value, 0) * (13 - i);
  }
  const digit = 11 - (sum % 11);
  if (digit === 11) return '0';
  if (digit === 10) return 'A';
  return String(digit);
}

export class Rfc {
  private constructor(readonly value: string) {}

  /** Parses an RFC, or explains why it is not one. Generic RFCs parse (see `isGeneric`). */
  static check(input: string): { ok: true; rfc: Rfc } | { ok: false; problem: RfcProblem } {
    const value = input.normalize('NFC').trim().toUpperCase().replace(/[\s-]/gu, '');
    if (value === RFC_GENERIC_NATIONAL || value === RFC_GENERIC_FOREIGN)
      return { ok: true, rfc: new Rfc(value) };
    const match = PATTERN.exec(value);
    if (!match) return { ok: false, problem: 'format' };
    const month = Number(match[3]);
    const day = Number(match[4]);
    const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
    if (day > daysInMonth) return { ok: false, problem: 'date' };
    if (rfcCheckDigit(value.slice(0, -1)) !== value.slice(-1)) return { ok: false, problem: 'check_digit' };
    return { ok: true, rfc: new Rfc(value) };
  }

  static parse(input: string): Rfc {
    const result = Rfc.check(input);
    if (!result.ok) throw new Error(`Invalid RFC (${result.problem}): ${input}`);
    return result.rfc;
  }

  static parseOrNull(input: string): Rfc | null {
    const result = Rfc.check(input);
    return result.ok ? result.rfc : null;
  }

  static isValid(input: string): boolean {
    return Rfc.check(input).ok;
  }

  /** 13 symbols: persona física; 12: persona moral. */
  get persona(): PersonaType {
    return this.value.length === 13 ? 'fisica' : 'moral';
  }

  /** XAXX010101000 (público en general) or XEXX010101000 (residente en el extranjero). */
  get isGeneric(): boolean {
    return this.value === RFC_GENERIC_NATIONAL || this.value === RFC_GENERIC_FOREIGN;
  }

  toString(): string {
    return this.value;
  }
}
