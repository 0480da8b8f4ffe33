/**
 * The scanner's neutral result types: what a photo of a ticket yielded and how it was found.
 */

/** How the ticket code was found: from the QR, by reading the printed text, or not at all. */
export type ScanVia = 'qr' | 'ocr' | 'none';

/** A photo that could be read (the code may still be missing: `via: 'none'`). */
export interface ScanFound {
  /** The ticket code as XXXX-XXXX-XXXX, or null when neither the QR nor the text gave one. */
  code: string | null;
  /** Purchase date printed on the ticket, YYYY-MM-DD, when it was read. */
  date: string | null;
  /** Ticket total printed on the ticket, two decimals ("1234.50"), when it was read. */
  total: string | null;
  via: ScanVia;
  /** How sure the code is, 0..1: about 1 from a QR, lower for OCR with corrected symbols, 0 without code. */
  confidence: number;
}

/** Why a photo was refused or not processed. */
export type ScanErrorKind = 'not_image' | 'too_large' | 'too_many_pixels' | 'timeout' | 'busy';

export interface ScanRefused {
  error: ScanErrorKind;
  /** Spanish, ready to show to the customer. */
  message: string;
}

export type ScanResult = ScanFound | ScanRefused;

/** Settings of one scanner, fixed at construction. */
export interface ScannerOptions {
  /** Tesseract workers kept alive (created on first OCR use); 0 disables OCR. Default 1. */
  ocrWorkers?: number;
  /** Photos allowed to wait for a busy OCR worker (and for a decode slot); beyond that: `busy`. Default 4. */
  queueDepth?: number;
  /** Time allowed per photo, waiting included; then `timeout`. Default 8000 ms. */
  timeBudgetMs?: number;
  /** Largest accepted file. Default 15 MB. */
  maxBytes?: number;
  /** Largest accepted width × height (decompression bombs). Default 40 megapixels. */
  maxPixels?: number;
  /** Photos decoded at the same time (sharp + QR search). Default 2. */
  decodeConcurrency?: number;
}

/** Per-photo settings. */
export interface ScanOptions {
  /**
   * Also read the date and total when the code came from the QR (costs one OCR pass). Without it a QR
   * result has date and total null; the OCR path always reads them. Default false.
   */
  readFields?: boolean;
  /** Overrides the scanner's time budget for this photo. */
  timeBudgetMs?: number;
}

/** Predicate that tells a refusal from a read photo. */
export function isRefused(result: ScanResult): result is ScanRefused {
  return 'error' in result;
}
