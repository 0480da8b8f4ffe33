/**
 * What the admin API needs from the invoicing core, supplied by the composition root (the real
 * PDF renderer and PAC), and the API's own tunables.
 */

export interface ApiDeps {
  /** The representación impresa of a stamped CFDI, with the company's branding. */
  renderPdf(invoice: {
    xml: string;
    companyId: string /** Folio fiscal, lower case. */;
    uuid: string;
  }): Promise<Buffer>;
  /**
   * Asks the PAC to cancel a stamped CFDI. May throw PacError (src/invoicing/pac/errors.ts) for
   * transport or credential failures.
   */
  cancelInvoice(req: {
    companyId: string;
    uuid: string;
    motivo: '01' | '02' | '03' | '04';
    folioSustitucion?: string;
  }): Promise<{ status: 'cancelled' | 'pending_acceptance' | 'rejected'; message?: string }>;
}

export interface ApiOptions {
  /** Requests per key per window; default 600 per minute. */
  rateLimit?: { limit: number; windowMs: number };
}

export const DEFAULT_RATE_LIMIT = { limit: 600, windowMs: 60_000 };
