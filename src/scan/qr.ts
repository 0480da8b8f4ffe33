/**
 * QR search: jsQR over a short list of views of the photo (scales, quarters, contrast-stretched,
 * denoised, black-and-white), cheapest and likeliest first, stopping at the first QR that holds a
 * ticket code. jsQR itself copes with rotation and perspective; the views cope with size, blur, noise
 * and light.
 */
import jsqrModule from 'jsqr';
import { TicketCode } from '../sat/code.ts';
import type { Deadline } from './deadline.ts';
import {
  adaptiveThreshold,
  cropGray,
  fitLongSide,
  type Gray,
  normaliseGray,
  sharpenGray,
  toRgba,
} from './raster.ts';

// jsqr is CommonJS: under NodeNext its default import is the module; the function is also `.default`.
const jsQR = jsqrModule.default;

export interface Point {
  x: number;
  y: number;
}

export interface QrHit {
  code: TicketCode;
  /** The raw QR text. */
  text: string;
  /** Which view found it (for benchmarks and debugging). */
  view: string;
  /**
   * Angle of the QR's top edge in the working raster, degrees clockwise; tells how the ticket lies,
   * since tickets print their QR upright.
   */
  angle: number;
}

/**
 * Finds the ticket code in a QR payload: the ticket URL (`/t/<code>`), a wa.me or t.me link, or the
 * bare code. In a URL only the path, query values and fragment are searched, never the host name.
 */
export function codeFromQrText(text: string): TicketCode | null {
  const trimmed = text.trim();
  let url: URL | null = null;
  if (/^[a-z][a-z0-9+.-]*:\/\//iu.test(trimmed)) {
    try {
      url = new URL(trimmed);
    } catch {
      url = null;
    }
  }
  if (!url) return TicketCode.findIn(trimmed);
  const parts = [
    ...url.pathname.split('/').map(safeDecode),
    ...[...url.searchParams.values()],
    safeDecode(url.hash.replace(/^#/u, '')),
  ].filter((part) => part.length > 0);
  for (const part of parts) {
    const code = TicketCode.findIn(part);
    if (code) return code;
  }
  return null;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

type View = { name: string; make: () => Promise<Gray> };

/**
 * Typical pixel-to-neighbours difference (median of the absolute Laplacian): about 0-2 on a clean
 * photo, near 0.75σ with Gaussian grain. Grainy photos make jsQR slow and blind, so they are denoised
 * before anything else is tried.
 */
export function grain(img: Gray): number {
  const { data, width, height } = img;
  const histogram = new Uint32Array(256);
  let count = 0;
  for (let y = 1; y < height - 1; y += 2) {
    for (let x = 1; x < width - 1; x += 2) {
      const i = y * width + x;
      const centre = (data[i] ?? 0) * 4;
      const around =
        (data[i - 1] ?? 0) + (data[i + 1] ?? 0) + (data[i - width] ?? 0) + (data[i + width] ?? 0);
      histogram[Math.min(255, Math.round(Math.abs(centre - around) / 4))]!++;
      count++;
    }
  }
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v] ?? 0;
    if (seen * 2 >= count) return v;
  }
  return 0;
}

/** `grain()` at or above this (on the 1000 px view): denoise before searching. */
export const GRAINY = 5;

/** The views tried, in order. `master` is the decoded photo, longest side up to ~2000 px. */
function views(master: Gray, grainy: boolean, atSide: (side: number) => () => Promise<Gray>): View[] {
  const long = Math.max(master.width, master.height);
  const list: View[] = grainy
    ? [
        { name: 'median1000', make: async () => normaliseGray(await atSide(1000)(), { median: 5 }) },
        { name: 'median640', make: async () => normaliseGray(await atSide(640)(), { median: 3 }) },
        { name: 'smooth1000', make: async () => normaliseGray(await atSide(1000)(), { blur: 1.2 }) },
        {
          name: 'bw-median800',
          make: async () => adaptiveThreshold(await normaliseGray(await atSide(800)(), { median: 5 }), 20, 6),
        },
      ]
    : [
        { name: 'fit1000', make: atSide(1000) },
        { name: 'fit640', make: atSide(640) },
        { name: 'norm1000', make: async () => normaliseGray(await atSide(1000)()) },
        { name: 'bw1000', make: async () => adaptiveThreshold(await atSide(1000)(), 24, 6) },
        { name: 'sharpen800', make: async () => sharpenGray(await atSide(800)()) },
        { name: 'fit420', make: atSide(420) },
      ];
  if (!grainy && long > 1300) list.push({ name: 'fit1600', make: atSide(1600) });
  // Overlapping quarters at full working resolution, for a QR that is small in the frame.
  const w = master.width;
  const h = master.height;
  for (const [fx, fy] of [
    [0, 0],
    [0.4, 0],
    [0, 0.4],
    [0.4, 0.4],
  ] as const) {
    list.push({
      name: `quarter${fx}${fy}`,
      make: async () => {
        const part = await cropGray(master, { left: w * fx, top: h * fy, width: w * 0.6, height: h * 0.6 });
        const scaled = await fitLongSide(part, 1000);
        return grainy ? normaliseGray(scaled, { median: 5 }) : scaled;
      },
    });
  }
  return list;
}

/** Direction of the QR's top edge, degrees clockwise from the x axis. */
function angleOf(location: { topLeftCorner: Point; topRightCorner: Point }): number {
  const dx = location.topRightCorner.x - location.topLeftCorner.x;
  const dy = location.topRightCorner.y - location.topLeftCorner.y;
  return (Math.atan2(dy, dx) * 180) / Math.PI;
}

/**
 * Looks for a QR with a ticket code; null when none of the views yields one before the deadline
 * (TimeoutError when the deadline passes mid-search). `grainy`: see `grain()`.
 */
export async function findQrCode(master: Gray, deadline: Deadline, grainy: boolean): Promise<QrHit | null> {
  const long = Math.max(master.width, master.height);
  const scaled = new Map<number, Promise<Gray>>();
  const atSide = (side: number) => () => {
    const target = Math.min(side, long);
    let view = scaled.get(target);
    if (!view) {
      view = fitLongSide(master, target);
      scaled.set(target, view);
    }
    return view;
  };
  for (const view of views(master, grainy, atSide)) {
    deadline.check();
    const img = await view.make();
    deadline.check();
    const found = jsQR(toRgba(img), img.width, img.height, { inversionAttempts: 'dontInvert' });
    if (found) {
      const code = codeFromQrText(found.data);
      if (code) return { code, text: found.data, view: view.name, angle: angleOf(found.location) };
    }
    // Let other photos and chat traffic through between views: jsQR runs on the event loop.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return null;
}
