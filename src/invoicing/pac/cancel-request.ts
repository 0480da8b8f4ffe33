/**
 * Checks a cancellation request before any PAC is called, with SAT's rules for
 * c_MotivoCancelacion: folioSustitucion is required with motivo 01 and only allowed with it.
 */
import { PacError } from './errors.ts';
import type { CancelRequest } from './types.ts';

const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const MOTIVOS = new Set(['01', '02', '03', '04']);

/** Whether `value` is a 36-character RFC 4122 style UUID (any case). */
export function isUuid(value: string | undefined): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Throws PacError (kind validation, code INVALID_REQUEST) when the request cannot be sent. */
export function assertValidCancelRequest(req: CancelRequest): void {
  if (!isUuid(req.uuid)) throw PacError.invalidRequest(`cancel: uuid is not a UUID: "${req.uuid}"`);
  if (!MOTIVOS.has(req.motivo))
    throw PacError.invalidRequest(`cancel: motivo must be 01-04, got "${req.motivo}"`);
  if (req.motivo === '01' && !isUuid(req.folioSustitucion)) {
    throw PacError.invalidRequest(
      'cancel: motivo 01 requires folioSustitucion (the UUID of the replacing CFDI)',
    );
  }
  if (req.motivo !== '01' && req.folioSustitucion !== undefined && req.folioSustitucion !== '') {
    throw PacError.invalidRequest(
      `cancel: folioSustitucion is only allowed with motivo 01 (got ${req.motivo})`,
    );
  }
  if (req.motivo === '01' && req.folioSustitucion?.toUpperCase() === req.uuid.toUpperCase()) {
    throw PacError.invalidRequest('cancel: folioSustitucion cannot be the cancelled UUID itself');
  }
  if (!req.rfcEmisor) throw PacError.invalidRequest('cancel: rfcEmisor is required');
  if (!req.csd?.certificate?.length || !req.csd.privateKey?.length) {
    throw PacError.invalidRequest('cancel: the CSD certificate and private key are required');
  }
}
