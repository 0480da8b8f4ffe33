/**
 * Undoing the angle a ticket was photographed at, for the OCR path (jsQR copes with perspective on
 * its own). A ticket is a light paper rectangle on a darker table: seen from an angle it becomes a
 * quadrilateral, its text lines converge and tesseract misreads them. When the paper's outline can
 * be found (the largest light region, clearly bounded by darker surroundings, filling the
 * quadrilateral of its four extreme points), the photo is re-sampled so that quadrilateral becomes
 * an upright rectangle. Photos where the paper fills the frame, or whose outline is unclear, are
 * left as they are: the text-line straightening in layout.ts handles plain rotation.
 */
import { fitLongSide, type Gray } from './raster.ts';

export type Point = readonly [x: number, y: number];
/** Corners in the order top-left, top-right, bottom-right, bottom-left. */
export type Quad = readonly [Point, Point, Point, Point];

/** Long side of the copy the outline is looked for on: paper edges need no detail. */
const DETECT_SIDE = 400;
/** The paper must cover this share of the photo at least (else it is not what was photographed)… */
const MIN_PAPER = 0.12;
/** …and at most this share (beyond it the outline is at or past the frame's edge). */
const MAX_PAPER = 0.92;
/** The light region must fill its quadrilateral this well (a ticket is a rectangle, not a blob). */
const MIN_SOLIDITY = 0.9;
/**
 * Grey levels the paper must stand above its surroundings right across each edge of the outline: a
 * paper edge is a sharp step; the border of a shadow falling across the ticket is a slow ramp.
 */
const MIN_EDGE_STEP = 24;
/** Below this much distortion (edge ratios and corner angles) rotation alone explains the outline. */
const MIN_DISTORTION = 0.04;

/**
 * The paper's outline in `img`, or null when no clear one is seen or it is already (nearly) a
 * rectangle. Coordinates are in `img`'s pixels.
 */
export async function findPaper(img: Gray): Promise<Quad | null> {
  const small = await fitLongSide(img, Math.min(DETECT_SIDE, Math.max(img.width, img.height)));
  const mask = lightMask(small);
  const region = largestRegion(mask, small.width, small.height);
  const total = small.width * small.height;
  if (region.size < MIN_PAPER * total || region.size > MAX_PAPER * total) return null;
  if (region.touchesFrame) return null;
  const quad = region.corners;
  const area = quadArea(quad);
  if (area <= 0) return null;
  const solidity = region.filled / area;
  if (solidity < MIN_SOLIDITY || solidity > 1 / MIN_SOLIDITY) return null;
  if (distortion(quad) < MIN_DISTORTION) return null;
  if (edgeStep(small, quad) < MIN_EDGE_STEP) return null;
  const sx = img.width / small.width;
  const sy = img.height / small.height;
  return quad.map(([x, y]) => [(x + 0.5) * sx, (y + 0.5) * sy] as const) as unknown as Quad;
}

/**
 * The paper alone, flattened into an upright rectangle (sized by its longer opposite edges), or
 * null when findPaper sees no outline to correct.
 */
export async function flattenPaper(img: Gray): Promise<Gray | null> {
  const quad = await findPaper(img);
  return quad ? warpQuad(img, quad) : null;
}

/** Light pixels (paper) by Otsu's threshold on the histogram. */
function lightMask(img: Gray): Uint8Array {
  const histogram = new Float64Array(256);
  for (const v of img.data) histogram[v]!++;
  const threshold = otsu(histogram, img.data.length);
  const mask = new Uint8Array(img.data.length);
  for (let i = 0; i < mask.length; i++) mask[i] = img.data[i]! > threshold ? 1 : 0;
  return mask;
}

/** Otsu's threshold: the grey level that best separates the histogram into two classes. */
export function otsu(histogram: ArrayLike<number>, count: number): number {
  let sumAll = 0;
  for (let v = 0; v < 256; v++) sumAll += v * histogram[v]!;
  let sumBelow = 0;
  let below = 0;
  let best = 0;
  let bestVariance = -1;
  for (let v = 0; v < 256; v++) {
    below += histogram[v]!;
    if (below === 0) continue;
    const above = count - below;
    if (above === 0) break;
    sumBelow += v * histogram[v]!;
    const meanBelow = sumBelow / below;
    const meanAbove = (sumAll - sumBelow) / above;
    const variance = below * above * (meanBelow - meanAbove) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      best = v;
    }
  }
  return best;
}

