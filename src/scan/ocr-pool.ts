/**
 * A small pool of tesseract.js workers (Spanish, LSTM), created on first use, reused, and closed by
 * `close()`. Everything is local: the traineddata comes from the `@tesseract.js-data/spa` package and
 * the wasm core from `tesseract.js-core`, with caching off, so nothing is fetched or written. Each
 * worker is a worker thread: recognition never blocks the event loop. A recognition that overruns the
 * photo's deadline terminates its worker; a fresh one is created on the next use.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createWorker, OEM, PSM, type RecognizeOptions, type Worker } from 'tesseract.js';
import { CROCKFORD } from '../sat/code.ts';
import { type Deadline, TimeoutError } from './deadline.ts';
import { Gate } from './gate.ts';

export interface OcrSymbol {
  text: string;
  /** 0..100 */
  confidence: number;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface OcrLine {
  text: string;
  confidence: number;
  bbox: Box;
  /** The line's characters with tesseract's confidence in each (spaces between words omitted). */
  symbols: OcrSymbol[];
}

export interface OcrPage {
  text: string;
  /** Mean word confidence, 0..100. */
  confidence: number;
  lines: OcrLine[];
}

/** The LSTM-only ("best_int") Spanish model shipped in the npm package. */
const MODEL_DIR = '4.0.0_best_int';

/** Absolute directory holding spa.traineddata.gz; throws (deployment error) when it is missing. */
export function spanishLangPath(): string {
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('@tesseract.js-data/spa/package.json')), MODEL_DIR);
  if (!existsSync(path.join(dir, 'spa.traineddata.gz'))) {
    throw new Error(`Spanish OCR data not found in ${dir} (npm package @tesseract.js-data/spa)`);
  }
  return dir;
}

interface Slot {
  worker: Promise<Worker> | null;
  busy: boolean;
}

export class OcrPool {
  private readonly slots: Slot[];
  private readonly gate: Gate;
  private closed = false;

  constructor(size: number, queueDepth: number) {
    this.slots = Array.from({ length: size }, () => ({ worker: null, busy: false }));
    this.gate = new Gate(size, queueDepth);
  }

  /** Workers currently alive (for tests and metrics). */
  get alive(): number {
    return this.slots.filter((slot) => slot.worker !== null).length;
  }

  /**
   * Recognises the text in an image (PNG/JPEG bytes). Waits for a worker through the bounded queue:
   * rejects with BusyError when the queue is full and TimeoutError when the deadline passes.
   */
  recognize(image: Buffer, deadline: Deadline, mode: 'page' | 'line' = 'page'): Promise<OcrPage> {
    if (this.closed) return Promise.reject(new Error('OCR pool closed'));
    return this.gate.run(deadline, async () => {
      const slot = this.slots.find((s) => !s.busy);
      if (!slot) throw new Error('OCR gate admitted more jobs than workers');
      slot.busy = true;
      try {
        slot.worker ??= spawn();
        const worker = await deadline.race(slot.worker, () => void this.retire(slot));
        const result = await deadline.race(
          worker.recognize(image, mode === 'line' ? LINE_PARAMS : {}, { text: true, blocks: true }),
          () => void this.retire(slot),
        );
        return toPage(result.data);
      } catch (error) {
        if (!(error instanceof TimeoutError)) void this.retire(slot);
        throw error;
      } finally {
        slot.busy = false;
      }
    });
  }

  /** Creates the workers not yet alive (e.g. at start-up, so the first photo does not pay for it). */
  async warmUp(): Promise<void> {
    if (this.closed) throw new Error('OCR pool closed');
    await Promise.all(
      this.slots.map((slot) => {
        slot.worker ??= spawn();
        return slot.worker;
      }),
    );
  }

  /** Terminates every worker; later calls to `recognize` fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => this.retire(slot)));
  }

  private retire(slot: Slot): Promise<void> {
    const worker = slot.worker;
    slot.worker = null;
    if (!worker) return Promise.resolve();
    return worker.then(
      (w) => w.terminate().then(() => undefined),
      () => undefined,
    );
  }
}

/** Per-call parameters for reading one line (the code, cropped). */
// tesseract.js passes unknown options through to tesseract; its types only list its own.
const LINE_PARAMS = {
  tessedit_pageseg_mode: PSM.SINGLE_LINE,
  tessedit_char_whitelist: `${CROCKFORD}-`,
} as unknown as Partial<RecognizeOptions>;

async function spawn(): Promise<Worker> {
  const worker = await createWorker('spa', OEM.LSTM_ONLY, {
    langPath: spanishLangPath(),
    gzip: true,
    cacheMethod: 'none',
    // Without a handler tesseract.js rethrows job errors inside its message listener (process crash).
    errorHandler: () => {},
  });
  await worker.setParameters({
    tessedit_pageseg_mode: PSM.SINGLE_COLUMN,
    user_defined_dpi: '300',
    preserve_interword_spaces: '1',
    // tesseract's own diagnostics ("Detected 12 diacritics") would go to the process's stdout.
    debug_file: '/dev/null',
  });
  return worker;
}

interface RawSymbol {
  text: string;
  confidence: number;
}
interface RawWord {
  text: string;
  confidence: number;
  symbols?: RawSymbol[];
}
interface RawLine {
  text: string;
  confidence: number;
  bbox: Box;
  words?: RawWord[];
}
interface RawBlock {
  paragraphs?: { lines?: RawLine[] }[];
}

function toPage(data: { text: string; confidence: number; blocks?: unknown }): OcrPage {
  const blocks = (Array.isArray(data.blocks) ? data.blocks : []) as RawBlock[];
  const lines: OcrLine[] = [];
  for (const block of blocks) {
    for (const paragraph of block.paragraphs ?? []) {
      for (const line of paragraph.lines ?? []) {
        const symbols: OcrSymbol[] = [];
        for (const word of line.words ?? []) {
          for (const s of word.symbols ?? []) symbols.push({ text: s.text, confidence: s.confidence });
        }
        lines.push({
          text: line.text.replace(/\s+$/u, '').replace(/\n/gu, ' '),
          confidence: line.confidence,
          bbox: line.bbox,
          symbols,
        });
      }
    }
  }
  return { text: data.text, confidence: data.confidence, lines };
}
