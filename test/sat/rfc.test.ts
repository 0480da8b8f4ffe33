import { describe, expect, it } from 'vitest';
import { Rfc, rfcCheckDigit } from '../../src/sat/rfc.ts';

describe('Rfc', () => {
  it.each([
    ['EKU9003173C9', 'moral'],
    ['ISD950921HE5', 'moral'],
    ['CACX7605101P8', 'fisica'],
    ['COSC8001137NA', 'fisica'],
    [' cacx7605101p8 ', 'fisica'],
  ])('parses real RFC %s as persona %s', (input, persona) => {
    const rfc = Rfc.parse(input);
    expect(rfc.persona).toBe(persona);
    expect(rfc.value).toBe(input.trim().toUpperCase());
    expect(rfc.isGeneric).toBe(false);
  });

  it.each([
    ['EKU9003173C8', 'check_digit'],
    ['CACX7605101P9', 'check_digit'],
    ['EKU900231AAA', 'date'],
    ['EK9003173C9', 'format'],
    ['EKU9003173C', 'format'],
    ['', 'format'],
    ["EKU9003173C9' OR 1=1", 'format'],
  ])('refuses %s (%s)', (input, problem) => {
    const result = Rfc.check(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toBe(problem);
  });

  it('accepts the generic RFCs and marks them', () => {
    expect(Rfc.parse('XAXX010101000').isGeneric).toBe(true);
    expect(Rfc.parse('XEXX010101000').isGeneric).toBe(true);
  });

  it.each([
    ['EKU9003173C', '9'],
    ['ISD950921HE', '5'],
    ['CACX7605101P', '8'],
    ['COSC8001137N', 'A'],
  ])('computes the check digit of %s as %s', (body, digit) => {
    expect(rfcCheckDigit(body)).toBe(digit);
  });
});