interface Region {
  size: number;
  /** Pixels within the region's outline, row by row: its size with the printing inside filled in. */
  filled: number;
  touchesFrame: boolean;
  /** Extreme points: min x+y, max x−y, max x+y, min x−y (TL, TR, BR, BL for tilts under 45°). */
  corners: Quad;
}

/** The largest 4-connected region of 1s, with its extreme points and its filled-in size. */
function largestRegion(mask: Uint8Array, width: number, height: number): Region {
  const seen = new Uint8Array(mask.length);
  const stack = new Int32Array(mask.length);
  // Each row's leftmost and rightmost pixel of the region being flooded, and the rows it reached.
  const rowMin = new Int32Array(height).fill(width);
  const rowMax = new Int32Array(height).fill(-1);
  const rows: number[] = [];
  let best: Region = {
    size: 0,
    filled: 0,
    touchesFrame: false,
    corners: [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ],
  };
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let size = 0;
    let frame = 0;
    let sp = 0;
    // Extreme values of x+y and x−y, and the pixels holding them.
    let [minSum, maxSum, minDiff, maxDiff] = [start, start, start, start];
    let [lowSum, highSum, lowDiff, highDiff] = [Infinity, -Infinity, Infinity, -Infinity];
    seen[start] = 1;
    stack[sp++] = start;
    while (sp > 0) {
      const i = stack[--sp]!;
      size++;
      const x = i % width;
      const y = (i - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) frame++;
      if (rowMax[y]! < 0) rows.push(y);
      if (x < rowMin[y]!) rowMin[y] = x;
      if (x > rowMax[y]!) rowMax[y] = x;
      const s = x + y;
      const d = x - y;
      if (s < lowSum) [lowSum, minSum] = [s, i];
      if (s > highSum) [highSum, maxSum] = [s, i];
      if (d < lowDiff) [lowDiff, minDiff] = [d, i];
      if (d > highDiff) [highDiff, maxDiff] = [d, i];
      const push = (j: number) => {
        if (mask[j] && !seen[j]) {
          seen[j] = 1;
          stack[sp++] = j;
        }
      };
      if (x > 0) push(i - 1);
      if (x < width - 1) push(i + 1);
      if (y > 0) push(i - width);
      if (y < height - 1) push(i + width);
    }
    let filled = 0;
    for (const y of rows) {
      filled += rowMax[y]! - rowMin[y]! + 1;
      rowMin[y] = width;
      rowMax[y] = -1;
    }
    rows.length = 0;
    if (size > best.size) {
      const point = (i: number): Point => [i % width, Math.floor(i / width)];
      // A few pixels on the frame are noise; a real edge along it means the paper runs off the photo.
      const touchesFrame = frame > 0.02 * (width + height);
      best = {
        size,
        filled,
        touchesFrame,
        corners: [point(minSum), point(maxDiff), point(maxSum), point(minDiff)],
      };
    }
  }
  return best;
}

/**
 * The weakest edge of the outline: for each edge, the median over points along it of the grey-level
 * difference between just inside and just outside (3 pixels either way, on the detection copy).
 */
export function edgeStep(img: Gray, quad: Quad): number {
  const cx = quad.reduce((acc, [x]) => acc + x, 0) / 4;
  const cy = quad.reduce((acc, [, y]) => acc + y, 0) / 4;
  const at = (x: number, y: number) => {
    const px = Math.min(img.width - 1, Math.max(0, Math.round(x)));
    const py = Math.min(img.height - 1, Math.max(0, Math.round(y)));
    return img.data[py * img.width + px]!;
  };
  let weakest = Infinity;
  for (let e = 0; e < 4; e++) {
    const [ax, ay] = quad[e]!;
    const [bx, by] = quad[(e + 1) % 4]!;
    const len = Math.hypot(bx - ax, by - ay) || 1;
    let [nx, ny] = [(ay - by) / len, (bx - ax) / len];
    // Point the normal inwards.
    const [mx, my] = [(ax + bx) / 2, (ay + by) / 2];
    if ((cx - mx) * nx + (cy - my) * ny < 0) [nx, ny] = [-nx, -ny];
    const steps: number[] = [];
    for (let k = 1; k < 20; k++) {
      const t = 0.1 + (0.8 * k) / 20;
      const [x, y] = [ax + (bx - ax) * t, ay + (by - ay) * t];
      steps.push(at(x + 3 * nx, y + 3 * ny) - at(x - 3 * nx, y - 3 * ny));
    }
    steps.sort((p, q) => p - q);
    weakest = Math.min(weakest, steps[steps.length >> 1]!);
  }
  return weakest;
}

