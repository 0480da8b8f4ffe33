import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { inspectPhoto, sniffFormat } from '../../src/scan/input.ts';

const limits = { maxBytes: 15 * 1024 * 1024, maxPixels: 40_000_000 };

async function encoded(
  format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff',
  width = 40,
  height = 30,
): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808080' } })
    .toFormat(format)
    .toBuffer();
}

describe('sniffFormat', () => {
  it.each(['jpeg', 'png', 'webp', 'gif', 'tiff'] as const)(
    'recognises %s by its magic bytes',
    async (format) => {
      expect(sniffFormat(await encoded(format))).toBe(format);
    },
  );

  it.each([
    ['svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
    ['pdf', Buffer.from('%PDF-1.7\n')],
    ['text', Buffer.from('7KQ2-M9XD-4HPA')],
    ['empty', Buffer.alloc(0)],
    ['html', Buffer.from('<!doctype html><img src=x>')],
  ])('refuses %s', (_name, bytes) => {
    expect(sniffFormat(bytes)).toBeNull();
  });
});

describe('inspectPhoto', () => {
  it('accepts a photo and reports its size', async () => {
    expect(await inspectPhoto(await encoded('jpeg', 64, 48), limits)).toEqual({
      ok: true,
      info: { format: 'jpeg', width: 64, height: 48 },
    });
  });

  it('refuses too many bytes before looking inside', async () => {
    const bytes = await encoded('png');
    expect(await inspectPhoto(bytes, { ...limits, maxBytes: bytes.length - 1 })).toEqual({
      ok: false,
      kind: 'too_large',
    });
  });

  it('refuses too many pixels from the header alone (decompression bomb)', async () => {
    // A small PNG whose header claims 20000 x 20000 (400 MP): it must be refused without decoding.
    const bomb = Buffer.from(await encoded('png'));
    bomb.writeUInt32BE(20000, 16);
    bomb.writeUInt32BE(20000, 20);
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
    expect(await inspectPhoto(bomb, limits)).toEqual({ ok: false, kind: 'too_many_pixels' });
  });

  it('refuses bytes whose magic lies about the content', async () => {
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('not really a jpeg')]);
    expect(await inspectPhoto(fake, limits)).toEqual({ ok: false, kind: 'not_image' });
  });

  it('refuses SVG even though sharp could render it', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    expect(await inspectPhoto(svg, limits)).toEqual({ ok: false, kind: 'not_image' });
  });
});
