/**
 * The SAT verification QR drawn as vector rectangles (one per horizontal run of dark modules),
 * not as an embedded bitmap: sharp at any zoom, smaller, and no PNG encoding per invoice.
 */
import QRCode from 'qrcode';
import type { Block } from './blocks.ts';

/**
 * A QR symbol `side` points wide. Anexo 20 asks for at least 2.75 cm (78 pt) a side. The quiet
 * zone (4 modules of white, ISO/IEC 18004) is not part of the block: the caller leaves that
 * much space around it (page margin, gaps), so the symbol lines up with the text column.
 */
export function qrBlock(text: string, side: number, color = '#000000'): Block {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
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
