import { describe, expect, it } from 'vitest';
import {
  parseCodigoPostal,
  parseDate,
  parseEmail,
  parseNombre,
  parseTotal,
  todayIn,
} from '../../flows/parse.ts';

const TODAY = '2026-11-25';

describe('parseDate (today is 2026-11-25 in Mexico City)', () => {
  it.each([
    ['24/11/2026', '2026-11-24'],
    ['24-11-26', '2026-11-24'],
    ['2026-11-24', '2026-11-24'],
    ['2026/11/24', '2026-11-24'],
    ['24.11.2026', '2026-11-24'],
    ['1/2/2026', '2026-02-01'],
    ['24 nov', '2026-11-24'],
    ['24 Nov.', '2026-11-24'],
    ['24 de noviembre', '2026-11-24'],
    ['24 de Noviembre de 2026', '2026-11-24'],
    ['24 de noviembre del 2026', '2026-11-24'],
    ['24 noviembre 2026', '2026-11-24'],
    ['24-NOV-2026', '2026-11-24'],
    ['24/nov/26', '2026-11-24'],
    ['nov 24, 2026', '2026-11-24'],
    ['martes, 24 de noviembre', '2026-11-24'],
    ['el 24 de noviembre', '2026-11-24'],
    ['  24/11/2026  ', '2026-11-24'],
    ['24/11/2026 13:45', '2026-11-24'],
    ['24/11/2026 01:45 p.m.', '2026-11-24'],
    ['1 sept', '2026-09-01'],
    ['1 set', '2026-09-01'],
    ['15 ago', '2026-08-15'],
    ['24/11', '2026-11-24'],
    ['hoy', '2026-11-25'],
    ['Hoy', '2026-11-25'],
    ['HOY.', '2026-11-25'],
    ['ayer', '2026-11-24'],
    ['antier', '2026-11-23'],
    ['anteayer', '2026-11-23'],
    ['antes de ayer', '2026-11-23'],
    ['25/11/2026', '2026-11-25'],
    ['29/02/2024', '2024-02-29'],
  ])('%j is %s', (text, date) => {
    expect(parseDate(text, TODAY)).toEqual({ ok: true, date });
  });

  it.each([
    // A day and month without a year is the most recent one: late December means last year.
    ['28 dic', '2026-01-05', '2025-12-28'],
    ['28/12', '2026-01-05', '2025-12-28'],
    ['5 ene', '2026-01-05', '2026-01-05'],
    ['1 dic', '2026-11-25', '2025-12-01'],
    ['ayer', '2026-01-01', '2025-12-31'],
    ['hoy', '2024-02-29', '2024-02-29'],
    ['29 feb', '2025-03-01', '2024-02-29'],
  ])('%j on %s is %s', (text, today, date) => {
    expect(parseDate(text, today)).toEqual({ ok: true, date });
  });

  it.each([
    ['26/11/2026', 'future'],
    ['mañana', 'format'],
    ['1 dic 2026', 'future'],
    ['2027-01-01', 'future'],
    ['31/02/2026', 'invalid'],
    ['29/02/2026', 'invalid'],
    ['11/24/2026', 'invalid'],
    ['00/11/2026', 'invalid'],
    ['24/13/2026', 'invalid'],
    ['24/11/1999', 'invalid'],
    ['32 nov', 'invalid'],
    ['', 'format'],
    ['noviembre', 'format'],
    ['24 de nada', 'format'],
    ['24 constructor', 'format'],
    ['constructor', 'format'],
    ['__proto__', 'format'],
    ['24/11/2026/1', 'format'],
    ['1234.50', 'format'],
    ['7KQ2-M9XD-4HPE', 'format'],
    ['2'.repeat(200), 'format'],
  ])('%j is refused as %s', (text, reason) => {
    expect(parseDate(text, TODAY)).toEqual({ ok: false, reason });
  });

  it('refuses everything when "today" is not a date', () => {
    expect(parseDate('hoy', 'not-a-date')).toEqual({ ok: false, reason: 'format' });
  });
});

