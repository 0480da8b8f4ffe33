import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Deadline, TimeoutError } from '../../src/scan/deadline.ts';
import { BusyError } from '../../src/scan/gate.ts';
import { OcrPool, spanishLangPath } from '../../src/scan/ocr-pool.ts';
import { makeTicketSpec, renderTicket } from './corpus.ts';

describe('OcrPool', () => {
  const pool = new OcrPool(1, 0);
  afterAll(() => pool.close());

  it('uses the Spanish data shipped in node_modules (a local path, never a URL)', () => {
    const dir = spanishLangPath();
    expect(path.isAbsolute(dir)).toBe(true);
    expect(dir).toContain(path.join('node_modules', '@tesseract.js-data', 'spa'));
    expect(existsSync(path.join(dir, 'spa.traineddata.gz'))).toBe(true);
  });

  it('creates its worker on first use, reads a ticket, refuses a second job when the queue is full', async () => {
    expect(pool.alive).toBe(0);
    const ticket = await renderTicket(makeTicketSpec(5, null));
    const first = pool.recognize(ticket, new Deadline(120_000));
    await expect(pool.recognize(ticket, new Deadline(120_000))).rejects.toBeInstanceOf(BusyError);
    const page = await first;
    expect(pool.alive).toBe(1);
    expect(page.text).toMatch(/TOTAL/u);
    expect(page.lines.some((line) => /facturaci/iu.test(line.text))).toBe(true);
    expect(page.confidence).toBeGreaterThan(60);
  }, 180_000);

  it('terminates a worker that overruns its deadline and starts a fresh one next time', async () => {
    const ticket = await renderTicket(makeTicketSpec(6, null));
    await expect(pool.recognize(ticket, new Deadline(30))).rejects.toBeInstanceOf(TimeoutError);
    expect(pool.alive).toBe(0);
    const page = await pool.recognize(ticket, new Deadline(120_000));
    expect(page.text).toMatch(/Gracias/u);
    expect(pool.alive).toBe(1);
  }, 180_000);

  it('refuses work after close', async () => {
    const closed = new OcrPool(1, 1);
    await closed.close();
    await expect(closed.recognize(Buffer.alloc(0), new Deadline(1000))).rejects.toThrow(/closed/u);
  });
});
