import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLES = path.join(ROOT, 'test/fixtures/sat/examples');

function cli(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'src/main.ts'), ...args],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('cfdi CLI', () => {
  it('verify prints OK for a real stamped CFDI and exits 0', () => {
    const r = cli('cfdi', 'verify', path.join(EXAMPLES, 'cfdiutils_cfdi40-real.xml'));
    expect(r.out.trim()).toBe('OK');
    expect(r.code).toBe(0);
  });

  it('verify prints the failure and exits 1 when an attribute was altered', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'af-cli-'));
    const file = path.join(dir, 'altered.xml');
    const xml = readFileSync(path.join(EXAMPLES, 'cfdiutils_cfdi40-valid.xml'), 'utf8');
    writeFileSync(file, xml.replace('UsoCFDI="G03"', 'UsoCFDI="G01"'));
    const r = cli('cfdi', 'verify', file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^CFDI40102: /u);
  });

  it('cadena prints exactly what SAT’s XSLT produces', () => {
    const r = cli('cfdi', 'cadena', path.join(EXAMPLES, 'cfdiutils_cfdi40-valid.xml'));
    expect(r.out).toBe(
      readFileSync(path.join(EXAMPLES, 'expected/cfdiutils_cfdi40-valid.cadena-original.txt'), 'utf8'),
    );
  });

  it('pdf writes the representación impresa', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'af-cli-')), 'f.pdf');
    const r = cli('cfdi', 'pdf', path.join(EXAMPLES, 'cfdiutils_cfdi40-real.xml'), '-o', out);
    expect(r.code).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a missing file is a usage error (exit 2)', () => {
    const r = cli('cfdi', 'verify', '/nonexistent.xml');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read/u);
  });
});
