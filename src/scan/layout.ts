/**
 * Where the text lies in a photo, estimated cheaply before OCR: the direction of the printed lines
 * (any tilt, sideways included; upside down cannot be told from the lines alone), the line pitch
 * (so the text can be scaled to the size tesseract reads best) and the box holding the ink.
 */
import { adaptiveThreshold, fitLongSide, type Gray, normaliseGray, type Rect } from './raster.ts';

export interface TextLayout {
  /** Direction of the text lines, degrees clockwise from horizontal, in (-45, 135]. */
  angle: number;
  /** Distance between baselines, in pixels of the analysed raster's source (the `master`). */
  pitch: number;
  /** The inked area once rotated by -angle, in master pixels of that rotated frame; null if unclear. */
  box: Rect | null;
  /** How much sharper the best projection is than the average one (≥ 1; text is usually > 1.5). */
  contrast: number;
}

const ANALYSIS_SIDE = 560;
const MAX_POINTS = 40_000;

interface Points {
  xs: Float32Array;
  ys: Float32Array;
  n: number;
}

function inkPoints(ink: Gray): Points {
  let total = 0;
  for (const v of ink.data) if (v === 0) total++;
  const stride = Math.max(1, Math.ceil(total / MAX_POINTS));
  const xs = new Float32Array(Math.ceil(total / stride) + 1);
  const ys = new Float32Array(xs.length);
  let n = 0;
  let seen = 0;
  for (let y = 0; y < ink.height; y++) {
    for (let x = 0; x < ink.width; x++) {
      if (ink.data[y * ink.width + x] !== 0) continue;
      if (seen++ % stride === 0) {
        xs[n] = x;
        ys[n] = y;
        n++;
      }
    }
  }
  return { xs, ys, n };
}

/** Histogram of the points projected across direction `deg`; 1-pixel bins. */
function profile(points: Points, deg: number, size: number): Float64Array {
  const rad = (deg * Math.PI) / 180;
  const sin = Math.sin(rad);
  const cos = Math.cos(rad);
  const hist = new Float64Array(size * 2 + 1);
  for (let i = 0; i < points.n; i++) {
    const p = -(points.xs[i] ?? 0) * sin + (points.ys[i] ?? 0) * cos;
    const bin = Math.round(p) + size;
    hist[bin] = (hist[bin] ?? 0) + 1;
  }
  return hist;
}

function sharpness(hist: Float64Array): number {
  let sum = 0;
  for (const v of hist) sum += v * v;
  return sum;
}

/** Period of the line profile: first strong peak of its autocorrelation. */
function period(hist: Float64Array): number | null {
  const n = hist.length;
  let mean = 0;
  for (const v of hist) mean += v;
  mean /= n;
  const centred = hist.map((v) => v - mean);
  const at = (lag: number): number => {
    let s = 0;
    for (let i = 0; i + lag < n; i++) s += (centred[i] ?? 0) * (centred[i + lag] ?? 0);
    return s;
  };
  const zero = at(0);
  if (zero <= 0) return null;
  let best: number | null = null;
  let bestValue = 0.15 * zero;
  for (let lag = 5; lag < Math.min(120, n / 3); lag++) {
    const v = at(lag);
    if (v > bestValue && v >= at(lag - 1) && v >= at(lag + 1)) {
      best = lag;
      bestValue = v;
      if (v > 0.3 * zero) break;
    }
  }
  return best;
}

/** Bounding box of the rows and columns that hold a fair share of the ink, in the analysed raster. */
function inkBox(points: Points, deg: number, width: number, height: number): Rect | null {
  if (points.n < 50) return null;
  const rad = (-deg * Math.PI) / 180;
  const sin = Math.sin(rad);
  const cos = Math.cos(rad);
  const cx = width / 2;
  const cy = height / 2;
  const us: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < points.n; i++) {
    const x = (points.xs[i] ?? 0) - cx;
    const y = (points.ys[i] ?? 0) - cy;
    us.push(x * cos - y * sin);
    vs.push(x * sin + y * cos);
  }
  us.sort((a, b) => a - b);
  vs.sort((a, b) => a - b);
  const q = (list: number[], f: number): number => list[Math.floor(f * (list.length - 1))] ?? 0;
  const left = q(us, 0.01);
  const right = q(us, 0.99);
  const top = q(vs, 0.01);
  const bottom = q(vs, 0.99);
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * Estimates the layout of the text in `master` (`grainy`: see `grain` in qr.ts). Cost: one small
 * rescale and a few hundred thousand arithmetic operations, a few tens of milliseconds.
 */
export async function estimateLayout(master: Gray, grainy = false): Promise<TextLayout> {
  const fitted = await fitLongSide(master, Math.min(ANALYSIS_SIDE, Math.max(master.width, master.height)));
  // Grain thresholds into ink dots everywhere and drowns the text lines; a median filter removes it.
  const small = grainy ? await normaliseGray(fitted, { median: 3 }) : fitted;
  const factor = Math.max(master.width, master.height) / Math.max(small.width, small.height);
  const ink = await adaptiveThreshold(small, 10, 12);
  const points = inkPoints(ink);
  const size = Math.ceil(Math.hypot(small.width, small.height));
  let bestAngle = 0;
  let best = -1;
  let total = 0;
  let count = 0;
  const consider = (deg: number): void => {
    const score = sharpness(profile(points, deg, size));
    total += score;
    count++;
    if (score > best) {
      best = score;
      bestAngle = deg;
    }
  };
  for (let deg = -44; deg <= 135; deg += 1.5) consider(deg);
  const coarse = bestAngle;
  for (let deg = coarse - 1.25; deg <= coarse + 1.25; deg += 0.25) consider(deg);
  const lines = period(profile(points, bestAngle, size));
  const box = inkBox(points, bestAngle, small.width, small.height);
  const rotated = rotatedSize(master.width, master.height, bestAngle);
  return {
    angle: bestAngle,
    pitch: (lines ?? 0) * factor,
    box: box && {
      left: box.left * factor + rotated.width / 2,
      top: box.top * factor + rotated.height / 2,
      width: box.width * factor,
      height: box.height * factor,
    },
    contrast: count > 0 && total > 0 ? best / (total / count) : 1,
  };
}

/** Size of the canvas sharp produces when rotating a width × height raster by `deg`. */
export function rotatedSize(width: number, height: number, deg: number): { width: number; height: number } {
  const rad = (deg * Math.PI) / 180;
  const c = Math.abs(Math.cos(rad));
  const s = Math.abs(Math.sin(rad));
  return { width: Math.round(width * c + height * s), height: Math.round(width * s + height * c) };
}
