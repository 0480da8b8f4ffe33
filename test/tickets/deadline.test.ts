import { describe, expect, it } from 'vitest';
import { computeDeadline, type InvoicingWindow } from '../../src/tickets/deadline.ts';
import { formatInTimeZone, instantFromLocal, offsetMinutes } from '../../src/tickets/time.ts';

// [sold at (ISO, with the offset in force there), window, time zone, expected deadline as local ISO]
const CASES: Array<[string, InvoicingWindow, string, string]> = [
  // The example: one month after a sale on 24 November.
  ['2026-11-24T13:45:00-06:00', 'month', 'America/Mexico_City', '2026-12-24T23:59:59-06:00'],
  ['2026-11-24T13:45:00-06:00', 'week', 'America/Mexico_City', '2026-12-01T23:59:59-06:00'],
  ['2026-11-24T13:45:00-06:00', 'fortnight', 'America/Mexico_City', '2026-12-09T23:59:59-06:00'],
  ['2026-11-24T13:45:00-06:00', 'end_of_month', 'America/Mexico_City', '2026-11-30T23:59:59-06:00'],
  // Month-end clamping: Jan 31 + one month is the last day of February (leap and common years).
  ['2026-01-31T10:00:00-06:00', 'month', 'America/Mexico_City', '2026-02-28T23:59:59-06:00'],
  ['2028-01-31T10:00:00-06:00', 'month', 'America/Mexico_City', '2028-02-29T23:59:59-06:00'],
  ['2026-03-31T10:00:00-06:00', 'month', 'America/Mexico_City', '2026-04-30T23:59:59-06:00'],
  ['2026-02-28T10:00:00-06:00', 'month', 'America/Mexico_City', '2026-03-28T23:59:59-06:00'],
  // December rolls into the next year.
  ['2026-12-31T22:00:00-06:00', 'month', 'America/Mexico_City', '2027-01-31T23:59:59-06:00'],
  ['2026-12-20T09:00:00-06:00', 'fortnight', 'America/Mexico_City', '2027-01-04T23:59:59-06:00'],
  ['2028-02-10T09:00:00-06:00', 'end_of_month', 'America/Mexico_City', '2028-02-29T23:59:59-06:00'],
  // The local date decides, not the UTC date: 20:00 on Jan 31 in CDMX is already Feb 1 in UTC.
  ['2026-02-01T02:00:00Z', 'end_of_month', 'America/Mexico_City', '2026-01-31T23:59:59-06:00'],
  ['2026-02-01T02:00:00Z', 'month', 'America/Mexico_City', '2026-02-28T23:59:59-06:00'],
  // Mexico without DST since 2022: summer still -06:00 in CDMX, -05:00 in Cancún, -07:00 in Hermosillo.
  ['2026-07-10T12:00:00-06:00', 'week', 'America/Mexico_City', '2026-07-17T23:59:59-06:00'],
  ['2026-07-10T12:00:00-05:00', 'month', 'America/Cancun', '2026-08-10T23:59:59-05:00'],
  ['2026-07-10T12:00:00-07:00', 'end_of_month', 'America/Hermosillo', '2026-07-31T23:59:59-07:00'],
  // Tijuana keeps US daylight saving time (2026: from March 8 to November 1).
  ['2026-02-20T12:00:00-08:00', 'week', 'America/Tijuana', '2026-02-27T23:59:59-08:00'],
  ['2026-03-05T12:00:00-08:00', 'week', 'America/Tijuana', '2026-03-12T23:59:59-07:00'],
  ['2026-03-01T12:00:00-08:00', 'month', 'America/Tijuana', '2026-04-01T23:59:59-07:00'],
  ['2026-10-25T12:00:00-07:00', 'week', 'America/Tijuana', '2026-11-01T23:59:59-08:00'],
  ['2026-10-31T23:30:00-07:00', 'end_of_month', 'America/Tijuana', '2026-10-31T23:59:59-07:00'],
];

describe('computeDeadline', () => {
  it.each(CASES)('%s + %s in %s -> %s', (soldAt, window, tz, expected) => {
    const deadline = computeDeadline(new Date(soldAt), window, tz);
    expect(formatInTimeZone(deadline, tz)).toBe(expected);
    expect(deadline.getTime()).toBe(new Date(expected).getTime());
  });

  it('always ends at 23:59:59 local time, never before the sale', () => {
    const zones = ['America/Mexico_City', 'America/Tijuana', 'America/Cancun', 'America/Hermosillo'];
    const windows: InvoicingWindow[] = ['week', 'fortnight', 'month', 'end_of_month'];
    for (let day = 0; day < 400; day += 3) {
      const soldAt = new Date(Date.UTC(2026, 0, 1, 7 + (day % 17)) + day * 86_400_000);
      for (const tz of zones) {
        for (const w of windows) {
          const deadline = computeDeadline(soldAt, w, tz);
          expect(formatInTimeZone(deadline, tz).slice(11, 19)).toBe('23:59:59');
          expect(deadline.getTime()).toBeGreaterThan(soldAt.getTime());
        }
      }
    }
  });
});

describe('time zone helpers', () => {
  it('knows the offsets of Mexican zones', () => {
    expect(offsetMinutes(new Date('2026-07-01T12:00:00Z'), 'America/Mexico_City')).toBe(-360);
    expect(offsetMinutes(new Date('2026-07-01T12:00:00Z'), 'America/Tijuana')).toBe(-420);
    expect(offsetMinutes(new Date('2026-01-01T12:00:00Z'), 'America/Tijuana')).toBe(-480);
    expect(offsetMinutes(new Date('2026-01-01T12:00:00Z'), 'America/Cancun')).toBe(-300);
  });

  it('turns a local wall-clock time into the right instant', () => {
    const t = { year: 2026, month: 3, day: 8, hour: 12, minute: 0, second: 0 };
    expect(instantFromLocal(t, 'America/Tijuana').toISOString()).toBe('2026-03-08T19:00:00.000Z');
    expect(instantFromLocal({ ...t, day: 7 }, 'America/Tijuana').toISOString()).toBe(
      '2026-03-07T20:00:00.000Z',
    );
    expect(formatInTimeZone(new Date('2026-01-05T06:00:00Z'), 'UTC')).toBe('2026-01-05T06:00:00+00:00');
  });
});
