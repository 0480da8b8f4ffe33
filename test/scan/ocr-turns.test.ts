import { describe, expect, it } from 'vitest';
import { turnOrder } from '../../src/scan/ocr.ts';

describe('turnOrder', () => {
  it.each([
    // [text line angle, QR top-edge angle, first clockwise turn that makes the text upright]
    [0, 0, 0],
    [2, -1, 0],
    [0, 90, 270], // photo turned a quarter clockwise: turn it back a quarter counter-clockwise
    [90, 90, 0], // lines already straightened by -90: nothing left to turn
    [88, 180, 270],
    [1, 179, 180],
    [0, -90, 90],
    [-10, 80, 270],
  ])('lines at %d°, QR edge at %d° -> turn %d° first', (lines, qr, first) => {
    const order = turnOrder(lines, qr);
    expect(order[0]).toBe(first);
    expect([...order].sort((a, b) => a - b)).toEqual([0, 90, 180, 270]);
  });

  it('without a QR tries upright, then upside down, then sideways', () => {
    expect(turnOrder(3, undefined)).toEqual([0, 180, 90, 270]);
  });
});
