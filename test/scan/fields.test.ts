import { describe, expect, it } from 'vitest';
import { amountsIn, datesIn, findDate, findTotal } from '../../src/scan/fields.ts';

describe('dates', () => {
  it.each([
    ['Fecha: 24/11/2026 13:45', ['2026-11-24']],
    ['Fecha: 2026-11-24', ['2026-11-24']],
    ['FECHA 24-nov-2026', ['2026-11-24']],
    ['24 de noviembre de 2026', ['2026-11-24']],
    ['24-NOV-26', ['2026-11-24']],
    ['Fecha: 24.11.2026', ['2026-11-24']],
    ['Fecha: 24/1l/2O26', ['2026-11-24']],
    ['Fecha: 31/02/2026', []],
    ['Fecha: 24/13/2026', []],
    ['Tel. 55 1234 5678', []],
    ['Ticket: 13207 Caja: 2', []],
  ])('%j -> %j', (line, expected) => {
    expect(datesIn(line)).toEqual(expected);
  });

  it('prefers the date on the Fecha line', () => {
    expect(findDate('Vence: 01/12/2026\nFecha: 24/11/2026\nGracias')).toBe('2026-11-24');
    expect(findDate('Fecha:\n24/11/2026')).toBe('2026-11-24');
    expect(findDate('Impreso 2026-11-25')).toBe('2026-11-25');
    expect(findDate('sin fecha')).toBeNull();
  });
});

describe('amounts and total', () => {
  it.each([
    ['TOTAL $1,234.50', ['1234.50']],
    ['TOTAL $ 1,234.50', ['1234.50']],
    ['Total: 1234.50', ['1234.50']],
    ['TOTAL MXN 1.234,50', ['1234.50']],
    ['$676. 41', ['676.41']],
    ['TOTAL $1,O85.99', ['1085.99']],
    ['TOTAL $12,345,678.00', ['12345678.00']],
    ['Caja: 2', []],
  ])('%j -> %j', (line, expected) => {
    expect(amountsIn(line)).toEqual(expected);
  });

  it.each([
    ['SUBTOTAL $1,063.71\nIVA 16% $170.79\nTOTAL $1,234.50\nEFECTIVO $1,500.00', '1234.50'],
    ['TOTAL ARTICULOS: 3\nTOTAL A PAGAR $99.90', '99.90'],
    ['TOTAL\n$ 45.00', '45.00'],
    ['Sub Total 10.00', null],
    ['IMPORTE TOTAL 350.00', '350.00'],
    ['Gracias por su compra', null],
  ])('%j -> %s', (text, expected) => {
    expect(findTotal(text)).toBe(expected);
  });
});
