/**
 * Ticket billing codes: 12 symbols of Crockford base32, the last one a Luhn mod 32 check symbol,
 * shown as XXXX-XXXX-XXXX. 11 random symbols give 55 bits. Read case- and separator-insensitively,
 * tolerant of O/0 and I/L/1 (Crockford's decoding rules).
 */
import { randomBytes } from 'node:crypto';

export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DATA_LENGTH = 11;

function symbolValue(symbol: string): number {
  return CROCKFORD.indexOf(symbol);
}

/** Luhn mod N (N = 32) check symbol over Crockford values: catches every single-symbol error. */
export function checkSymbol(data: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = data.length - 1; i >= 0; i--) {
    let addend = factor * symbolValue(data[i] ?? '0');
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / 32) + (addend % 32);
    sum += addend;
  }
  return CROCKFORD[(32 - (sum % 32)) % 32] ?? '0';
}

/** Maps look-alikes to Crockford symbols and drops separators; does not check length or checksum. */
export function normalizeCodeText(text: string): string {
  return text
    .toUpperCase()
    .replace(/[\s\-_.·]/gu, '')
    .replace(/O/gu, '0')
    .replace(/[IL]/gu, '1');
}

export class TicketCode {
  private constructor(readonly compact: string) {}

  static generate(): TicketCode {
    const bytes = randomBytes(DATA_LENGTH);
    let data = '';
    for (const byte of bytes) data += CROCKFORD[byte & 31];
    return new TicketCode(data + checkSymbol(data));
  }

  /** Parses a code typed by a person ("7kq2 m9xd 4hpa", "7KQ2-M9XD-4HPA"), or null. */
  static parse(text: string): TicketCode | null {
    const compact = normalizeCodeText(text);
    if (compact.length !== DATA_LENGTH + 1) return null;
    for (const ch of compact) if (symbolValue(ch) < 0) return null;
    const data = compact.slice(0, DATA_LENGTH);
    if (checkSymbol(data) !== compact[DATA_LENGTH]) return null;
    return new TicketCode(compact);
  }

  /**
   * Finds a code inside free text: a pasted URL (`/t/<code>`, `?start=<code>`, a wa.me text) or a
   * message that contains one among other words.
   */
  static findIn(text: string): TicketCode | null {
    const direct = TicketCode.parse(text);
    if (direct) return direct;
    // Whole words only: inside "ticket A0QF-0KMH-N4VV" the run "cket A0QF 0KMH" must not count,
    // since one such run in 32 carries a valid check symbol by chance.
    const candidates =
      text.match(
        /(?<![0-9A-Za-z])[0-9A-Za-z]{4}[\s\-_.]?[0-9A-Za-z]{4}[\s\-_.]?[0-9A-Za-z]{4}(?![0-9A-Za-z])/gu,
      ) ?? [];
    for (const candidate of candidates) {
      const code = TicketCode.parse(candidate);
      if (code) return code;
    }
    const tokens = text.split(/[^0-9A-Za-z]+/u);
    for (let i = 0; i < tokens.length; i++) {
      const joined = tokens.slice(i, i + 3).join('');
      const code = TicketCode.parse(joined);
      if (code) return code;
    }
    return null;
  }

  /** XXXX-XXXX-XXXX */
  toString(): string {
    return `${this.compact.slice(0, 4)}-${this.compact.slice(4, 8)}-${this.compact.slice(8)}`;
  }
}
