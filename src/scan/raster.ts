/**
 * Grayscale rasters and the few sharp operations the scanner needs on them. Every step works on raw
 * 8-bit single-channel pixels so variants (scales, crops, contrast) cost one sharp call each.
 */
import sharp, { type Sharp } from 'sharp';

/** One channel, 8 bits, row-major. */
export interface Gray {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Decodes untrusted photo bytes into the working raster: EXIF orientation applied, grayscale, longest
 * side at most `longSide` (never enlarged; JPEGs shrink while loading, so 12 MP photos stay cheap).
 */
export async function decodePhoto(bytes: Uint8Array, maxPixels: number, longSide: number): Promise<Gray> {
  const pipeline = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'none', animated: false })
    .rotate()
    .resize(longSide, longSide, { fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
    .grayscale();
  return toGray(pipeline);
}

/** Scales so the longest side is `longSide` (enlarging allowed). */
export async function fitLongSide(img: Gray, longSide: number): Promise<Gray> {
  const factor = longSide / Math.max(img.width, img.height);
  if (Math.abs(factor - 1) < 0.02) return img;
  const width = Math.max(1, Math.round(img.width * factor));
  const height = Math.max(1, Math.round(img.height * factor));
  return toGray(open(img).resize(width, height, { fit: 'fill', kernel: factor < 1 ? 'lanczos3' : 'cubic' }));
}

/** A crop, clamped to the raster. */
export async function cropGray(img: Gray, rect: Rect): Promise<Gray> {
  const left = clamp(Math.round(rect.left), 0, img.width - 1);
  const top = clamp(Math.round(rect.top), 0, img.height - 1);
  const width = clamp(Math.round(rect.width), 1, img.width - left);
  const height = clamp(Math.round(rect.height), 1, img.height - top);
  return toGray(open(img).extract({ left, top, width, height }));
}

/** Stretches the histogram (dark or washed-out photos) and optionally removes speckle first. */
export async function normaliseGray(img: Gray, opts: { median?: number; blur?: number } = {}): Promise<Gray> {
  let pipeline = open(img);
  if (opts.median) pipeline = pipeline.median(opts.median);
  if (opts.blur) pipeline = pipeline.blur(opts.blur);
  return toGray(pipeline.normalise({ lower: 1, upper: 99 }));
}

/** Rotates by any angle (degrees, clockwise) on a white background. */
export async function rotateGray(img: Gray, degrees: number): Promise<Gray> {
  if (degrees % 360 === 0) return img;
  return toGray(open(img).rotate(degrees, { background: { r: 255, g: 255, b: 255 } }));
}

/**
 * Black-and-white by local mean: a pixel is ink when darker than its neighbourhood mean minus `offset`.
 * Copes with uneven light (shadows across the ticket) where one global threshold does not.
 */
export async function adaptiveThreshold(img: Gray, radius: number, offset: number): Promise<Gray> {
  const mean = await toGray(open(img).blur(Math.max(0.3, radius / 2)));
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = (img.data[i] ?? 255) < (mean.data[i] ?? 255) - offset ? 0 : 255;
  }
  return { data: out, width: img.width, height: img.height };
}

/** PNG bytes (fast, little compression) for handing a raster to tesseract. */
export function encodePng(img: Gray): Promise<Buffer> {
  return open(img).toColourspace('b-w').png({ compressionLevel: 1 }).toBuffer();
}

/** jsQR wants RGBA. */
export function toRgba(img: Gray): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(img.width * img.height * 4);
  for (let i = 0, j = 0; i < img.data.length; i++, j += 4) {
    const v = img.data[i] ?? 0;
    rgba[j] = v;
    rgba[j + 1] = v;
    rgba[j + 2] = v;
    rgba[j + 3] = 255;
  }
  return rgba;
}

function open(img: Gray): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } });
}

async function toGray(pipeline: Sharp): Promise<Gray> {
  const { data, info } = await pipeline
    .toColourspace('b-w')
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Unsharp mask with a contrast stretch, for soft (out-of-focus) photos. */
export async function sharpenGray(img: Gray): Promise<Gray> {
  return toGray(open(img).sharpen({ sigma: 2, m1: 1, m2: 3 }).normalise({ lower: 1, upper: 99 }));
}

/** Contrast-limited adaptive histogram equalisation: evens out shadows and dim light locally. */
export async function claheGray(img: Gray, tile: number): Promise<Gray> {
  const size = Math.max(8, Math.round(tile));
  return toGray(open(img).clahe({ width: size, height: size, maxSlope: 3 }));
}
