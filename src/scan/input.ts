/**
 * The gate for untrusted bytes: only raster photo formats (checked by magic bytes, then by sharp's own
 * reading of the header) within the byte and pixel limits reach the decoder. SVG and other formats
 * sharp could open are refused: a customer's "photo" must never make librsvg fetch or read files.
 */
import sharp, { type Metadata } from 'sharp';
import type { ScanErrorKind } from './types.ts';

export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'heif';

export interface PhotoInfo {
  format: PhotoFormat;
  width: number;
  height: number;
}

export interface InputLimits {
  maxBytes: number;
  maxPixels: number;
}

/** Recognises a raster format from the first bytes, or null. */
export function sniffFormat(bytes: Uint8Array): PhotoFormat | null {
  const at = (i: number): number => bytes[i] ?? -1;
  const ascii = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'jpeg';
  if (at(0) === 0x89 && ascii(1, 4) === 'PNG' && at(4) === 0x0d && at(5) === 0x0a) return 'png';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'gif';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'tiff';
  if (ascii(4, 8) === 'ftyp' && /^(heic|heix|hevc|mif1|msf1|avif|avis)$/u.test(ascii(8, 12))) return 'heif';
  return null;
}

/**
 * Checks size, format and dimensions without decoding the pixels. Returns the refusal kind or the
 * photo's header facts.
 */
export async function inspectPhoto(
  bytes: Uint8Array,
  limits: InputLimits,
): Promise<{ ok: true; info: PhotoInfo } | { ok: false; kind: ScanErrorKind }> {
  if (bytes.byteLength > limits.maxBytes) return { ok: false, kind: 'too_large' };
  const format = sniffFormat(bytes);
  if (!format) return { ok: false, kind: 'not_image' };
  let meta: Metadata;
  try {
    // limitInputPixels: false here on purpose, so an oversized photo gets its own message below.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    return { ok: false, kind: 'not_image' };
  }
  const { width, height } = meta;
  if (!width || !height || !sameFamily(format, meta.format)) return { ok: false, kind: 'not_image' };
  if (width * height > limits.maxPixels) return { ok: false, kind: 'too_many_pixels' };
  return { ok: true, info: { format, width, height } };
}

function sameFamily(sniffed: PhotoFormat, reported: string | undefined): boolean {
  if (sniffed === 'heif') return reported === 'heif' || reported === 'avif';
  return reported === sniffed;
}
