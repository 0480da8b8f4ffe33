import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  distortion,
  edgeStep,
  findPaper,
  flattenPaper,
  homography,
  otsu,
  type Point,
  project,
  type Quad,
  quadArea,
  warpQuad,
} from '../../src/scan/flatten.ts';
import { decodePhoto, type Gray } from '../../src/scan/raster.ts';
import { makeCorpus } from './corpus.ts';

const PAPER = { width: 240, height: 360 };

/** A paper raster: white, with dark "text" bars, a known pattern to find again after warping. */
function paper(): Gray {
  const { width, height } = PAPER;
  const data = new Uint8Array(width * height).fill(235);
  for (let row = 30; row < height - 30; row += 24) {
    for (let y = row; y < row + 8; y++) for (let x = 30; x < width - 30; x++) data[y * width + x] = 25;
  }
  return { data, width, height };
}

/**
 * A photo of `page` whose corners land on `quad`, on a table of grey `table` (a little noise so it
 * is not flat), and optionally a light falling off towards the bottom (`dim`: 0 none, 1 black).
 */
function photograph(
  page: Gray,
  quad: Quad,
  size: { width: number; height: number },
  table = 60,
  dim = 0,
): Gray {
  const rect: Quad = [
    [0, 0],
    [page.width - 1, 0],
    [page.width - 1, page.height - 1],
    [0, page.height - 1],
  ];
  const toPage = homography(quad, rect);
  const data = new Uint8Array(size.width * size.height);
  let seed = 7;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed % 9) - 4;
  };
  for (let y = 0; y < size.height; y++) {
    const light = 1 - (dim * y) / size.height;
    for (let x = 0; x < size.width; x++) {
      const [u, v] = project(toPage, [x, y]);
      const inside = u >= 0 && v >= 0 && u <= page.width - 1 && v <= page.height - 1;
      const value = inside ? page.data[Math.round(v) * page.width + Math.round(u)]! : table + noise();
      data[y * size.width + x] = Math.max(0, Math.min(255, Math.round(value * light)));
    }
  }
  return { data, width: size.width, height: size.height };
}

const SIZE = { width: 600, height: 800 };
/** Seen from below and to the left: the far (top) edge is shorter. */
const ANGLED: Quad = [
  [170, 120],
  [450, 150],
  [520, 690],
  [80, 660],
];

const near = (a: Point, b: Point, tolerance: number) =>
  expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeLessThanOrEqual(tolerance);

describe('homography', () => {
  it('maps each corner of one quadrilateral onto the other, and lines stay lines', () => {
    const quad = (): fc.Arbitrary<Quad> =>
      fc
        .tuple(
          fc.tuple(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 80 })),
          fc.tuple(fc.integer({ min: 200, max: 300 }), fc.integer({ min: 0, max: 80 })),
          fc.tuple(fc.integer({ min: 200, max: 300 }), fc.integer({ min: 200, max: 300 })),
          fc.tuple(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 200, max: 300 })),
        )
        .map((q) => q as unknown as Quad);
    fc.assert(
      fc.property(quad(), quad(), (from, to) => {
        const h = homography(from, to);
        for (let i = 0; i < 4; i++) near(project(h, from[i]!), to[i]!, 1e-6);
        // The midpoint of an edge lands on the image of that edge.
        const [a, b] = [project(h, from[0]), project(h, from[1])];
        const m = project(h, [(from[0][0] + from[1][0]) / 2, (from[0][1] + from[1][1]) / 2]);
        const cross = (b[0] - a[0]) * (m[1] - a[1]) - (b[1] - a[1]) * (m[0] - a[0]);
        expect(Math.abs(cross) / Math.hypot(b[0] - a[0], b[1] - a[1])).toBeLessThan(1e-6);
      }),
    );
  });

  it('measures areas and how far a quadrilateral is from a rectangle', () => {
    const square: Quad = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ];
    expect(quadArea(square)).toBe(100);
    expect(distortion(square)).toBeCloseTo(0, 9);
    const turned: Quad = square.map(
      ([x, y]) => [x * 0.8 - y * 0.6, x * 0.6 + y * 0.8] as const,
    ) as unknown as Quad;
    expect(distortion(turned)).toBeCloseTo(0, 9);
    expect(distortion(ANGLED)).toBeGreaterThan(0.1);
  });

  it("finds Otsu's threshold between two classes", () => {
    const histogram = new Array(256).fill(0);
    histogram[40] = 500;
    histogram[200] = 300;
    const t = otsu(histogram, 800);
    expect(t).toBeGreaterThanOrEqual(40);
    expect(t).toBeLessThan(200);
  });
});

