/**
 * Photo -> ticket code: the scanner's public API. See scanner.ts for how a photo is read.
 */
export { codeFromQrText } from './qr.ts';
export { recoverCode } from './recover.ts';
export { closeScanner, DEFAULTS, scanTicket, TicketScanner } from './scanner.ts';
export type {
  ScanErrorKind,
  ScanFound,
  ScannerOptions,
  ScanOptions,
  ScanRefused,
  ScanResult,
  ScanVia,
} from './types.ts';
export { isRefused } from './types.ts';