describe('todayIn (America/Mexico_City)', () => {
  it.each([
    ['2026-11-25T18:00:00Z', '2026-11-25'],
    ['2026-11-26T05:59:59Z', '2026-11-25'],
    ['2026-11-26T06:00:00Z', '2026-11-26'],
    ['2026-01-01T03:00:00Z', '2025-12-31'],
    ['2026-11-25T00:30:00-06:00', '2026-11-25'],
  ])('%s is %s', (now, day) => {
    expect(todayIn(now)).toBe(day);
  });

  it.each([['garbage'], [''], [undefined], ['9'.repeat(100)]])('%j is null', (now) => {
    expect(todayIn(now)).toBeNull();
  });
});

describe('parseTotal', () => {
  it.each([
    ['$1,234.50', '1234.50'],
    ['1234.5', '1234.50'],
    ['1 234,50', '1234.50'],
    ['1.234,50', '1234.50'],
    ['$ 90', '90.00'],
    ['90', '90.00'],
    ['90.', '90.00'],
    ['$0.99', '0.99'],
    ['12,5', '12.50'],
    ['12,50', '12.50'],
    ['1,234', '1234.00'],
    ['1.234', '1234.00'],
    ['1.234.567', '1234567.00'],
    ['1,234,567.89', '1234567.89'],
    ['1.234.567,89', '1234567.89'],
    ['1 234 567.89', '1234567.89'],
    ['1\u00a0234,50', '1234.50'],
    ['$ 1 234', '1234.00'],
    ['MXN 45.00', '45.00'],
    ['45 pesos', '45.00'],
    ['45.00 MXN', '45.00'],
    ['$45 m.n.', '45.00'],
    ['Total: $1,234.50', '1234.50'],
    ['  $1,234.50  ', '1234.50'],
    ['99999999.99', '99999999.99'],
  ])('%j is %s', (text, total) => {
    expect(parseTotal(text)).toBe(total);
  });

  it.each([
    [''],
    ['$'],
    ['0'],
    ['0.00'],
    ['-5'],
    ['$-5'],
    ['abc'],
    ['1,23,456'],
    ['1.2.3'],
    ['1.234,500'],
    ['1,234.56,7'],
    ['$1,234.5.0'],
    ['12.345,6.7'],
    ['1e5'],
    ['Infinity'],
    ['0x10'],
    ['100000000'],
    ['1,2345'],
    ['12 34'],
    ['24/11/2026'],
    ['9'.repeat(80)],
  ])('%j is refused', (text) => {
    expect(parseTotal(text)).toBeNull();
  });
});

describe('parseEmail', () => {
  it.each([
    ['ana@example.com', 'ana@example.com'],
    ['Ana.Lopez@Example.COM', 'ana.lopez@example.com'],
    ['  ana+factura@sub.example.com.mx ', 'ana+factura@sub.example.com.mx'],
    ['mailto:ana@example.com', 'ana@example.com'],
  ])('%j is %s', (text, email) => {
    expect(parseEmail(text)).toBe(email);
  });

  it.each([
    ['ana'],
    ['ana@'],
    ['@example.com'],
    ['ana@example'],
    ['ana@@example.com'],
    ['ana @example.com'],
    ['.ana@example.com'],
    ['ana..b@example.com'],
    ['<script>@x.com'],
    [`${'a'.repeat(250)}@example.com`],
  ])('%j is refused', (text) => {
    expect(parseEmail(text)).toBeNull();
  });
});

describe('parseNombre', () => {
  it.each([
    ['María López Pérez', 'MARÍA LÓPEZ PÉREZ'],
    ['  acme   soluciones ', 'ACME SOLUCIONES'],
    ['acme\u0000soluciones', 'ACME SOLUCIONES'],
    ['O’Brien & Hijos', 'O’BRIEN & HIJOS'],
    ['7 Eleven México', '7 ELEVEN MÉXICO'],
  ])('%j is %s', (text, nombre) => {
    expect(parseNombre(text)).toBe(nombre);
  });

  it.each([[''], ['   '], ['12345'], ['ACME | SA'], ['A'.repeat(255)], ['😀😀']])('%j is refused', (text) => {
    expect(parseNombre(text)).toBeNull();
  });
});

describe('parseCodigoPostal', () => {
  it.each([
    ['06600', '06600'],
    [' 06 600 ', '06600'],
  ])('%j is %s', (text, cp) => {
    expect(parseCodigoPostal(text)).toBe(cp);
  });

  it.each([['6600'], ['066000'], ['CP 06600'], ['abcde'], ['']])('%j is refused', (text) => {
    expect(parseCodigoPostal(text)).toBeNull();
  });
});