describe('findPaper and flattenPaper', () => {
  it('finds the corners of a ticket photographed at an angle', async () => {
    const quad = await findPaper(photograph(paper(), ANGLED, SIZE));
    expect(quad).not.toBeNull();
    for (let i = 0; i < 4; i++) near(quad![i]!, ANGLED[i]!, 6);
  });

  it('flattens it back into the printed rectangle, bars straight and level', async () => {
    const flat = await flattenPaper(photograph(paper(), ANGLED, SIZE));
    expect(flat).not.toBeNull();
    // Each printed bar is one dark band of rows again: on every row, the bar's columns are all dark
    // or all light (not slanting across rows, as in the photo).
    const rowsDark = (g: Gray) =>
      Array.from({ length: g.height }, (_, y) => {
        let dark = 0;
        for (let x = Math.round(g.width * 0.2); x < g.width * 0.8; x++)
          if (g.data[y * g.width + x]! < 128) dark++;
        return dark / (g.width * 0.6);
      });
    const shares = rowsDark(flat!);
    const mixed = shares.filter((s) => s > 0.15 && s < 0.85).length;
    const bars = shares.filter((s) => s >= 0.85).length;
    expect(bars).toBeGreaterThan(flat!.height * 0.15);
    expect(mixed).toBeLessThan(flat!.height * 0.06);
    // The same rows in the photo's bounding box mix light and dark: that is what was undone.
    const photo = photograph(paper(), ANGLED, SIZE);
    const box = warpQuad(photo, [
      [80, 120],
      [520, 120],
      [520, 690],
      [80, 690],
    ]);
    const before = rowsDark(box).filter((s) => s > 0.15 && s < 0.85).length;
    expect(before).toBeGreaterThan(mixed * 3);
  });

  it('leaves alone a ticket seen straight on, even turned (rotation is layout.ts’s job)', async () => {
    const c = Math.cos(0.2);
    const s = Math.sin(0.2);
    const turned = [
      [-120, -180],
      [120, -180],
      [120, 180],
      [-120, 180],
    ].map(([x, y]) => [300 + x! * c - y! * s, 400 + x! * s + y! * c] as const) as unknown as Quad;
    expect(await findPaper(photograph(paper(), turned, SIZE))).toBeNull();
  });

  it('leaves alone a photo where the paper fills the frame', async () => {
    const filling: Quad = [
      [-30, -20],
      [640, 10],
      [620, 830],
      [-10, 810],
    ];
    expect(await flattenPaper(photograph(paper(), filling, SIZE))).toBeNull();
  });

  it('leaves alone a photo with nothing paper-like in it', async () => {
    const dim: Gray = { data: new Uint8Array(SIZE.width * SIZE.height).fill(90), ...SIZE };
    expect(await findPaper(dim)).toBeNull();
  });

  it('on the photo corpus: finds the angled tickets, and takes no shadow border for a paper edge', async () => {
    const photos = await makeCorpus(['steep', 'perspective', 'shadow', 'clean'], 4, false, 101);
    const found = new Map<string, number>();
    for (const sample of photos) {
      const quad = await findPaper(await decodePhoto(sample.bytes, 40_000_000, 2000));
      found.set(sample.condition, (found.get(sample.condition) ?? 0) + (quad ? 1 : 0));
    }
    expect(found.get('steep')).toBeGreaterThanOrEqual(3);
    expect(found.get('perspective')).toBeGreaterThanOrEqual(3);
    // Seen straight on: nothing to undo. Under a shadow the lit part alone must not pass for the paper.
    expect(found.get('shadow')).toBe(0);
    expect(found.get('clean')).toBe(0);
  }, 60_000);

  it('measures a sharp paper edge as a step and a shadow ramp as none', () => {
    const photo = photograph(paper(), ANGLED, SIZE);
    expect(edgeStep(photo, ANGLED)).toBeGreaterThan(100);
    const ramp: Gray = {
      data: Uint8Array.from({ length: SIZE.width * SIZE.height }, (_, i) => Math.floor(i / SIZE.width) / 4),
      ...SIZE,
    };
    expect(edgeStep(ramp, ANGLED)).toBeLessThan(5);
  });
});
