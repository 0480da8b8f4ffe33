/**
 * A corpus of ticket photos generated on the fly, so the scanner's tests and benchmark need no binary
 * fixtures: a thermal-printer ticket is drawn as SVG (DejaVu Sans Mono, via sharp/librsvg), gets a
 * QR from the `qrcode` package (or none, for the OCR path), is laid on a table-like background and then
 * degraded the way customers' photos are: tilted, sideways, blurred, far away, noisy, dark, washed out,
 * crushed by JPEG, seen at an angle. Everything is seeded, so a sample is the same on every run.
 */
import { Decimal } from 'decimal.js';
import QRCode from 'qrcode';
import sharp, { type Sharp } from 'sharp';
import { CROCKFORD, checkSymbol, TicketCode } from '../../src/sat/code.ts';

export type QrPayload = 'url' | 'bare' | 'wa' | 'tg';
export type DateStyle = 'dmy' | 'iso' | 'month';

/** Conditions a reasonable phone photo can be in: the scanner should read nearly all of them. */
export const MILD_CONDITIONS = [
  'clean',
  'tilt',
  'rot90',
  'rot180',
  'exif',
  'blur',
  'small',
  'noise',
  'dark',
  'lowcontrast',
  'shadow',
  'jpeg',
  'perspective',
] as const;
/** Conditions beyond that: the scanner reads some; the rate is measured, not promised. */
export const HARD_CONDITIONS = ['heavyblur', 'tiny', 'steep', 'harsh'] as const;
export const CONDITIONS = [...MILD_CONDITIONS, ...HARD_CONDITIONS] as const;
export type Condition = (typeof CONDITIONS)[number];

export interface TicketSpec {
  code: TicketCode;
  shop: string;
  rfc: string;
  items: { qty: number; name: string; amount: Decimal }[];
  /** YYYY-MM-DD */
  date: string;
  dateStyle: DateStyle;
  total: Decimal;
  qr: QrPayload | null;
}

export interface Sample {
  id: string;
  condition: Condition;
  bytes: Buffer;
  expected: { code: string; date: string; total: string };
  hasQr: boolean;
}

const SHOPS = ['ABARROTES LA ESPERANZA', 'FARMACIA SAN JORGE', 'FERRETERIA EL CLAVO', 'CAFE LA PARROQUIA'];
const GOODS = [
  'Leche entera 1L',
  'Pan de caja',
  'Refresco 600ml',
  'Jabon de barra',
  'Aceite 900ml',
  'Cafe molido 400g',
  'Tornillos 1/4 x50',
  'Paracetamol 500mg',
  'Huevo 18 pzas',
  'Arroz 1kg',
];
const MONTHS = ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'];
const FONT = 'DejaVu Sans Mono';

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)] as T;
}

function between(r: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * r();
}

