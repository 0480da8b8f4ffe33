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
  const module = side / modules.size;
  return {
    height: side,
    draw(canvas, x, top) {
      const rects: number[] = [];
      for (let row = 0; row < modules.size; row++) {
        let col = 0;
        while (col < modules.size) {
          if (!modules.data[row * modules.size + col]) {
            col++;
            continue;
          }
          const start = col;
          while (col < modules.size && modules.data[row * modules.size + col]) col++;
          // A hair of overlap between rows avoids seams in viewers that anti-alias each rectangle.
          rects.push(x + start * module, top + row * module, (col - start) * module, module + 0.05);
        }
      }
      canvas.fillRects(rects, color);
    },
  };
}
