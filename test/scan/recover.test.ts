import { describe, expect, it } from 'vitest';
import { checkSymbol } from '../../src/sat/code.ts';
import {
  CONFUSIONS,
  codeCandidates,
  recoverCode,
  recoverFromReads,
  repairs,
} from '../../src/scan/recover.ts';

// Valid codes used below (11 data symbols + Luhn mod 32 check symbol):
// 1X22-324C-0FFJ, 4MZ9-K7KK-BYAC, 4XZM-JNG5-94SZ, 5B2G-6Z8S-0D1M; EKU9003173C9 (an RFC) is not valid.

describe('recoverCode: one OCR text', () => {
  it.each([
    // [OCR text, expected code or null, repairs, why]
    ['1X22-324C-0FFJ', '1X22-324C-0FFJ', 0, 'read right'],
    ['1X22-324C-OFFJ', '1X22-324C-0FFJ', 0, 'O for 0 is Crockford tolerance, not a repair'],
    ['lX22-324C-OFFJ', '1X22-324C-0FFJ', 0, 'lower-case l for 1 likewise'],
    ['1X22—324C—0FFJ', '1X22-324C-0FFJ', 0, 'em dashes'],
    ['1X22=324C~0FFJ', '1X22-324C-0FFJ', 0, 'dashes misread as = and ~'],
    ['4MZ9 -K7KK-BYAC', '4MZ9-K7KK-BYAC', 0, 'space before the dash (tesseract does this)'],
    ['Código de facturación:\n4MZ9K7KKBYAC', '4MZ9-K7KK-BYAC', 0, 'no dashes, on the line after the label'],
    ['Codigo de facturacion: 4MZ9 K7KK BYAC', '4MZ9-K7KK-BYAC', 0, 'spaces, same line as the label'],
    ['CODIGO DE FACTURACION 4MZ9K7KKBYAC', '4MZ9-K7KK-BYAC', 0, 'no colon, no dashes'],
    ['1X22-324C-O0FFJ', '1X22-324C-0FFJ', 1, 'a doubled glyph is dropped'],
    ['SB2G-6Z8S-0D1M', '5B2G-6Z8S-0D1M', 1, 'S for 5'],
    ['5BZG-6Z8S-0D1M', '5B2G-6Z8S-0D1M', 1, 'Z for 2'],
    ['5B26-6Z8S-0D1M', '5B2G-6Z8S-0D1M', 1, '6 for G'],
    ['5B2G-GZ8S-0D1M', '5B2G-6Z8S-0D1M', 1, 'G for 6'],
    ['5B2G-6Z85-0D1M', '5B2G-6Z8S-0D1M', 1, '5 for S'],
    ['5B2G-6Z8S-0DTM', '5B2G-6Z8S-0D1M', 1, 'T for 1'],
    ['582G-6Z8S-0D1M', null, 0, '8 for B: another single change also passes, so no guess'],
    ['5B2G-6ZBS-0D1M', null, 0, 'B for 8: ambiguous likewise'],
    ['AMZ9 -K7KK-BYAC', null, 0, 'A for 4: ambiguous (the line must be read again)'],
    ['RFC: EKU9003173C9', null, 0, 'a 12-character RFC is neither code-shaped nor labelled'],
    ['TOTAL $1,234.50\nFecha: 24/11/2026', null, 0, 'no code at all'],
    ['1X22-324C-0FFJ\n4MZ9-K7KK-BYAC', null, 0, 'two different valid codes: refuse to choose'],
  ] as [string, string | null, number, string][])('%j -> %s', (text, expected, repaired) => {
    const found = recoverCode(text);
    expect(found?.code.toString() ?? null).toBe(expected);
    if (found) expect(found.repairs).toBe(repaired);
  });

  it('never repairs into a code that fails the check symbol', () => {
    for (const raw of ['SB2G6Z8S0D1M', '582G6Z8S0D1M', 'AMZ9K7KKBYAC', 'UUUUUUUUUUUU']) {
      for (const level of repairs(raw)) {
        for (const code of level) {
          const compact = code.toString().replaceAll('-', '');
          expect(checkSymbol(compact.slice(0, 11))).toBe(compact[11]);
        }
      }
    }
  });

  it('reads U as V (U is not a Crockford symbol)', () => {
    const data = '4MZ9K7KKBYV';
    const code = data + checkSymbol(data);
    const printed = code.replace('V', 'U');
    expect(
      recoverCode(`${printed.slice(0, 4)}-${printed.slice(4, 8)}-${printed.slice(8)}`)?.code.toString(),
    ).toBe(`${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`);
  });

  it('covers the confusions the issue names in both directions', () => {
    for (const [a, b] of [
      ['5', 'S'],
      ['8', 'B'],
      ['2', 'Z'],
      ['6', 'G'],
    ] as const) {
      expect(CONFUSIONS[a]).toContain(b);
      expect(CONFUSIONS[b]).toContain(a);
    }
  });

  it('finds code-shaped groups and label lines as candidates', () => {
    const found = codeCandidates(
      'RFC: EKU9003173C9\nCódigo de facturación:\n1X22 324C 0FFJ\nX 7KQ2-M9XD-4HPA',
    );
    expect(found.map((c) => [c.raw, c.nearLabel])).toEqual([
      ['1X22324C0FFJ', true],
      ['7KQ2M9XD4HPA', false],
    ]);
  });
});

describe('recoverFromReads: several reads of the code line', () => {
  it.each([
    // Real tesseract output on generated tickets (page read first, then the re-read crops).
    [['AMZ9 -K7KK-BYAC', '“AMZ9-K7KK-BYAC', 'AMZ9-K7KK-BYAC', '“4MZ9-K7KK-BYAC'], '4MZ9-K7KK-BYAC'],
    [['4XZM=ING5-94SZ', 'AXZM-JNG5-94S7', 'AXZM-JNG5-9457', 'AXZM-JNG5-94SZ'], '4XZM-JNG5-94SZ'],
    [['1X22-324C-O0FFJ'], '1X22-324C-0FFJ'],
    [['1X22-324C-0FFJ', '1X22-324C-0FFJ'], '1X22-324C-0FFJ'],
    [['1X22-324C-0FFJ', '4MZ9-K7KK-BYAC'], null],
    [['AMZ9 -K7KK-BYAC'], null],
    [['no code here', 'Gracias por su compra'], null],
  ])('%j -> %s', (reads, expected) => {
    expect(recoverFromReads(reads)?.code.toString() ?? null).toBe(expected);
  });
});
