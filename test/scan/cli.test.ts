import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanCommand } from '../../src/scan/cli.ts';
import { makeSample, type Sample } from './corpus.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await scanCommand(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('scan command', () => {
  let dir: string;
  let qr: Sample;
  const file = (name: string): string => path.join(dir, name);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'scan-cli-'));
    qr = await makeSample(41, 'rot90', true);
    writeFileSync(file('ticket.jpg'), qr.bytes);
    writeFileSync(file('notes.txt'), 'Quiero facturar mi ticket');
    const blank = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#f2f2f2' } })
      .png()
      .toBuffer();
    writeFileSync(file('blank.png'), blank);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the code as JSON and exits 0 when found', async () => {
    const { code, out } = await run([file('ticket.jpg'), '--fast']);
    expect(code).toBe(0);
    expect(JSON.parse(out[0] ?? '')).toEqual({ code: qr.expected.code, date: null, total: null, via: 'qr' });
  });

  it('exits 1 with via "none" when the photo holds no code', async () => {
    const { code, out } = await run([file('blank.png'), '--timeout', '120000']);
    expect(code).toBe(1);
    expect(JSON.parse(out[0] ?? '')).toMatchObject({ code: null, via: 'none' });
  }, 180_000);

  it.each([
    [['notes.txt'], /"error":"not_image"/u],
    [['missing.jpg'], /cannot read/u],
    [[], /missing IMAGE/u],
    [['ticket.jpg', '--timeout', 'soon'], /--timeout/u],
    [['ticket.jpg', '--colour'], /unknown option/u],
  ])('exits 2 on bad input %j', async (args, message) => {
    const { code, out, err } = await run(args.map((a) => (a.includes('.') ? file(a) : a)));
    expect(code).toBe(2);
    expect([...out, ...err].join('\n')).toMatch(message);
  });

  it('works from a shell: npx tsx src/scan/cli-main.ts IMAGE', () => {
    const child = spawnSync(
      'npx',
      ['tsx', 'src/scan/cli-main.ts', file('ticket.jpg'), '--timeout', '120000'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 170_000,
      },
    );
    expect(child.status, child.stderr).toBe(0);
    // Without --fast the date and total printed on the ticket are read too.
    expect(JSON.parse(child.stdout.trim())).toEqual({ ...qr.expected, via: 'qr' });
    const bad = spawnSync('npx', ['tsx', 'src/scan/cli-main.ts', file('notes.txt')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
  }, 180_000);
});
