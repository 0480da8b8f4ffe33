/**
 * Reads what the representación impresa needs from a CFDI 4.0 XML (stamped or not), with the
 * strict parser the seal uses (../xml.ts, a tenth of the time of xmlbuilder2's DOM), matching
 * elements by namespace URI and local name, so any prefix works. Values stay strings exactly as
 * written in the XML: the PDF prints the fiscal document, it does not recompute it.
 */
import { attr, childElements, NS_CFDI, NS_TFD, parseXml, type XmlElement } from '../xml.ts';

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

function children(el: XmlElement | undefined, ns: string, name: string): XmlElement[] {
  return el ? childElements(el, ns, name) : [];
}

function child(el: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const node of el.children) {
    if (node.kind === 'element' && node.local === name && node.ns === ns) return node;
  }
  return undefined;
}

const opt = (el: XmlElement | undefined, name: string) => (el ? attr(el, name) : undefined);

function req(el: XmlElement | undefined, name: string, where: string): string {
  const value = opt(el, name);
  if (value === undefined) throw new CfdiReadError(`Missing ${where}@${name}`);
  return value;
}

/** The CFDI cannot be read: malformed XML, not a CFDI 4.0, or a required attribute missing. */
export class CfdiReadError extends Error {
  override name = 'CfdiReadError';
}

function taxes(parent: XmlElement | undefined, group: string, item: string): CfdiTax[] {
  return children(child(parent, NS_CFDI, group), NS_CFDI, item).map((t) => ({
    impuesto: req(t, 'Impuesto', item),
    tipoFactor: opt(t, 'TipoFactor'),
    tasaOCuota: opt(t, 'TasaOCuota'),
    base: opt(t, 'Base'),
    importe: opt(t, 'Importe'),
  }));
}

function readConcepto(c: XmlElement): CfdiConcepto {
  const impuestos = child(c, NS_CFDI, 'Impuestos');
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
    pedimentos: children(c, NS_CFDI, 'InformacionAduanera').map((i) => req(i, 'NumeroPedimento', 'Aduanera')),
    cuentaPredial: children(c, NS_CFDI, 'CuentaPredial').map((p) => req(p, 'Numero', 'CuentaPredial')),
  };
}

function readTimbre(root: XmlElement): CfdiTimbre | undefined {
  const tfd = children(root, NS_CFDI, 'Complemento')
    .flatMap((complemento) => children(complemento, NS_TFD, 'TimbreFiscalDigital'))
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
    root = parseXml(xml);
  } catch (error) {
    throw new CfdiReadError(`Malformed XML: ${(error as Error).message}`);
  }
  if (root.ns !== NS_CFDI || root.local !== 'Comprobante' || attr(root, 'Version') !== '4.0') {
    throw new CfdiReadError('Not a CFDI 4.0 Comprobante');
  }
  return root;
}

/** Parses a CFDI 4.0 XML into the fields printed on its representación impresa. */
export function readCfdi(xml: string): Cfdi {
  const root = parseRoot(xml);
  const emisor = child(root, NS_CFDI, 'Emisor');
  const receptor = child(root, NS_CFDI, 'Receptor');
  const global = child(root, NS_CFDI, 'InformacionGlobal');
  const impuestos = child(root, NS_CFDI, 'Impuestos');
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
    relacionados: children(root, NS_CFDI, 'CfdiRelacionados').map((r) => ({
      tipoRelacion: req(r, 'TipoRelacion', 'CfdiRelacionados'),
      uuids: children(r, NS_CFDI, 'CfdiRelacionado').map((u) => req(u, 'UUID', 'CfdiRelacionado')),
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
    conceptos: children(child(root, NS_CFDI, 'Conceptos'), NS_CFDI, 'Concepto').map(readConcepto),
    impuestos: impuestos && {
      totalTrasladados: opt(impuestos, 'TotalImpuestosTrasladados'),
      totalRetenidos: opt(impuestos, 'TotalImpuestosRetenidos'),
      traslados: taxes(impuestos, 'Traslados', 'Traslado'),
      retenciones: taxes(impuestos, 'Retenciones', 'Retencion'),
    },
    timbre: readTimbre(root),
  };
}
