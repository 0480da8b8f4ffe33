/** Local time at a postal code (c_CodigoPostal huso horario) and the years "current" in Mexico. */
import { describe, expect, test } from 'vitest';
import { currentYears, instantOf, isFecha, zoneOf } from '../../../src/invoicing/rules/clock.ts';

describe('clock', () => {
  test('Fecha pattern and calendar', () => {
    expect(isFecha('2025-02-19T08:32:29')).toBe(true);
    expect(isFecha('2024-02-29T00:00:00')).toBe(true);
    expect(isFecha('2025-02-29T00:00:00')).toBe(false);
    expect(isFecha('2009-01-01T00:00:00')).toBe(false);
    expect(isFecha('2025-02-19T24:00:00')).toBe(false);
    expect(isFecha('2025-02-19T08:32:29Z')).toBe(false);
  });

  test.each([
    ['06600', 'America/Mexico_City', '2025-07-01T12:00:00', '2025-07-01T18:00:00.000Z'],
    ['22000', 'America/Tijuana', '2025-07-01T12:00:00', '2025-07-01T19:00:00.000Z'],
    ['22000', 'America/Tijuana', '2025-01-15T12:00:00', '2025-01-15T20:00:00.000Z'],
    ['77500', 'America/Cancun', '2025-07-01T12:00:00', '2025-07-01T17:00:00.000Z'],
  ])('postal code %s is in %s; %s there is %s', (cp, zone, fecha, instant) => {
    expect(zoneOf(cp)).toBe(zone);
    expect(instantOf(fecha, zone).toISOString()).toBe(instant);
  });

  test('years current somewhere in Mexico around New Year', () => {
    expect(currentYears(new Date('2026-01-01T06:30:00Z'))).toEqual({ earliest: 2025, latest: 2026 });
    expect(currentYears(new Date('2026-06-01T12:00:00Z'))).toEqual({ earliest: 2026, latest: 2026 });
  });
});