/** A random but reproducible ticket. */
export function makeTicketSpec(seed: number, qr: QrPayload | null): TicketSpec {
  const r = rng(seed * 7919 + 17);
  let data = '';
  for (let i = 0; i < 11; i++) data += pick(r, CROCKFORD.split(''));
  const code = TicketCode.parse(data + checkSymbol(data));
  if (!code) throw new Error('generated an invalid code');
  const items = Array.from({ length: 3 + Math.floor(r() * 3) }, () => ({
    qty: 1 + Math.floor(r() * 3),
    name: pick(r, GOODS),
    amount: new Decimal(Math.floor(between(r, 15, 900) * 100)).div(100),
  }));
  const total = items.reduce((sum, item) => sum.plus(item.amount), new Decimal(0));
  const day = 1 + Math.floor(r() * 28);
  const month = 1 + Math.floor(r() * 12);
  const year = 2025 + Math.floor(r() * 2);
  const date = `${year}-${pad(month)}-${pad(day)}`;
  const dateStyle = pick(r, ['dmy', 'dmy', 'iso', 'month'] as const);
  return { code, shop: pick(r, SHOPS), rfc: 'EKU9003173C9', items, date, dateStyle, total, qr };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** How the ticket prints its date. */
export function printedDate(spec: TicketSpec): string {
  const [y, m, d] = spec.date.split('-');
  if (spec.dateStyle === 'iso') return spec.date;
  if (spec.dateStyle === 'month') return `${d}-${MONTHS[Number(m) - 1]}-${y}`;
  return `${d}/${m}/${y}`;
}

/** "1,234.50" */
export function money(amount: Decimal): string {
  const [int, dec] = amount.toFixed(2).split('.');
  return `${(int ?? '0').replace(/\B(?=(\d{3})+(?!\d))/gu, ',')}.${dec}`;
}

/** The text the QR carries, in the forms shops print. */
export function qrText(spec: TicketSpec): string {
  const compact = spec.code.toString().replaceAll('-', '');
  switch (spec.qr) {
    case 'url':
      return `https://factura.ejemplo.mx/t/${compact}`;
    case 'wa':
      return `https://wa.me/5215512345678?text=Quiero%20facturar%20mi%20ticket%20${spec.code.toString()}`;
    case 'tg':
      return `https://t.me/AutofacturaBot?start=${compact}`;
    default:
      return spec.code.toString();
  }
}

const WIDTH = 576; // 80 mm paper at 203 dpi
const LINE = 31;

interface TicketDrawing {
  /** SVG elements drawn in ticket coordinates (0..WIDTH × 0..height). */
  body: string;
  width: number;
  height: number;
}

/** The ticket as printed, as SVG elements. */
export async function drawTicket(spec: TicketSpec): Promise<TicketDrawing> {
  const rows: { text: string; size?: number; bold?: boolean; center?: boolean }[] = [
    { text: spec.shop, size: 25, bold: true, center: true },
    { text: 'Av. Juarez 123, Centro, CDMX', center: true },
    { text: `RFC: ${spec.rfc}`, center: true },
    { text: '-'.repeat(40) },
    ...spec.items.map((item) => ({ text: itemLine(item.qty, item.name, item.amount) })),
    { text: '-'.repeat(40) },
    { text: `Fecha: ${printedDate(spec)}   Hora: 13:45` },
    { text: `Ticket: ${spec.total.times(37).mod(90000).floor().plus(10000).toFixed(0)}   Caja: 2` },
    { text: `TOTAL $${money(spec.total)}`, size: 25, bold: true },
    { text: 'EFECTIVO' },
    { text: '' },
    { text: 'Código de facturación:', center: true },
    { text: spec.code.toString(), size: 27, bold: true, center: true },
  ];
  const qrSize = 210;
  const textHeight = 40 + rows.length * LINE;
  const height = textHeight + (spec.qr ? qrSize + 20 : 0) + 60;
  const parts = [`<rect width="${WIDTH}" height="${height}" fill="#f7f5ee"/>`];
  rows.forEach((row, i) => {
    const size = row.size ?? 22;
    const x = row.center ? WIDTH / 2 : 22;
    const anchor = row.center ? 'middle' : 'start';
    const weight = row.bold ? 'bold' : 'normal';
    parts.push(
      `<text x="${x}" y="${40 + i * LINE}" font-family="${FONT}" font-size="${size}" font-weight="${weight}" text-anchor="${anchor}" fill="#1c1c1c" xml:space="preserve">${escapeXml(row.text)}</text>`,
    );
  });
  if (spec.qr) {
    const qrSvg = await QRCode.toString(qrText(spec), { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    const at = `<svg x="${(WIDTH - qrSize) / 2}" y="${textHeight}" width="${qrSize}" height="${qrSize}" `;
    parts.push(qrSvg.replace('<svg ', at));
  }
  parts.push(
    `<text x="${WIDTH / 2}" y="${height - 24}" font-family="${FONT}" font-size="20" text-anchor="middle" fill="#1c1c1c">Gracias por su compra</text>`,
  );
  return { body: parts.join(''), width: WIDTH, height };
}

/** The ticket alone as a PNG (handy to look at). */
export async function renderTicket(spec: TicketSpec): Promise<Buffer> {
  const t = await drawTicket(spec);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${t.width}" height="${t.height}">${t.body}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

function itemLine(qty: number, name: string, amount: Decimal): string {
  const left = `${qty} x ${name}`;
  const right = `$${money(amount)}`;
  return left + ' '.repeat(Math.max(1, 40 - left.length - right.length)) + right;
}

function escapeXml(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

interface Rgb {
  data: Buffer;
  width: number;
  height: number;
}

/** 4096 normal deviates with standard deviation `sigma`, indexed by a fast xorshift in the pixel loops. */
function gaussianTable(r: () => number, sigma: number): Float32Array {
  const table = new Float32Array(4096);
  for (let i = 0; i < table.length; i++) {
    const u = Math.max(1e-9, r());
    table[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r()) * sigma;
  }
  return table;
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/**
 * Lays the ticket on a table (a base colour with soft blotches), rotated by `angle` degrees and
 * filling about `fill` of the photo's height, and renders the scene in one SVG pass.
 */
async function placeOnTable(
  r: () => number,
  ticket: TicketDrawing,
  angle: number,
  fill: number,
  photo: { width: number; height: number },
): Promise<Rgb> {
  const { width: w, height: h } = ticket;
  const rad = (Math.abs(angle) * Math.PI) / 180;
  const boxW = w * Math.cos(rad) + h * Math.sin(rad);
  const boxH = w * Math.sin(rad) + h * Math.cos(rad);
  const scale = Math.min(
    (photo.height * fill) / h,
    (photo.height * 0.97) / boxH,
    (photo.width * 0.97) / boxW,
  );
  const cx = photo.width / 2 + (photo.width - boxW * scale) * between(r, -0.2, 0.2);
  const cy = photo.height / 2 + (photo.height - boxH * scale) * between(r, -0.2, 0.2);
  const base = pick(r, ['#785c40', '#606268', '#968c78', '#3c3e46']);
  const blotches = Array.from({ length: 14 }, () => {
    const tone = r() < 0.5 ? '#000' : '#fff';
    return `<ellipse cx="${between(r, 0, photo.width)}" cy="${between(r, 0, photo.height)}" rx="${between(r, 60, 300)}" ry="${between(r, 40, 200)}" fill="${tone}" opacity="${between(r, 0.04, 0.12)}"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${photo.width}" height="${photo.height}">
<rect width="100%" height="100%" fill="${base}"/>${blotches}
<g transform="translate(${cx} ${cy}) rotate(${angle}) scale(${scale}) translate(${-w / 2} ${-h / 2})">${ticket.body}</g></svg>`;
  const data = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
  return { data, width: photo.width, height: photo.height };
}

/** Gaussian grain, σ in levels. */
function addNoise(r: () => number, img: Rgb, sigma: number): void {
  const table = gaussianTable(r, sigma);
  let state = Math.floor(r() * 0x7fffffff) | 1;
  const data = img.data;
  for (let i = 0; i < data.length; i += 3) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const g = table[state & 4095] ?? 0;
    data[i] = clampByte((data[i] ?? 0) + g);
    data[i + 1] = clampByte((data[i + 1] ?? 0) + g);
    data[i + 2] = clampByte((data[i + 2] ?? 0) + g);
  }
}

/** Light falling off across the photo: brightness from `from` at one corner to `to` at the other. */
function shade(img: Rgb, from: number, to: number, gain = 1, lift = 0): void {
  const { width, height } = img;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      const k = (from + (to - from) * t) * gain;
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) img.data[i + c] = clampByte((img.data[i + c] ?? 0) * k + lift);
    }
  }
}

/** Solves the 3×3 homography taking the four `from` points to the four `to` points. */
function homography(from: number[][], to: number[][]): number[] {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i] as [number, number];
    const [u, v] = to[i] as [number, number];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let best = col;
    for (let row = col + 1; row < 8; row++) {
      if (Math.abs(a[row]?.[col] ?? 0) > Math.abs(a[best]?.[col] ?? 0)) best = row;
    }
    [a[col], a[best]] = [a[best] as number[], a[col] as number[]];
    const pivot = a[col] as number[];
    for (let row = 0; row < 8; row++) {
      if (row === col) continue;
      const target = a[row] as number[];
      const f = (target[col] ?? 0) / (pivot[col] ?? 1);
      for (let k = col; k < 9; k++) target[k] = (target[k] ?? 0) - f * (pivot[k] ?? 0);
    }
  }
  const h = a.map((row, i) => (row[8] ?? 0) / (row[i] ?? 1));
  return [...h, 1];
}

/** Projective warp: the photo as seen from an angle; the corners move by up to `strength` of the size. */
function perspective(r: () => number, img: Rgb, strength: number): Rgb {
  const { width: w, height: h } = img;
  const jitter = (): number => between(r, 0.3, 1) * strength;
  const dst = [
    [w * jitter(), h * jitter() * 0.4],
    [w * (1 - jitter()), h * jitter() * 0.4],
    [w * (1 - jitter() * 0.2), h * (1 - jitter() * 0.2)],
    [w * jitter() * 0.2, h * (1 - jitter() * 0.2)],
  ];
  const src = [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ];
  const m = homography(dst, src); // output pixel -> source pixel
  const out = Buffer.alloc(img.data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = (m[6] ?? 0) * x + (m[7] ?? 0) * y + (m[8] ?? 1);
      const sx = ((m[0] ?? 0) * x + (m[1] ?? 0) * y + (m[2] ?? 0)) / d;
      const sy = ((m[3] ?? 0) * x + (m[4] ?? 0) * y + (m[5] ?? 0)) / d;
      const o = (y * w + x) * 3;
      if (sx < 0 || sy < 0 || sx >= w - 1 || sy >= h - 1) {
        out[o] = 40;
        out[o + 1] = 40;
        out[o + 2] = 44;
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const i00 = (y0 * w + x0) * 3;
      const i10 = i00 + 3;
      const i01 = i00 + w * 3;
      const i11 = i01 + 3;
      for (let c = 0; c < 3; c++) {
        const top = (img.data[i00 + c] ?? 0) * (1 - fx) + (img.data[i10 + c] ?? 0) * fx;
        const bottom = (img.data[i01 + c] ?? 0) * (1 - fx) + (img.data[i11 + c] ?? 0) * fx;
        out[o + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { data: out, width: w, height: h };
}

function rawSharp(img: Rgb): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
}

type Range = readonly [number, number];

/** How each condition is produced; ranges are drawn per sample. */
interface Recipe {
  /** Ticket rotation on the table, degrees, either direction. */
  tilt?: Range;
  /** Share of the photo's height the ticket fills. */
  fill?: Range;
  /** Photo taken sideways or upside down (pixels turned, no EXIF). */
  turn?: boolean;
  /** Pixels stored sideways with an EXIF orientation telling viewers to turn them. */
  exif?: boolean;
  perspective?: Range;
  light?: { from: number; to: number; gain?: number; lift?: number };
  noise?: Range;
  blur?: Range;
  /** Final photo size (the camera was far away or the chat app shrank it). */
  shrinkTo?: { width: number; height: number };
  quality?: Range;
}

const RECIPES: Record<Condition, Recipe> = {
  clean: {},
  tilt: { tilt: [4, 15] },
  rot90: { turn: true },
  rot180: { turn: true },
  exif: { exif: true },
  blur: { blur: [1.5, 2.5] },
  small: { fill: [0.45, 0.55], shrinkTo: { width: 600, height: 800 } },
  noise: { noise: [16, 26] },
  dark: { light: { from: 0.4, to: 0.22 }, noise: [4, 6] },
  lowcontrast: { light: { from: 1, to: 1, gain: 0.35, lift: 120 } },
  shadow: { light: { from: 1.05, to: 0.3 } },
  jpeg: { quality: [10, 18] },
  perspective: { perspective: [0.08, 0.16] },
  heavyblur: { blur: [5, 8] },
  tiny: { fill: [0.35, 0.45], shrinkTo: { width: 330, height: 440 } },
  steep: { perspective: [0.3, 0.4], tilt: [10, 25] },
  harsh: {
    tilt: [3, 10],
    perspective: [0.08, 0.14],
    light: { from: 0.5, to: 0.2 },
    noise: [14, 20],
    blur: [2, 3],
    quality: [15, 25],
  },
};

/** Photographs a drawn ticket under one condition; returns the file a phone would send. */
export async function photograph(ticket: TicketDrawing, condition: Condition, seed: number): Promise<Buffer> {
  const recipe = RECIPES[condition];
  const r = rng(seed * 104729 + CONDITIONS.indexOf(condition));
  const draw = (range: Range | undefined, fallback: number): number =>
    range ? between(r, range[0], range[1]) : fallback;
  const sign = r() < 0.5 ? -1 : 1;
  const angle = recipe.tilt ? sign * draw(recipe.tilt, 0) : between(r, -2, 2);
  let out = await placeOnTable(r, ticket, angle, draw(recipe.fill, between(r, 0.78, 0.9)), {
    width: 1200,
    height: 1600,
  });
  if (recipe.perspective) out = perspective(r, out, draw(recipe.perspective, 0));
  if (recipe.light) shade(out, recipe.light.from, recipe.light.to, recipe.light.gain, recipe.light.lift);
  if (recipe.noise) addNoise(r, out, draw(recipe.noise, 0));
  let pipeline = rawSharp(out);
  if (recipe.blur) pipeline = pipeline.blur(draw(recipe.blur, 0));
  if (recipe.shrinkTo) pipeline = pipeline.resize(recipe.shrinkTo.width, recipe.shrinkTo.height);
  if (recipe.turn) pipeline = pipeline.rotate(condition === 'rot180' ? 180 : sign > 0 ? 90 : 270);
  const quality = Math.round(draw(recipe.quality, 88));
  if (recipe.exif) {
    // Sideways pixels plus an EXIF orientation that tells viewers (and the scanner) to turn them upright.
    const orientation = pick(r, [6, 8, 3] as const);
    const undo = orientation === 6 ? 270 : orientation === 8 ? 90 : 180;
    const stored = await pipeline.rotate(undo).raw().toBuffer({ resolveWithObject: true });
    return sharp(stored.data, { raw: stored.info })
      .jpeg({ quality })
      .withMetadata({ orientation })
      .toBuffer();
  }
  return pipeline.jpeg({ quality }).toBuffer();
}

/** One sample: ticket, photo and the expected reading. */
export async function makeSample(seed: number, condition: Condition, withQr: boolean): Promise<Sample> {
  const kinds: QrPayload[] = ['url', 'bare', 'wa', 'tg'];
  const spec = makeTicketSpec(seed, withQr ? (kinds[seed % kinds.length] ?? 'url') : null);
  const bytes = await photograph(await drawTicket(spec), condition, seed);
  return {
    id: `${condition}#${seed}`,
    condition,
    bytes,
    expected: { code: spec.code.toString(), date: spec.date, total: spec.total.toFixed(2) },
    hasQr: withQr,
  };
}

/** `perCondition` samples for each condition, seeds starting at `firstSeed`. */
export async function makeCorpus(
  conditions: readonly Condition[],
  perCondition: number,
  withQr: boolean,
  firstSeed = 1,
): Promise<Sample[]> {
  const jobs: Promise<Sample>[] = [];
  conditions.forEach((condition, ci) => {
    for (let i = 0; i < perCondition; i++)
      jobs.push(makeSample(firstSeed + ci * 1000 + i, condition, withQr));
  });
  return Promise.all(jobs);
}

/** A 12-megapixel (4000×3000) phone photo of a QR ticket lying on a table, as a JPEG. */
export async function makeLargePhoto(seed: number): Promise<Sample> {
  const spec = makeTicketSpec(seed, 'url');
  const r = rng(seed);
  const img = await placeOnTable(r, await drawTicket(spec), between(r, -6, 6), 0.8, {
    width: 4000,
    height: 3000,
  });
  addNoise(r, img, 4);
  const bytes = await rawSharp(img).jpeg({ quality: 85 }).toBuffer();
  return {
    id: `12mp#${seed}`,
    condition: 'clean',
    bytes,
    expected: { code: spec.code.toString(), date: spec.date, total: spec.total.toFixed(2) },
    hasQr: true,
  };
}

/** What a scanner made of a set of samples, per condition. */
export interface ConditionTally {
  condition: Condition;
  samples: number;
  /** Right code. */
  found: number;
  /** A code that is not the ticket's. */
  wrong: number;
  /** Wrong codes reported with confidence ≥ 0.8. */
  confidentWrong: number;
  /** Refused (timeout, busy...). */
  refused: number;
  viaQr: number;
  viaOcr: number;
  dates: number;
  totals: number;
  /** Wall-clock milliseconds per photo. */
  ms: number[];
  /** CPU milliseconds per photo (all threads of the process: main, libuv, OCR workers). */
  cpuMs: number[];
}

type Scan = (
  bytes: Uint8Array,
) => Promise<
  | { code: string | null; date: string | null; total: string | null; via: string; confidence: number }
  | { error: string; message: string }
>;

/** Runs every sample through `scan` (one at a time) and tallies the outcome per condition. */
export async function tally(scan: Scan, samples: readonly Sample[]): Promise<Map<Condition, ConditionTally>> {
  const out = new Map<Condition, ConditionTally>();
  for (const sample of samples) {
    let t = out.get(sample.condition);
    if (!t) {
      t = {
        condition: sample.condition,
        samples: 0,
        found: 0,
        wrong: 0,
        confidentWrong: 0,
        refused: 0,
        viaQr: 0,
        viaOcr: 0,
        dates: 0,
        totals: 0,
        ms: [],
        cpuMs: [],
      };
      out.set(sample.condition, t);
    }
    const start = performance.now();
    const cpu = process.cpuUsage();
    const result = await scan(sample.bytes);
    t.ms.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    t.cpuMs.push((used.user + used.system) / 1000);
    t.samples++;
    if ('error' in result) {
      t.refused++;
      continue;
    }
    if (result.code === sample.expected.code) t.found++;
    else if (result.code) {
      t.wrong++;
      if (result.confidence >= 0.8) t.confidentWrong++;
    }
    if (result.via === 'qr') t.viaQr++;
    if (result.via === 'ocr') t.viaOcr++;
    if (result.date === sample.expected.date) t.dates++;
    if (result.total === sample.expected.total) t.totals++;
  }
  return out;
}

/** Sums tallies (e.g. all mild conditions). */
export function sum(tallies: Iterable<ConditionTally>): Omit<ConditionTally, 'condition'> {
  const total = {
    samples: 0,
    found: 0,
    wrong: 0,
    confidentWrong: 0,
    refused: 0,
    viaQr: 0,
    viaOcr: 0,
    dates: 0,
    totals: 0,
    ms: [] as number[],
    cpuMs: [] as number[],
  };
  for (const t of tallies) {
    for (const key of [
      'samples',
      'found',
      'wrong',
      'confidentWrong',
      'refused',
      'viaQr',
      'viaOcr',
      'dates',
      'totals',
    ] as const) {
      total[key] += t[key];
    }
    total.ms.push(...t.ms);
    total.cpuMs.push(...t.cpuMs);
  }
  return total;
}

/** One line per condition, for test logs and the benchmark. */
export function formatTallies(tallies: Iterable<ConditionTally>): string {
  const rows = [...tallies].map((t) => {
    const pct = (n: number): string => `${Math.round((100 * n) / Math.max(1, t.samples))}%`.padStart(5);
    return `${t.condition.padEnd(12)} n=${String(t.samples).padStart(3)} code ${pct(t.found)} wrong ${t.wrong} (conf≥0.8: ${t.confidentWrong}) date ${pct(t.dates)} total ${pct(t.totals)} refused ${t.refused}`;
  });
  return rows.join('\n');
}
