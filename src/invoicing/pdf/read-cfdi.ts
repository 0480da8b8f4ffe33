/**
 * Reads what the representación impresa needs from a CFDI 4.0 XML (stamped or not), matching
 * elements by namespace URI and local name, so any prefix works. Values stay strings exactly
 * as written in the XML: the PDF prints the fiscal document, it does not recompute it.
 */
import { create } from 'xmlbuilder2';

const CFDI_NS = 'http://www.sat.gob.mx/cfd/4';
const TFD_NS = 'http://www.sat.gob.mx/TimbreFiscalDigital';

export interface CfdiTax {
  /** c_Impuesto: 001 ISR, 002 IVA, 003 IEPS. */
  impuesto: string;
  /** Tasa, Cuota or Exento; absent on comprobante-level retenciones. */
  tipoFactor?: string;
  tasaOCuota?: string;
  base?: string;
  importe?: string;
}

export interface CfdiConcepto {
  claveProdServ: string;
  noIdentificacion?: string;
  cantidad: string;
  claveUnidad: string;
  unidad?: string;
  descripcion: string;
  valorUnitario: string;
  importe: string;
  descuento?: string;
  objetoImp: string;
  traslados: CfdiTax[];
  retenciones: CfdiTax[];
  /** NumeroPedimento of each InformacionAduanera. */
  pedimentos: string[];
  cuentaPredial: string[];
}

export interface CfdiTimbre {
  version: string;
  uuid: string;
  fechaTimbrado: string;
  rfcProvCertif: string;
  leyenda?: string;
  selloCfd: string;
  noCertificadoSat: string;
  selloSat: string;
}

export interface Cfdi {
  version: string;
  serie?: string;
  folio?: string;
  fecha: string;
  sello: string;
  noCertificado: string;
  formaPago?: string;
  metodoPago?: string;
  condicionesDePago?: string;
  subTotal: string;
  descuento?: string;
  moneda: string;
  tipoCambio?: string;
  total: string;
  tipoDeComprobante: string;
  exportacion: string;
  lugarExpedicion: string;
  informacionGlobal?: { periodicidad: string; meses: string; anio: string };
  relacionados: { tipoRelacion: string; uuids: string[] }[];
  emisor: { rfc: string; nombre: string; regimenFiscal: string };
  receptor: {
    rfc: string;
    nombre: string;
    domicilioFiscal: string;
    regimenFiscal: string;
    usoCfdi: string;
    residenciaFiscal?: string;
    numRegIdTrib?: string;
  };
  conceptos: CfdiConcepto[];
  impuestos?: {
    totalTrasladados?: string;
    totalRetenidos?: string;
    traslados: CfdiTax[];
    retenciones: CfdiTax[];
  };
  timbre?: CfdiTimbre;
}

/** The few DOM members used here (xmlbuilder2's parser returns a W3C-like DOM). */
interface XmlElement {
  nodeType: number;
  namespaceURI: string | null;
  localName: string;
  childNodes: ArrayLike<XmlElement>;
  getAttribute(name: string): string | null;
}

function children(el: XmlElement | undefined, ns: string, name: string): XmlElement[] {
  if (!el) return [];
  const out: XmlElement[] = [];
  for (let i = 0; i < el.childNodes.length; i++) {
    const node = el.childNodes[i]!;
    if (node.nodeType === 1 && node.localName === name && node.namespaceURI === ns) out.push(node);
  }
  return out;
}

const child = (el: XmlElement | undefined, ns: string, name: string) => children(el, ns, name)[0];
const opt = (el: XmlElement | undefined, name: string) => el?.getAttribute(name) ?? undefined;

function req(el: XmlElement | undefined, name: string, where: string): string {
  const value = el?.getAttribute(name);
  if (value == null) throw new CfdiReadError(`Missing ${where}@${name}`);
  return value;
}

/** The CFDI cannot be read: malformed XML, not a CFDI 4.0, or a required attribute missing. */
export class CfdiReadError extends Error {
  override name = 'CfdiReadError';
}

function taxes(parent: XmlElement | undefined, group: string, item: string): CfdiTax[] {
  return children(child(parent, CFDI_NS, group), CFDI_NS, item).map((t) => ({
    impuesto: req(t, 'Impuesto', item),
    tipoFactor: opt(t, 'TipoFactor'),
    tasaOCuota: opt(t, 'TasaOCuota'),
    base: opt(t, 'Base'),
    importe: opt(t, 'Importe'),
  }));
}

function readConcepto(c: XmlElement): CfdiConcepto {
  const impuestos = child(c, CFDI_NS, 'Impuestos');
  return {
    claveProdServ: req(c, 'ClaveProdServ', 'Concepto'),
    noIdentificacion: opt(c, 'NoIdentificacion'),
    cantidad: req(c, 'Cantidad', 'Concepto'),
    claveUnidad: req(c, 'ClaveUnidad', 'Concepto'),
    unidad: opt(c, 'Unidad'),
    descripcion: req(c, 'Descripcion', 'Concepto'),
    valorUnitario: req(c, 'ValorUnitario', 'Concepto'),
    importe: req(c, 'Importe', 'Concepto'),
    descuento: opt(c, 'Descuento'),
    objetoImp: req(c, 'ObjetoImp', 'Concepto'),
    traslados: taxes(impuestos, 'Traslados', 'Traslado'),
    retenciones: taxes(impuestos, 'Retenciones', 'Retencion'),
    pedimentos: children(c, CFDI_NS, 'InformacionAduanera').map((i) => req(i, 'NumeroPedimento', 'Aduanera')),
    cuentaPredial: children(c, CFDI_NS, 'CuentaPredial').map((p) => req(p, 'Numero', 'CuentaPredial')),
  };
}

