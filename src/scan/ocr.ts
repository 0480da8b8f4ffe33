/**
 * Reading a ticket's printed text: straighten the photo along its text lines, crop to the ink, scale
 * the text to the size tesseract reads best and binarise it by local mean (shadows, dim light), then
 * OCR the page in the likeliest orientation first. When the code line is found but does not read as a
 * valid code, that line alone is read again from differently prepared crops and the reads are
 * combined (see recover.ts). Other orientations are tried while no code line was seen and time remains.
 */
import { TicketCode } from '../sat/code.ts';
import type { Deadline } from './deadline.ts';
import { findDate, findTotal } from './fields.ts';
import { flattenPaper } from './flatten.ts';
import { estimateLayout, type TextLayout } from './layout.ts';
import type { Box, OcrLine, OcrPage, OcrPool } from './ocr-pool.ts';
import {
  adaptiveThreshold,
  cropGray,
  encodePng,
  fitLongSide,
  type Gray,
  normaliseGray,
  rotateGray,
} from './raster.ts';
import { codeCandidates, type RecoveredCode, recoverCode, recoverFromReads } from './recover.ts';

export interface TextReading {
  code: RecoveredCode | null;
  date: string | null;
  total: string | null;
  /** Tesseract's mean confidence on the page the result came from, 0..100. */
  pageConfidence: number;
  /**
   * How the code was established: `printed` = the page read it as a valid code as it stands;
   * `agreed` = two or more reads of its line show it exactly; `repaired` = symbols had to be changed.
   */
  evidence: 'printed' | 'agreed' | 'repaired' | null;
  /** OCR calls made (pages and lines). */
  passes: number;
}

/** Distance between text lines tesseract reads best at (glyphs about 30 px tall). */
const TARGET_PITCH = 46;
/** Upper bound on the pixels handed to one page pass (time grows with area). */
const MAX_OCR_PIXELS = 2_000_000;
/** Time a page pass needs on a slow machine; below it no further pass is started. */
const PAGE_PASS_MS = 1500;
/** Same for reading one line again. */
const LINE_PASS_MS = 400;

/**
 * Mean confidence below which a page is taken as read the wrong way round (or as unreadable): text
 * upside down or sideways comes out as confident-looking garbage that could even pass a check symbol.
 */
const UPRIGHT_CONFIDENCE = 62;

interface Prepared {
  /** Straightened, cropped, scaled, contrast-stretched. */
  gray: Gray;
  /** The same, black and white by local mean: what the page passes read. */
  bw: Gray;
}

