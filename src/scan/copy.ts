/**
 * Every customer-facing sentence of the scanner, in one place so the wording can be reviewed at once.
 */
import type { ScanErrorKind } from './types.ts';

export function refusalMessage(kind: ScanErrorKind, limits: { maxBytes: number; maxPixels: number }): string {
  switch (kind) {
    case 'not_image':
      return 'No pude abrir el archivo como imagen. Envía una foto del ticket en formato JPG, PNG o WebP.';
    case 'too_large':
      return `La foto es demasiado pesada (el máximo es ${megabytes(limits.maxBytes)} MB). Envíala con menor calidad o tómala de nuevo.`;
    case 'too_many_pixels':
      return `La foto tiene demasiada resolución (el máximo es ${megapixels(limits.maxPixels)} megapíxeles). Envíala con menor resolución.`;
    case 'timeout':
      return 'No alcancé a leer la foto a tiempo. Intenta con una foto más nítida y de frente, o escribe el código del ticket.';
    case 'busy':
      return 'Estoy leyendo muchas fotos en este momento; intenta de nuevo en un momento o escribe el código del ticket.';
  }
}

function megabytes(bytes: number): string {
  return String(Math.round((bytes / (1024 * 1024)) * 10) / 10);
}

function megapixels(pixels: number): string {
  return String(Math.round(pixels / 100_000) / 10);
}