function readTimbre(root: XmlElement): CfdiTimbre | undefined {
  const tfd = children(root, CFDI_NS, 'Complemento')
    .flatMap((complemento) => children(complemento, TFD_NS, 'TimbreFiscalDigital'))
    .at(0);
  if (!tfd) return undefined;
  return {
    version: req(tfd, 'Version', 'TimbreFiscalDigital'),
    uuid: req(tfd, 'UUID', 'TimbreFiscalDigital'),
    fechaTimbrado: req(tfd, 'FechaTimbrado', 'TimbreFiscalDigital'),
    rfcProvCertif: req(tfd, 'RfcProvCertif', 'TimbreFiscalDigital'),
    leyenda: opt(tfd, 'Leyenda'),
    selloCfd: req(tfd, 'SelloCFD', 'TimbreFiscalDigital'),
    noCertificadoSat: req(tfd, 'NoCertificadoSAT', 'TimbreFiscalDigital'),
    selloSat: req(tfd, 'SelloSAT', 'TimbreFiscalDigital'),
  };
}

function parseRoot(xml: string): XmlElement {
  let root: XmlElement;
  try {
    root = create(xml).root().node as unknown as XmlElement;
  } catch (error) {
    throw new CfdiReadError(`Malformed XML: ${(error as Error).message}`);
  }
  if (
    root.namespaceURI !== CFDI_NS ||
    root.localName !== 'Comprobante' ||
    root.getAttribute('Version') !== '4.0'
  ) {
    throw new CfdiReadError('Not a CFDI 4.0 Comprobante');
  }
  return root;
}

/** Parses a CFDI 4.0 XML into the fields printed on its representación impresa. */
export function readCfdi(xml: string): Cfdi {
  const root = parseRoot(xml);
  const emisor = child(root, CFDI_NS, 'Emisor');
  const receptor = child(root, CFDI_NS, 'Receptor');
  const global = child(root, CFDI_NS, 'InformacionGlobal');
  const impuestos = child(root, CFDI_NS, 'Impuestos');
  return {
    version: '4.0',
    serie: opt(root, 'Serie'),
    folio: opt(root, 'Folio'),
    fecha: req(root, 'Fecha', 'Comprobante'),
    sello: opt(root, 'Sello') ?? '',
    noCertificado: opt(root, 'NoCertificado') ?? '',
    formaPago: opt(root, 'FormaPago'),
    metodoPago: opt(root, 'MetodoPago'),
    condicionesDePago: opt(root, 'CondicionesDePago'),
    subTotal: req(root, 'SubTotal', 'Comprobante'),
    descuento: opt(root, 'Descuento'),
    moneda: req(root, 'Moneda', 'Comprobante'),
    tipoCambio: opt(root, 'TipoCambio'),
    total: req(root, 'Total', 'Comprobante'),
    tipoDeComprobante: req(root, 'TipoDeComprobante', 'Comprobante'),
    exportacion: req(root, 'Exportacion', 'Comprobante'),
    lugarExpedicion: req(root, 'LugarExpedicion', 'Comprobante'),
    informacionGlobal: global && {
      periodicidad: req(global, 'Periodicidad', 'InformacionGlobal'),
      meses: req(global, 'Meses', 'InformacionGlobal'),
      anio: req(global, 'Año', 'InformacionGlobal'),
    },
    relacionados: children(root, CFDI_NS, 'CfdiRelacionados').map((r) => ({
      tipoRelacion: req(r, 'TipoRelacion', 'CfdiRelacionados'),
      uuids: children(r, CFDI_NS, 'CfdiRelacionado').map((u) => req(u, 'UUID', 'CfdiRelacionado')),
    })),
    emisor: {
      rfc: req(emisor, 'Rfc', 'Emisor'),
      nombre: req(emisor, 'Nombre', 'Emisor'),
      regimenFiscal: req(emisor, 'RegimenFiscal', 'Emisor'),
    },
    receptor: {
      rfc: req(receptor, 'Rfc', 'Receptor'),
      nombre: req(receptor, 'Nombre', 'Receptor'),
      domicilioFiscal: req(receptor, 'DomicilioFiscalReceptor', 'Receptor'),
      regimenFiscal: req(receptor, 'RegimenFiscalReceptor', 'Receptor'),
      usoCfdi: req(receptor, 'UsoCFDI', 'Receptor'),
      residenciaFiscal: opt(receptor, 'ResidenciaFiscal'),
      numRegIdTrib: opt(receptor, 'NumRegIdTrib'),
    },
    conceptos: children(child(root, CFDI_NS, 'Conceptos'), CFDI_NS, 'Concepto').map(readConcepto),
    impuestos: impuestos && {
      totalTrasladados: opt(impuestos, 'TotalImpuestosTrasladados'),
      totalRetenidos: opt(impuestos, 'TotalImpuestosRetenidos'),
      traslados: taxes(impuestos, 'Traslados', 'Traslado'),
      retenciones: taxes(impuestos, 'Retenciones', 'Retencion'),
    },
    timbre: readTimbre(root),
  };
}
