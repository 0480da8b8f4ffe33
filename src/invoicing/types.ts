/**
 * What the invoicing core needs to build a CFDI 4.0 "I" (ingreso) from a ticket. Money and
 * quantities are decimal strings ("90.00", "2", "0.265"): never JavaScript numbers.
 */

/** How a ticket line is taxed. IEPS, when any, is given separately as `iepsRate`. */
export type TaxKind = 'IVA16' | 'IVA8' | 'IVA0' | 'IVA_EXENTO' | 'NO_OBJETO';

export interface TicketItem {
  description: string;
  /** Decimal string, > 0. */
  quantity: string;
  /** Unit price as printed on the ticket (tax included when `pricesIncludeTax`). */
  unitPrice: string;
  /** c_ClaveProdServ, 8 digits. */
  productKey: string;
  /** c_ClaveUnidad, e.g. H87, E48, KGM. */
  unitKey: string;
  /** Optional free-text Unidad. */
  unitName?: string;
  tax: TaxKind;
  /** IEPS tasa as a decimal fraction ("0.080000", "0.265000"), or null. */
  iepsRate: string | null;
  /** Discount for the whole line, same tax basis as unitPrice; "0" when none. */
  discount: string;
}

export interface Issuer {
  rfc: string;
  nombre: string;
  /** c_RegimenFiscal */
  regimenFiscal: string;
  /** c_CodigoPostal of LugarExpedicion */
  lugarExpedicion: string;
}

export interface Receptor {
  rfc: string;
  nombre: string;
  /** DomicilioFiscalReceptor: the receptor's postal code. */
  domicilioFiscal: string;
  regimenFiscal: string;
  usoCfdi: string;
}

export interface InvoiceDraft {
  issuer: Issuer;
  receptor: Receptor;
  serie: string;
  folio: string;
  /** Local date-time at LugarExpedicion, "YYYY-MM-DDTHH:mm:ss". */
  fecha: string;
  /** c_FormaPago of the ticket. */
  formaPago: string;
  pricesIncludeTax: boolean;
  items: TicketItem[];
  /** The ticket total; the CFDI Total must equal it to the cent. */
  total: string;
}

/** A CSD (Certificado de Sello Digital): the DER certificate and the encrypted DER PKCS#8 key. */
export interface Csd {
  certificate: Uint8Array;
  privateKey: Uint8Array;
  password: string;
}
