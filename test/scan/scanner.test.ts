import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeScanner, isRefused, type ScanResult, scanTicket, TicketScanner } from '../../src/scan/index.ts';
import { makeSample, type Sample } from './corpus.ts';

function refusal(result: ScanResult): string | null {
  return isRefused(result) ? result.error : null;
}

describe('TicketScanner refusals', () => {
  const scanner = new TicketScanner({ ocrWorkers: 0 });
  let photo: Sample;
  beforeAll(async () => {
    photo = await makeSample(21, 'clean', true);
  });
  afterAll(() => scanner.close());

  it.each([
    ['text', Buffer.from('Quiero facturar 1X22-324C-0FFJ')],
    ['svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')],
    ['truncated jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00])],
    ['empty', Buffer.alloc(0)],
  ])('refuses %s as not_image, in Spanish', async (_name, bytes) => {
    const result = await scanner.scan(bytes);
    expect(result).toEqual({ error: 'not_image', message: expect.stringMatching(/imagen.*JPG/u) });
  });

  it('refuses a photo over the byte limit', async () => {
    const small = new TicketScanner({ ocrWorkers: 0, maxBytes: 1024 * 1024 });
    const big = Buffer.concat([photo.bytes, Buffer.alloc(1024 * 1024)]);
    const result = await small.scan(big);
    expect(result).toEqual({ error: 'too_large', message: expect.stringContaining('1 MB') });
  });

  it('refuses a photo over the pixel limit', async () => {
    const small = new TicketScanner({ ocrWorkers: 0, maxPixels: 1_000_000 });
    const result = await small.scan(photo.bytes); // 1200 x 1600
    expect(result).toEqual({ error: 'too_many_pixels', message: expect.stringContaining('1 megapíxeles') });
  });

  it('gives up with timeout when the budget is spent', async () => {
    const result = await scanner.scan(photo.bytes, { timeBudgetMs: 1 });
    expect(result).toEqual({ error: 'timeout', message: expect.stringContaining('a tiempo') });
  });

  it('refuses with busy when the decode queue is full, and still serves the others', async () => {
    const narrow = new TicketScanner({ ocrWorkers: 0, decodeConcurrency: 1, queueDepth: 0 });
    const results = await Promise.all([narrow.scan(photo.bytes), narrow.scan(photo.bytes)]);
    expect(results.map(refusal).sort()).toEqual(['busy', null]);
    const busy = results.find(isRefused);
    expect(busy?.message).toContain('intenta de nuevo en un momento');
    const served = results.find((r) => !isRefused(r));
    expect(served && !isRefused(served) ? served.code : null).toBe(photo.expected.code);
  });
});

describe('TicketScanner paths', () => {
  let qrPhoto: Sample;
  let textPhoto: Sample;
  beforeAll(async () => {
    [qrPhoto, textPhoto] = await Promise.all([makeSample(31, 'rot90', true), makeSample(32, 'clean', false)]);
  });

  it('reads a QR without starting any OCR worker', async () => {
    const scanner = new TicketScanner();
    const result = await scanner.scan(qrPhoto.bytes);
    expect(result).toEqual({
      code: qrPhoto.expected.code,
      date: null,
      total: null,
      via: 'qr',
      confidence: 0.99,
    });
    expect(scanner.ocrWorkersAlive).toBe(0);
    await scanner.close();
  });

  it('with OCR disabled, a photo without QR gives no code', async () => {
    const scanner = new TicketScanner({ ocrWorkers: 0 });
    expect(await scanner.scan(textPhoto.bytes)).toEqual({
      code: null,
      date: null,
      total: null,
      via: 'none',
      confidence: 0,
    });
  });

  it('reads a blank photo as no code at all', async () => {
    const scanner = new TicketScanner({ timeBudgetMs: 120_000 });
    const blank = await sharp({ create: { width: 900, height: 1200, channels: 3, background: '#f0efe8' } })
      .jpeg()
      .toBuffer();
    const result = await scanner.scan(blank);
    expect(result).toMatchObject({ code: null, via: 'none', confidence: 0 });
    await scanner.close();
  }, 180_000);

  it('falls back to OCR, creating the worker lazily and closing it', async () => {
    const scanner = new TicketScanner({ timeBudgetMs: 120_000 });
    const result = await scanner.scan(textPhoto.bytes);
    expect(result).toMatchObject({ code: textPhoto.expected.code, via: 'ocr' });
    expect(result).toMatchObject({ date: textPhoto.expected.date, total: textPhoto.expected.total });
    expect(isRefused(result) ? 0 : result.confidence).toBeGreaterThanOrEqual(0.5);
    expect(scanner.ocrWorkersAlive).toBe(1);
    await scanner.close();
    expect(scanner.ocrWorkersAlive).toBe(0);
  }, 180_000);

  it('with readFields, also reads the date and total printed beside the QR', async () => {
    const scanner = new TicketScanner({ timeBudgetMs: 120_000 });
    const result = await scanner.scan(qrPhoto.bytes, { readFields: true });
    expect(result).toEqual({ ...qrPhoto.expected, via: 'qr', confidence: 0.99 });
    await scanner.close();
  }, 180_000);

  it('scanTicket / closeScanner use one shared scanner', async () => {
    const result = await scanTicket(qrPhoto.bytes);
    expect(result).toMatchObject({ code: qrPhoto.expected.code, via: 'qr' });
    await closeScanner();
  });
});
