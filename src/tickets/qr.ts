/**
 * The ticket's QR code, as a PNG (for thermal printers that take bitmaps) and as SVG. Each PNG
 * costs a few milliseconds of CPU, so callers ask only for the formats they print.
 */
import QRCode from 'qrcode';

export interface TicketQr {
  pngBase64: string | null;
  svg: string | null;
}

export type QrFormat = 'png' | 'svg';

/** Renders `url` as a QR code (error correction M) in the requested formats. */
export async function renderTicketQr(
  url: string,
  formats: readonly QrFormat[] = ['png', 'svg'],
): Promise<TicketQr> {
  const options = { errorCorrectionLevel: 'M' as const, margin: 2 };
  const [png, svg] = await Promise.all([
    formats.includes('png') ? QRCode.toBuffer(url, { ...options, type: 'png', scale: 4 }) : null,
    formats.includes('svg') ? QRCode.toString(url, { ...options, type: 'svg' }) : null,
  ]);
  return { pngBase64: png ? png.toString('base64') : null, svg };
}
