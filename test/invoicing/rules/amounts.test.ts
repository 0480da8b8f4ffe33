/** Anexo 20 limits and SAT's redondeo, worked by hand. */
import { describe, expect, test } from 'vitest';
import {
  amount,
  decimalsOf,
  importeLimits,
  round,
  taxImporteLimits,
} from '../../../src/invoicing/rules/amounts.ts';

const limits = (l: ReturnType<typeof importeLimits>, places: number) =>
  l && [l.lower.toFixed(places), l.upper.toFixed(places)];

describe('amounts', () => {
  test('reads xs:decimal text and counts the decimals as written', () => {
    expect(amount('0.160000')?.toString()).toBe('0.16');
    expect(amount('1e3')).toBeUndefined();
    expect(amount('')).toBeUndefined();
    expect(decimalsOf('10.50')).toBe(2);
    expect(decimalsOf('10')).toBe(0);
  });

  test('redondeo is half up', () => {
    expect(round(amount('862.065')!, 2).toFixed()).toBe('862.07');
    expect(round(amount('137.931034')!, 2).toFixed()).toBe('137.93');
  });

  test.each([
    // Cantidad, ValorUnitario, decimals of the currency, [inferior, superior]
    ['1.000000', '8.620690', 2, ['8.62', '8.63']],
    ['4', '956.04', 2, ['3346.12', '4302.21']],
    ['1.00', '10.00', 2, ['9.94', '10.06']],
    ['1', '0', 0, ['0', '1']],
    ['1.5', '616.149970', 2, ['893.41', '955.04']],
  ] as const)('Concepto Importe limits of %s x %s (%i decimals)', (cantidad, valor, places, expected) => {
    expect(limits(importeLimits(cantidad, valor, places), places)).toEqual(expected);
  });

  test.each([
    ['2868.11', '0.160000', 2, ['458.89', '458.90']],
    ['853.448276', '0.160000', 2, ['136.55', '136.56']],
    ['1500', '0.160000', 2, ['239.92', '240.08']],
    ['180.00', '0.106667', 2, ['19.19', '19.21']],
    ['100.00', '0.000000', 2, ['0.00', '0.00']],
  ] as const)('tax Importe limits of %s x %s (%i decimals)', (base, tasa, places, expected) => {
    expect(limits(taxImporteLimits(base, tasa, places), places)).toEqual(expected);
  });
});
