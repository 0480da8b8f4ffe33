import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { estimateLayout } from '../../src/scan/layout.ts';
import { decodePhoto } from '../../src/scan/raster.ts';
import { drawTicket, makeTicketSpec } from './corpus.ts';

async function ticketAt(angle: number): Promise<Buffer> {
  const t = await drawTicket(makeTicketSpec(11, null));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${t.width}" height="${t.height}">${t.body}</svg>`;
  return sharp(Buffer.from(svg))
    .flatten({ background: '#ffffff' })
    .rotate(angle, { background: '#5a5a5a' })
    .jpeg()
    .toBuffer();
}

/** Difference between two line directions (lines have no sense: 0° and 180° are the same). */
function lineDiff(a: number, b: number): number {
  const d = (((a - b) % 180) + 180) % 180;
  return Math.min(d, 180 - d);
}

describe('estimateLayout', () => {
  it.each([0, 7, -12, 25, 90, -80, 183])('finds the text lines of a ticket turned %d°', async (angle) => {
    const master = await decodePhoto(await ticketAt(angle), 40_000_000, 2000);
    const layout = await estimateLayout(master);
    expect(lineDiff(layout.angle, angle)).toBeLessThanOrEqual(1.5);
    // 31 px between lines as printed: the estimate should be in that neighbourhood.
    expect(layout.pitch).toBeGreaterThan(24);
    expect(layout.pitch).toBeLessThan(40);
    expect(layout.contrast).toBeGreaterThan(1.5);
  });
});
