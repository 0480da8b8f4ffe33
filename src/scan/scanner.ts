/**
 * Photo of a ticket -> ticket code (plus date and total when printed): QR first, OCR fallback.
 *
 * Each photo gets a time budget from the moment it arrives. Decoding and the QR search run a few at a
 * time; OCR runs in tesseract worker threads behind a bounded queue. When a queue is full the photo is
 * refused with `busy` at once rather than piling up, so a burst of photos never stalls the chat
 * adapters. Nothing starts at construction: the OCR workers are created on first use.
 */
import { refusalMessage } from './copy.ts';
import { Deadline, TimeoutError } from './deadline.ts';
import { BusyError, Gate } from './gate.ts';
import { inspectPhoto } from './input.ts';
import { readTicketText, type TextReading } from './ocr.ts';
import { OcrPool } from './ocr-pool.ts';
import { findQrCode, GRAINY, grain, type QrHit } from './qr.ts';
import { decodePhoto, fitLongSide, type Gray } from './raster.ts';
import type {
  ScanErrorKind,
  ScanFound,
  ScannerOptions,
  ScanOptions,
  ScanRefused,
  ScanResult,
} from './types.ts';

export const DEFAULTS: Required<ScannerOptions> = {
  ocrWorkers: 1,
  queueDepth: 4,
  timeBudgetMs: 8000,
  maxBytes: 15 * 1024 * 1024,
  maxPixels: 40_000_000,
  decodeConcurrency: 2,
};

/** Longest side of the working raster every later step starts from. */
const WORKING_SIDE = 2000;

/** Confidence reported for each way a code can be established. */
const CONFIDENCE = { qr: 0.99, printed: 0.9, agreed: 0.8, repaired: 0.5 } as const;

export class TicketScanner {
  private readonly options: Required<ScannerOptions>;
  private readonly decodeGate: Gate;
  private readonly ocr: OcrPool | null;

  constructor(options: ScannerOptions = {}) {
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.options = { ...DEFAULTS, ...defined };
    const { ocrWorkers, queueDepth, decodeConcurrency } = this.options;
    this.decodeGate = new Gate(Math.max(1, decodeConcurrency), queueDepth);
    this.ocr = ocrWorkers > 0 ? new OcrPool(ocrWorkers, queueDepth) : null;
  }

  /** OCR workers currently alive (0 until the first photo without a readable QR). */
  get ocrWorkersAlive(): number {
    return this.ocr?.alive ?? 0;
  }

  /**
   * Reads one photo. Never throws for anything about the photo itself (refusals are results); throws
   * only on a broken installation (e.g. the OCR language data missing).
   */
  async scan(bytes: Uint8Array, opts: ScanOptions = {}): Promise<ScanResult> {
    const deadline = new Deadline(opts.timeBudgetMs ?? this.options.timeBudgetMs);
    const inspected = await inspectPhoto(bytes, this.options);
    if (!inspected.ok) return this.refuse(inspected.kind);
    try {
      const decoded = await this.decodeGate.run(deadline, () => this.decodeAndFindQr(bytes, deadline));
      if (!decoded) return this.refuse('not_image');
      const { master, qr, grainy } = decoded;
      if (qr) return await this.withFields(qr, master, grainy, deadline, opts.readFields === true);
      if (!this.ocr) return { code: null, date: null, total: null, via: 'none', confidence: 0 };
      const text = await readTicketText(master, this.ocr, deadline, { grainy });
      return fromText(text);
    } catch (error) {
      if (error instanceof TimeoutError) return this.refuse('timeout');
      if (error instanceof BusyError) return this.refuse('busy');
      throw error;
    }
  }

  /**
   * Starts the OCR workers now instead of on the first photo without a readable QR (creating one takes
   * about a second on an idle machine, several under load). Optional; call from the composition root.
   */
  async warmUp(): Promise<void> {
    await this.ocr?.warmUp();
  }

  /** Stops the OCR workers. The scanner must not be used afterwards. */
  async close(): Promise<void> {
    await this.ocr?.close();
  }

  private refuse(kind: ScanErrorKind): ScanRefused {
    return { error: kind, message: refusalMessage(kind, this.options) };
  }

  private async decodeAndFindQr(
    bytes: Uint8Array,
    deadline: Deadline,
  ): Promise<{ master: Gray; qr: QrHit | null; grainy: boolean } | null> {
    let master: Gray;
    try {
      master = await decodePhoto(bytes, this.options.maxPixels, WORKING_SIDE);
    } catch {
      return null; // the header looked fine but the pixels do not decode (truncated, unsupported codec)
    }
    deadline.check();
    const grainy = grain(await fitLongSide(master, 1000)) >= GRAINY;
    const qr = await findQrCode(master, deadline, grainy);
    return { master, qr, grainy };
  }

  /** A QR result, plus the printed date and total when asked for and time allows. */
  private async withFields(
    qr: QrHit,
    master: Gray,
    grainy: boolean,
    deadline: Deadline,
    readFields: boolean,
  ): Promise<ScanFound> {
    const found: ScanFound = {
      code: qr.code.toString(),
      date: null,
      total: null,
      via: 'qr',
      confidence: CONFIDENCE.qr,
    };
    if (!readFields || !this.ocr) return found;
    try {
      const text = await readTicketText(master, this.ocr, deadline, {
        grainy,
        qrAngle: qr.angle,
        codeKnown: true,
      });
      return { ...found, date: text.date, total: text.total };
    } catch (error) {
      // The code is what matters; without time or a free worker the fields stay unknown.
      if (error instanceof TimeoutError || error instanceof BusyError) return found;
      throw error;
    }
  }
}

function fromText(text: TextReading): ScanFound {
  const { code, date, total, evidence } = text;
  if (!code || !evidence) return { code: null, date, total, via: 'none', confidence: 0 };
  const confidence =
    evidence === 'repaired'
      ? Math.max(0.3, CONFIDENCE.repaired - 0.1 * (code.repairs - 1))
      : CONFIDENCE[evidence];
  return { code: code.code.toString(), date, total, via: 'ocr', confidence };
}

let shared: TicketScanner | null = null;

/** Reads a photo with a process-wide scanner (default options), created on first use. */
export function scanTicket(bytes: Uint8Array, opts?: ScanOptions): Promise<ScanResult> {
  shared ??= new TicketScanner();
  return shared.scan(bytes, opts);
}

/** Closes the process-wide scanner's OCR workers (call on shutdown). */
export async function closeScanner(): Promise<void> {
  const scanner = shared;
  shared = null;
  await scanner?.close();
}
