/**
 * The shop's logo, decoded once (sharp), scaled down to print resolution and kept as
 * ready-to-embed deflated RGB + alpha planes, so each PDF only copies bytes into an image
 * XObject: no PNG decoding per invoice. Cached by content hash (a shop's logo rarely changes).
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { Canvas } from './canvas.ts';

export interface PreparedLogo {
  /** Pixels. */
  width: number;
  height: number;
  rgb: Buffer;
  /** Null when the image is fully opaque. */
  alpha: Buffer | null;
}

/** Longest side kept, in pixels: ~3x the printed size, sharp on a zoomed phone screen. */
const MAX_PIXELS = 420;
const CACHE_LIMIT = 32;
const cache = new Map<string, Promise<PreparedLogo>>();

function isPngOrJpeg(bytes: Uint8Array): boolean {
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  return png || jpeg;
}

async function decode(bytes: Uint8Array): Promise<PreparedLogo> {
  const { data, info } = await sharp(bytes)
    .resize({ width: MAX_PIXELS, height: MAX_PIXELS, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = info.width * info.height;
  const rgb = Buffer.allocUnsafe(pixels * 3);
  const alpha = Buffer.allocUnsafe(pixels);
  let opaque = true;
  for (let i = 0; i < pixels; i++) {
    rgb[i * 3] = data[i * 4]!;
    rgb[i * 3 + 1] = data[i * 4 + 1]!;
    rgb[i * 3 + 2] = data[i * 4 + 2]!;
    alpha[i] = data[i * 4 + 3]!;
    if (alpha[i] !== 255) opaque = false;
  }
  return {
    width: info.width,
    height: info.height,
    rgb: deflateSync(rgb),
    alpha: opaque ? null : deflateSync(alpha),
  };
}

/** Decodes (or fetches from the cache) a PNG or JPEG logo. Throws on any other format. */
export function prepareLogo(bytes: Uint8Array): Promise<PreparedLogo> {
  if (!isPngOrJpeg(bytes)) return Promise.reject(new TypeError('branding.logo must be a PNG or JPEG image'));
  const key = createHash('sha1').update(bytes).digest('hex');
  let prepared = cache.get(key);
  if (!prepared) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    prepared = decode(bytes);
    cache.set(key, prepared);
    prepared.catch(() => cache.delete(key));
  }
  return prepared;
}

/** Writes the logo into the document as image XObject `name` and registers it with the canvas. */
export function embedLogo(doc: PDFKit.PDFDocument, canvas: Canvas, logo: PreparedLogo, name: string): void {
  const image = {
    Type: 'XObject',
    Subtype: 'Image',
    Width: logo.width,
    Height: logo.height,
    BitsPerComponent: 8,
  };
  let mask: PDFKit.PDFKitReference | undefined;
  if (logo.alpha) {
    mask = doc.ref({ ...image, ColorSpace: 'DeviceGray', Filter: 'FlateDecode' });
    mask.end(logo.alpha);
  }
  // Filter set here tells pdfkit the data is already deflated: it is written as is.
  const ref = doc.ref({
    ...image,
    ColorSpace: 'DeviceRGB',
    Filter: 'FlateDecode',
    ...(mask && { SMask: mask }),
  });
  ref.end(logo.rgb);
  canvas.addResource(name, 'xobject', ref);
}

/** The printed size of a logo that fits a `maxWidth` x `maxHeight` box, keeping its aspect. */
export function fitLogo(
  logo: PreparedLogo,
  maxWidth: number,
  maxHeight: number,
): { width: number; height: number } {
  const scale = Math.min(maxWidth / logo.width, maxHeight / logo.height);
  return { width: logo.width * scale, height: logo.height * scale };
}