/** Shoelace area of a quadrilateral (positive for clockwise corners in image coordinates). */
export function quadArea(q: Quad): number {
  let twice = 0;
  for (let i = 0; i < 4; i++) {
    const [x1, y1] = q[i]!;
    const [x2, y2] = q[(i + 1) % 4]!;
    twice += x1 * y2 - x2 * y1;
  }
  return twice / 2;
}

const length = (a: Point, b: Point) => Math.hypot(b[0] - a[0], b[1] - a[1]);

/** How far the quadrilateral is from a (possibly rotated) rectangle: 0 for a rectangle. */
export function distortion(q: Quad): number {
  const [tl, tr, br, bl] = q;
  const edges = 1 - Math.min(length(tl, tr), length(bl, br)) / Math.max(length(tl, tr), length(bl, br));
  const sides = 1 - Math.min(length(tl, bl), length(tr, br)) / Math.max(length(tl, bl), length(tr, br));
  let corner = 0;
  for (let i = 0; i < 4; i++) {
    const [px, py] = q[(i + 3) % 4]!;
    const [cx, cy] = q[i]!;
    const [nx, ny] = q[(i + 1) % 4]!;
    const cos =
      ((px - cx) * (nx - cx) + (py - cy) * (ny - cy)) /
      (length(q[(i + 3) % 4]!, q[i]!) * length(q[i]!, q[(i + 1) % 4]!));
    corner = Math.max(corner, Math.abs(cos));
  }
  return Math.max(edges, sides, corner);
}

/**
 * The projective map taking the corners of `from` to those of `to`: 9 coefficients (h22 = 1),
 * x' = (h0 x + h1 y + h2) / (h6 x + h7 y + 1), y' = (h3 x + h4 y + h5) / (h6 x + h7 y + 1).
 */
export function homography(from: Quad, to: Quad): number[] {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u, v] = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gauss-Jordan elimination with partial pivoting on the 8×9 augmented matrix.
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let row = col + 1; row < 8; row++)
      if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-12) throw new Error('homography: degenerate quadrilateral');
    for (let k = col; k < 9; k++) a[col]![k]! /= p;
    for (let row = 0; row < 8; row++) {
      if (row === col) continue;
      const f = a[row]![col]!;
      if (f === 0) continue;
      for (let k = col; k < 9; k++) a[row]![k]! -= f * a[col]![k]!;
    }
  }
  return [...a.map((row) => row[8]!), 1];
}

/** Applies a homography to one point. */
export function project(h: readonly number[], [x, y]: Point): Point {
  const d = h[6]! * x + h[7]! * y + h[8]!;
  return [(h[0]! * x + h[1]! * y + h[2]!) / d, (h[3]! * x + h[4]! * y + h[5]!) / d];
}

/** Re-samples the quadrilateral of `img` into an upright rectangle (bilinear; white outside the photo). */
export function warpQuad(img: Gray, quad: Quad): Gray {
  const [tl, tr, br, bl] = quad;
  const width = Math.max(1, Math.round(Math.max(length(tl, tr), length(bl, br))));
  const height = Math.max(1, Math.round(Math.max(length(tl, bl), length(tr, br))));
  const rect: Quad = [
    [0, 0],
    [width - 1, 0],
    [width - 1, height - 1],
    [0, height - 1],
  ];
  const h = homography(rect, quad);
  const src = img.data;
  const sw = img.width;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = h[6]! * x + h[7]! * y + h[8]!;
      const sx = (h[0]! * x + h[1]! * y + h[2]!) / d;
      const sy = (h[3]! * x + h[4]! * y + h[5]!) / d;
      if (!(sx >= 0 && sy >= 0 && sx < sw - 1 && sy < img.height - 1)) {
        out[y * width + x] = 255;
        continue;
      }
      const x0 = sx | 0;
      const y0 = sy | 0;
      const fx = sx - x0;
      const fy = sy - y0;
      const i = y0 * sw + x0;
      const upper = src[i]! + (src[i + 1]! - src[i]!) * fx;
      const lower = src[i + sw]! + (src[i + sw + 1]! - src[i + sw]!) * fx;
      out[y * width + x] = Math.round(upper + (lower - upper) * fy);
    }
  }
  return { data: out, width, height };
}
