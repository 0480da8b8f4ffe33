import { describe, expect, it } from 'vitest';
import { mexicoCityDateTime } from '../../../src/invoicing/pac/mexico-time.ts';

describe('mexicoCityDateTime', () => {
  it.each([
    ['2025-01-24T16:10:42Z', '2025-01-24T10:10:42'],
    ['2025-07-01T05:59:59Z', '2025-06-30T23:59:59'],
    ['2021-07-01T05:00:00Z', '2021-07-01T00:00:00'], // daylight saving time, abolished in 2022
    ['2025-12-31T23:59:59.999Z', '2025-12-31T17:59:59'],
    ['2026-01-01T06:00:00Z', '2026-01-01T00:00:00'],
  ])('%s is %s in Mexico City', (instant, local) => {
    expect(mexicoCityDateTime(new Date(instant))).toBe(local);
  });
});
