/** Runs a table of mutation cases: each must report exactly its code (plus the listed `also`). */
import { expect, test } from 'vitest';
import { validateCfdi } from '../../../../src/invoicing/rules/index.ts';
import { BASES, type Case, NOW } from '../fixtures.ts';

export function runCases(cases: readonly Case[]): void {
  test.each(cases.map((c) => [c.code, c.title, c] as const))('%s: %s', (_code, _title, c) => {
    const xml = c.mutate(BASES[c.base]);
    const violations = validateCfdi(xml, c.now === null ? {} : { now: c.now ?? NOW });
    const codes = [...new Set(violations.map((v) => v.code))].sort();
    expect(codes).toEqual([...new Set([c.code, ...(c.also ?? [])])].sort());
    const own = violations.find((v) => v.code === c.code);
    expect(own?.field).toBeTruthy();
  });
}
