/**
 * The PAC (Proveedor Autorizado de Certificación) contract. A new PAC is one new file that
 * implements `PacDriver`; nothing else in the system knows which PAC is behind it.
 */
import type { Csd } from '../types.ts';

export { PacError, type PacErrorKind } from './errors.ts';

/** c_MotivoCancelacion: 01 con relación (needs folioSustitucion), 02 sin relación, 03 no se llevó a cabo, 04 nominativa en global. */
export type MotivoCancelacion = '01' | '02' | '03' | '04';

export interface StampResult {
  /** The stamped CFDI: the sealed XML with `tfd:TimbreFiscalDigital` inside `cfdi:Complemento`. */
  xml: string;
  /** The TFD's UUID (folio fiscal) exactly as written in the TFD. Compare case-insensitively. */
  uuid: string;
  /** Mexico City local time, "YYYY-MM-DDThh:mm:ss", as in the TFD. */
  fechaTimbrado: string;
  noCertificadoSat: string;
  selloSat: string;
}

export interface StampOptions {
  signal?: AbortSignal;
}

export interface CancelRequest {
  uuid: string;
  rfcEmisor: string;
  /** The CFDI's Total as written in it; used to confirm the outcome with SAT's status service. */
  total: string;
  rfcReceptor: string;
  motivo: MotivoCancelacion;
  /** UUID of the CFDI that replaces this one. Required with motivo 01, forbidden otherwise. */
  folioSustitucion?: string;
  /** The issuer's CSD; PACs sign the cancellation request with it. */
  csd: Csd;
}

export interface CancelResult {
  /**
   * cancelled: SAT shows it cancelled (or it already was). pending_acceptance: SAT accepted the
   * request but the receptor must accept it (or SAT has not reflected it yet). rejected: the
   * PAC/SAT refused it; see code and message.
   */
  status: 'cancelled' | 'pending_acceptance' | 'rejected';
  /** SAT's acuse (XML) when the PAC returns one. */
  acuse?: string;
  code?: string;
  message?: string;
}

export interface StatusRequest {
  uuid: string;
  rfcEmisor: string;
  rfcReceptor: string;
  /** The CFDI's Total as written in it. */
  total: string;
  /** Last 8 characters of the CFDI's Sello ("fe" of the printed expression); optional. */
  fe?: string;
}

export interface StatusResult {
  estado: 'Vigente' | 'Cancelado' | 'No Encontrado';
  /** SAT's text: "Cancelable sin aceptación", "Cancelable con aceptación", "No cancelable". */
  esCancelable?: string;
  /** SAT's text: "En proceso", "Plazo vencido", "Solicitud rechazada", "Cancelado sin aceptación"... */
  estatusCancelacion?: string;
}

export interface PacDriver {
  readonly name: string;
  /** Stamps a sealed CFDI. Idempotent: the same CFDI again yields the same TFD/UUID, never a second one. */
  stamp(sealedXml: string, opts?: StampOptions): Promise<StampResult>;
  /** Asks SAT (through the PAC) to cancel a stamped CFDI. Throws PacError for transport/auth failures. */
  cancel(req: CancelRequest): Promise<CancelResult>;
  /** SAT's current view of a CFDI. */
  status(req: StatusRequest): Promise<StatusResult>;
}
