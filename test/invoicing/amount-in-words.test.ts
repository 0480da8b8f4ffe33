import { describe, expect, it } from 'vitest';
import { amountInWords, integerInWords } from '../../src/invoicing/amount-in-words.ts';

describe('amountInWords (MXN)', () => {
  it.each([
    ['0', 'CERO PESOS 00/100 M.N.'],
    ['0.00', 'CERO PESOS 00/100 M.N.'],
    ['0.5', 'CERO PESOS 50/100 M.N.'],
    ['1', 'UN PESO 00/100 M.N.'],
    ['1.00', 'UN PESO 00/100 M.N.'],
    ['1.01', 'UN PESO 01/100 M.N.'],
    ['2', 'DOS PESOS 00/100 M.N.'],
    ['10', 'DIEZ PESOS 00/100 M.N.'],
    ['11', 'ONCE PESOS 00/100 M.N.'],
    ['15', 'QUINCE PESOS 00/100 M.N.'],
    ['16', 'DIECISÉIS PESOS 00/100 M.N.'],
    ['19', 'DIECINUEVE PESOS 00/100 M.N.'],
    ['20', 'VEINTE PESOS 00/100 M.N.'],
    ['21', 'VEINTIÚN PESOS 00/100 M.N.'],
    ['22', 'VEINTIDÓS PESOS 00/100 M.N.'],
    ['23', 'VEINTITRÉS PESOS 00/100 M.N.'],
    ['26', 'VEINTISÉIS PESOS 00/100 M.N.'],
    ['30', 'TREINTA PESOS 00/100 M.N.'],
    ['31', 'TREINTA Y UN PESOS 00/100 M.N.'],
    ['45.10', 'CUARENTA Y CINCO PESOS 10/100 M.N.'],
    ['99.99', 'NOVENTA Y NUEVE PESOS 99/100 M.N.'],
    ['100', 'CIEN PESOS 00/100 M.N.'],
    ['101', 'CIENTO UN PESOS 00/100 M.N.'],
    ['115', 'CIENTO QUINCE PESOS 00/100 M.N.'],
    ['121', 'CIENTO VEINTIÚN PESOS 00/100 M.N.'],
    ['200', 'DOSCIENTOS PESOS 00/100 M.N.'],
    ['501', 'QUINIENTOS UN PESOS 00/100 M.N.'],
    ['777', 'SETECIENTOS SETENTA Y SIETE PESOS 00/100 M.N.'],
    ['999', 'NOVECIENTOS NOVENTA Y NUEVE PESOS 00/100 M.N.'],
    ['1000', 'MIL PESOS 00/100 M.N.'],
    ['1001', 'MIL UN PESOS 00/100 M.N.'],
    ['1100', 'MIL CIEN PESOS 00/100 M.N.'],
    ['1234.50', 'MIL DOSCIENTOS TREINTA Y CUATRO PESOS 50/100 M.N.'],
    ['2000', 'DOS MIL PESOS 00/100 M.N.'],
    ['3327.01', 'TRES MIL TRESCIENTOS VEINTISIETE PESOS 01/100 M.N.'],
    ['21000', 'VEINTIÚN MIL PESOS 00/100 M.N.'],
    ['100000', 'CIEN MIL PESOS 00/100 M.N.'],
    ['101000', 'CIENTO UN MIL PESOS 00/100 M.N.'],
    ['121121', 'CIENTO VEINTIÚN MIL CIENTO VEINTIÚN PESOS 00/100 M.N.'],
    ['999999', 'NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE PESOS 00/100 M.N.'],
    ['1000000', 'UN MILLÓN DE PESOS 00/100 M.N.'],
    ['1000001', 'UN MILLÓN UN PESOS 00/100 M.N.'],
    ['1001000', 'UN MILLÓN MIL PESOS 00/100 M.N.'],
    ['1500000.75', 'UN MILLÓN QUINIENTOS MIL PESOS 75/100 M.N.'],
    ['2000000.01', 'DOS MILLONES DE PESOS 01/100 M.N.'],
    ['21000000', 'VEINTIÚN MILLONES DE PESOS 00/100 M.N.'],
    ['100000000', 'CIEN MILLONES DE PESOS 00/100 M.N.'],
    [
      '999999999.99',
      'NOVECIENTOS NOVENTA Y NUEVE MILLONES NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE PESOS 99/100 M.N.',
    ],
    ['1000000000', 'MIL MILLONES DE PESOS 00/100 M.N.'],
    ['1001000000', 'MIL UN MILLONES DE PESOS 00/100 M.N.'],
    ['2500000000', 'DOS MIL QUINIENTOS MILLONES DE PESOS 00/100 M.N.'],
    ['1000000000000', 'UN BILLÓN DE PESOS 00/100 M.N.'],
    ['3000000000005', 'TRES BILLONES CINCO PESOS 00/100 M.N.'],
  ])('%s -> %s', (total, words) => {
    expect(amountInWords(total)).toBe(words);
  });

  it.each([
    ['0.004', 'CERO PESOS 00/100 M.N.'],
    ['0.005', 'CERO PESOS 01/100 M.N.'],
    ['1.995', 'DOS PESOS 00/100 M.N.'],
    ['862.069999', 'OCHOCIENTOS SESENTA Y DOS PESOS 07/100 M.N.'],
  ])('rounds %s half-up to cents', (total, words) => {
    expect(amountInWords(total)).toBe(words);
  });

  it.each(['-1', '', 'abc', '1,000.00', '1e3', '1.2.3'])('rejects %j', (total) => {
    expect(() => amountInWords(total)).toThrow();
  });

  it('rejects amounts of 10^18 or more', () => {
    expect(() => amountInWords('1000000000000000000')).toThrow(RangeError);
  });
});

describe('amountInWords (other currencies)', () => {
  it.each([
    ['3248.00', 'USD', 'TRES MIL DOSCIENTOS CUARENTA Y OCHO DÓLARES 00/100 USD'],
    ['1', 'USD', 'UN DÓLAR 00/100 USD'],
    ['2000000', 'EUR', 'DOS MILLONES DE EUROS 00/100 EUR'],
    ['21.5', 'GBP', 'VEINTIÚN 50/100 GBP'],
  ])('%s %s -> %s', (total, moneda, words) => {
    expect(amountInWords(total, moneda)).toBe(words);
  });
});

describe('integerInWords', () => {
  it('writes the largest supported amount', () => {
    expect(integerInWords(999_999_999_999_999_999n)).toBe(
      'NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE BILLONES ' +
        'NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE MILLONES ' +
        'NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE',
    );
  });
});