/** The photo straightened along its text lines, cropped to the ink and scaled for tesseract. */
async function prepare(master: Gray, layout: TextLayout, grainy: boolean): Promise<Prepared> {
  let image = await rotateGray(master, -layout.angle);
  if (layout.box && layout.box.width > 40 && layout.box.height > 40) {
    const margin = Math.max(12, layout.pitch || 24);
    image = await cropGray(image, {
      left: layout.box.left - margin,
      top: layout.box.top - margin,
      width: layout.box.width + 2 * margin,
      height: layout.box.height + 2 * margin,
    });
  }
  const scale = layout.pitch > 0 ? clamp(TARGET_PITCH / layout.pitch, 0.4, 3) : 1;
  const fitted = Math.min(1, Math.sqrt(MAX_OCR_PIXELS / (image.width * image.height * scale * scale)));
  image = await fitLongSide(image, Math.round(Math.max(image.width, image.height) * scale * fitted));
  const gray = await normaliseGray(image, grainy ? { median: 3 } : {});
  return { gray, bw: await adaptiveThreshold(gray, TARGET_PITCH, 12) };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Clockwise right-angle turns to try on the straightened text, likeliest first. The QR's top edge
 * (clockwise angle in the photo), when known, says which way is up: tickets print their QR upright.
 */
export function turnOrder(layoutAngle: number, qrAngle: number | undefined): number[] {
  if (qrAngle === undefined) return [0, 180, 90, 270];
  const rel = (((qrAngle - layoutAngle) % 360) + 360) % 360;
  const first = (360 - Math.round(rel / 90) * 90) % 360;
  return [first, (first + 180) % 360, (first + 90) % 360, (first + 270) % 360];
}

/** Text of the page, one OCR line per text line (so candidate line numbers index `page.lines`). */
function pageText(page: OcrPage): string {
  return page.lines.length > 0 ? page.lines.map((l) => l.text).join('\n') : page.text;
}

/** The line that most likely holds the code: one shaped like it, else the one after the label. */
function codeLine(page: OcrPage): OcrLine | null {
  const candidates = codeCandidates(pageText(page));
  const best = candidates.find((c) => !c.nearLabel) ?? candidates[0];
  if (best) return page.lines[best.line] ?? null;
  const labelAt = page.lines.findIndex((l) => /FACTURACI/iu.test(l.text));
  return labelAt >= 0 ? (page.lines[labelAt + 1] ?? null) : null;
}

/** Crops around one line box, with room above and below. */
function lineCrop(img: Gray, box: Box, scale: number): Promise<Gray> {
  const h = box.y1 - box.y0;
  const pad = Math.max(6, h * 0.6);
  return cropGray(img, {
    left: (box.x0 - pad) * scale,
    top: (box.y0 - pad) * scale,
    width: (box.x1 - box.x0 + 2 * pad) * scale,
    height: (h + 2 * pad) * scale,
  });
}

/** How many reads show `code` exactly as printed (up to Crockford's O/0, I/L/1). */
function agreeing(reads: string[], code: RecoveredCode): number {
  const wanted = code.code.toString();
  return reads.filter((r) =>
    codeCandidates(r).some((c) => c.base === 0 && TicketCode.parse(c.raw)?.toString() === wanted),
  ).length;
}

/**
 * Reads the code line again from other preparations of the same crop and combines all reads, stopping
 * early once two reads agree on a valid code or when time runs short.
 */
async function rereadCodeLine(
  prepared: Prepared,
  line: OcrLine,
  pool: OcrPool,
  deadline: Deadline,
): Promise<{ code: RecoveredCode | null; agreeing: number; passes: number }> {
  const box = line.bbox;
  const reads = [line.text];
  let passes = 0;
  const variants: (() => Promise<Gray>)[] = [
    () => lineCrop(prepared.gray, box, 1),
    async () => adaptiveThreshold(await lineCrop(prepared.gray, box, 1), TARGET_PITCH, 20),
    async () => {
      const crop = await lineCrop(prepared.gray, box, 1);
      return fitLongSide(crop, Math.round(Math.max(crop.width, crop.height) * 1.4));
    },
  ];
  for (const make of variants) {
    if (deadline.remainingMs < LINE_PASS_MS) break;
    const page = await pool.recognize(await encodePng(await make()), deadline, 'line');
    passes++;
    reads.push(pageText(page));
    const code = recoverFromReads(reads);
    const agree = code ? agreeing(reads, code) : 0;
    if (code && agree >= 2) return { code, agreeing: agree, passes };
  }
  const code = recoverFromReads(reads);
  return { code, agreeing: code ? agreeing(reads, code) : 0, passes };
}

interface CodeReading {
  code: RecoveredCode | null;
  evidence: TextReading['evidence'];
  /** The code line was located (so the page is the right way up even if the code stays unreadable). */
  lineSeen: boolean;
  passes: number;
}

/** The code from an upright page: as printed, or by re-reading its line and repairing. */
async function readCode(
  page: OcrPage,
  turned: Prepared,
  pool: OcrPool,
  deadline: Deadline,
): Promise<CodeReading> {
  const code = recoverCode(pageText(page));
  if (code?.repairs === 0) return { code, evidence: 'printed', lineSeen: true, passes: 0 };
  const line = codeLine(page);
  if (!line) return { code, evidence: code ? 'repaired' : null, lineSeen: false, passes: 0 };
  const again = await rereadCodeLine(turned, line, pool, deadline);
  if (!again.code) return { code, evidence: code ? 'repaired' : null, lineSeen: true, passes: again.passes };
  const evidence = again.agreeing >= 2 ? 'agreed' : 'repaired';
  return { code: again.code, evidence, lineSeen: true, passes: again.passes };
}

/**
 * OCRs the master raster until the code is found, the orientations run out or time runs short.
 * `qrAngle` (from a decoded QR) makes the first orientation the right one; `codeKnown` (the QR gave
 * it) reads only the date and total. When the code stays unread, or could only be read by repairing
 * symbols, and the photo shows the ticket at an angle, the ticket is flattened (flatten.ts) and read
 * once more: only then, because on photos that read well as they are, the paper alone (its grain
 * stretched by the contrast step) can read worse.
 */
export async function readTicketText(
  master: Gray,
  pool: OcrPool,
  deadline: Deadline,
  opts: { grainy: boolean; qrAngle?: number; codeKnown?: boolean },
): Promise<TextReading> {
  const first = await readPhoto(master, pool, deadline, opts);
  const settled = first.code !== null && first.evidence !== 'repaired';
  if (settled || opts.codeKnown || deadline.remainingMs < PAGE_PASS_MS) {
    return first;
  }
  const flat = await flattenPaper(master);
  if (!flat) return first;
  deadline.check();
  const second = await readPhoto(flat, pool, deadline, opts);
  const passes = first.passes + second.passes;
  return { ...(score(second) > score(first) ? second : first), passes };
}

async function readPhoto(
  master: Gray,
  pool: OcrPool,
  deadline: Deadline,
  opts: { grainy: boolean; qrAngle?: number; codeKnown?: boolean },
): Promise<TextReading> {
  const layout = await estimateLayout(master, opts.grainy);
  deadline.check();
  const prepared = await prepare(master, layout, opts.grainy);
  let best: TextReading = {
    code: null,
    date: null,
    total: null,
    pageConfidence: 0,
    evidence: null,
    passes: 0,
  };
  let passes = 0;
  for (const turn of turnOrder(layout.angle, opts.qrAngle)) {
    if (passes > 0 && deadline.remainingMs < PAGE_PASS_MS) break;
    const turned: Prepared = {
      gray: await rotateGray(prepared.gray, turn),
      bw: await rotateGray(prepared.bw, turn),
    };
    const page = await pool.recognize(await encodePng(turned.bw), deadline);
    passes++;
    const text = pageText(page);
    // No text at all: turning the picture will not make any appear.
    if (text.trim() === '') break;
    // Upside down, sideways or unreadable: its "text" is garbage that could even pass a check symbol.
    if (page.confidence < UPRIGHT_CONFIDENCE) continue;
    const fields = { date: findDate(text), total: findTotal(text), pageConfidence: page.confidence };
    if (opts.codeKnown) return { ...fields, code: null, evidence: null, passes };
    const found = await readCode(page, turned, pool, deadline);
    passes += found.passes;
    const reading: TextReading = { ...fields, code: found.code, evidence: found.evidence, passes };
    if (score(reading) > score(best)) best = reading;
    // Upright text ends the search: either the code was read or it is not legible in this photo.
    if (found.code || found.lineSeen || fields.date || fields.total) break;
  }
  return { ...best, passes };
}

/** Which reading to trust: a code read as printed (or agreed) beats a repaired one, any code beats none. */
function score(r: TextReading): number {
  const code = r.code ? (r.evidence === 'repaired' ? 4 : 8) : 0;
  return code + (r.date ? 1 : 0) + (r.total ? 1 : 0) + r.pageConfidence / 100;
}
