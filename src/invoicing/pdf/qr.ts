/**
 * The SAT verification QR drawn as vector rectangles (one per horizontal run of dark modules),
 * not as an embedded bitmap: sharp at any zoom, smaller, and no PNG encoding per invoice.
 */
import QRCode, { type QRCodeMaskPattern } from 'qrcode';
import type { Block } from './blocks.ts';

/**
 * qrcode would otherwise score all eight masks and search the shortest mix of segment modes on
 * every invoice, most of the time a symbol took. Any mask decodes to the same text; for SAT's
 * verification URLs mask 2 scores lowest or close to it (its long fixed prefix dominates). The URL
 * goes as one byte segment: the usual URL then needs version 9 (53 modules a side, 1.7 pt each at
 * our size) instead of 8, still far above Anexo 20's 2.75 cm minimum side.
 */
export const QR_MASK: QRCodeMaskPattern = 2;

/** The QR symbol of `text` as qrBlock draws it: error correction M, one byte segment, mask 2. */
export function qrSymbol(text: string): QRCode.QRCode {
  return QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    maskPattern: QR_MASK,
  });
}

/**
 * A QR symbol `side` points wide. Anexo 20 asks for at least 2.75 cm (78 pt) a side. The quiet
 * zone (4 modules of white, ISO/IEC 18004) is not part of the block: the caller leaves that
 * much space around it (page margin, gaps), so the symbol lines up with the text column.
 */
export function qrBlock(text: string, side: number, color = '#000000'): Block {
  const { modules } = qrSymbol(text);
  const rects = moduleRects(modules.data, modules.size);
  return {
    height: side,
    draw(canvas, x, top) {
      canvas.fillGrid(rects, x, top, side / modules.size, color);
    },
  };
}

/**
 * The dark modules of a `size`×`size` symbol as rectangles in module units ([col, row, w, h]
 * flattened): one per horizontal run, and a run repeated on the rows below grows downwards
 * instead of starting a new rectangle (finder patterns and timing stripes take a few each).
 * Each is a hair taller than its rows, so viewers that anti-alias rectangle by rectangle show no
 * seams between rows.
 */
export function moduleRects(dark: ArrayLike<number | boolean>, size: number): number[] {
  const HAIR = 0.03;
  const rects: number[] = [];
  let above = new Map<number, number>(); // (start, length) of a run in the row above -> rect index
  for (let row = 0; row < size; row++) {
    const here = new Map<number, number>();
    let col = 0;
    while (col < size) {
      if (!dark[row * size + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && dark[row * size + col]) col++;
      const key = start * size + (col - start);
      const at = above.get(key);
      if (at === undefined) {
        here.set(key, rects.length);
        rects.push(start, row, col - start, 1 + HAIR);
      } else {
        here.set(key, at);
        rects[at + 3]! += 1;
      }
    }
    above = here;
  }
  return rects;
}
