/**
 * RULES.md, the rule objects and the tests stay in step: RULES.md names every code of SAT's matrix
 * exactly once; the codes it marks checked or partial are exactly the codes of RULES; each of them
 * has at least one mutation case; the messages are SAT's, verbatim.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { RULES } from '../../../src/invoicing/rules/index.ts';
import { MATRIX, MATRIX_CODES } from '../../../src/invoicing/rules/messages.ts';
import { comprobanteCases } from './cases/comprobante.ts';
import { conceptoCases } from './cases/conceptos.ts';
import { emisorReceptorCases } from './cases/emisor-receptor.ts';
import { impuestosCases } from './cases/impuestos.ts';
import { matrixRows } from './matrix.ts';

const RULES_DIR = new URL('../../../src/invoicing/rules/', import.meta.url);
const STATUSES = ['checked', 'partial', 'verify.ts', 'left out', 'catch-all'];

interface Entry {
  code: string;
  status: string;
  where: string;
  notes: string;
}

function rulesMd(): Entry[] {
  return readFileSync(new URL('RULES.md', RULES_DIR), 'utf8')
    .split('\n')
    .filter((line) => /^\| CFDI/.test(line))
    .map((line) => {
      const [code = '', status = '', where = '', notes = ''] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return { code, status, where, notes };
    });
}

const ALL_CASES = [...comprobanteCases, ...emisorReceptorCases, ...conceptoCases, ...impuestosCases];

describe('RULES.md', () => {
  const entries = rulesMd();
  const matrix = matrixRows();

  test('names every code of the matrix exactly once, in matrix order', () => {
    expect(matrix).toHaveLength(128);
    expect(entries.map((e) => e.code)).toEqual(matrix.map((r) => r.code));
    expect(new Set(entries.map((e) => e.code)).size).toBe(128);
  });

  test('gives every code a known status, a reason when not checked, and existing files', () => {
    for (const entry of entries) {
      expect(STATUSES, entry.code).toContain(entry.status);
      if (entry.status !== 'checked') expect(entry.notes.length, entry.code).toBeGreaterThan(10);
      if (entry.status === 'checked' || entry.status === 'partial') {
        for (const file of entry.where.split(', '))
          expect(existsSync(new URL(file, RULES_DIR)), file).toBe(true);
      }
    }
  });

  test('marks checked or partial exactly the codes that have a rule object', () => {
    const marked = entries.filter((e) => e.status === 'checked' || e.status === 'partial').map((e) => e.code);
    const implemented = RULES.map((rule) => rule.code);
    expect(new Set(implemented).size).toBe(implemented.length);
    expect([...implemented].sort()).toEqual([...marked].sort());
  });

  test('every rule has at least one mutation case, and every case names a rule', () => {
    const tested = new Set(ALL_CASES.map((c) => c.code));
    const missing = RULES.map((rule) => rule.code).filter((code) => !tested.has(code));
    expect(missing).toEqual([]);
    const implemented = new Set<string>(RULES.map((rule) => rule.code));
    expect([...tested].filter((code) => !implemented.has(code))).toEqual([]);
  });

  test('leaves out only codes the matrix does not call fully offline, or explains why', () => {
    const offline = new Map(matrix.map((r) => [r.code, r.offline]));
    const leftOutOffline = entries.filter((e) => e.status === 'left out' && offline.get(e.code) === 'yes');
    expect(leftOutOffline.map((e) => e.code)).toEqual(['CFDI40163']);
  });

  test('counts', () => {
    const count = (status: string) => entries.filter((e) => e.status === status).length;
    expect({
      checked: count('checked'),
      partial: count('partial'),
      verify: count('verify.ts'),
      leftOut: count('left out'),
      catchAll: count('catch-all'),
    }).toEqual({ checked: 100, partial: 9, verify: 1, leftOut: 17, catchAll: 1 });
  });
});

describe('messages.ts', () => {
  test("has SAT's codes in SAT's order and SAT's messages verbatim", () => {
    const matrix = matrixRows();
    expect(MATRIX_CODES).toEqual(matrix.map((r) => r.code));
    for (const row of matrix) expect(MATRIX[row.code as keyof typeof MATRIX], row.code).toBe(row.message);
  });
});
