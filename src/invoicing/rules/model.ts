/**
 * A read-only model of a CFDI 4.0 Comprobante for the validation rules. Attribute values are kept as
 * the strings written in the XML (undefined when absent): rules decide what a bad value means, and
 * amounts are read with decimal.js, never as JavaScript numbers. Every node carries `path`, an
 * XPath-like locator ("Conceptos/Concepto[2]/Impuestos/Traslados/Traslado[1]") used in reports.
 */
import { parseXml, type XmlElement } from './xml.ts';

export const CFDI_NS = 'http://www.sat.gob.mx/cfd/4';
export const TFD_NS = 'http://www.sat.gob.mx/TimbreFiscalDigital';
export const IMPLOCAL_NS = 'http://www.sat.gob.mx/implocal';
const COMERCIO_EXTERIOR_NS = /^http:\/\/www\.sat\.gob\.mx\/ComercioExterior[0-9]*$/;

export interface Node {
  readonly path: string;
}

export interface InformacionGlobal extends Node {
  readonly periodicidad?: string;
  readonly meses?: string;
  readonly año?: string;
}

export interface CfdiRelacionados extends Node {
  readonly tipoRelacion?: string;
  readonly uuids: readonly string[];
}

export interface Emisor extends Node {
  readonly rfc?: string;
  readonly nombre?: string;
  readonly regimenFiscal?: string;
  readonly facAtrAdquirente?: string;
}

export interface Receptor extends Node {
  readonly rfc?: string;
  readonly nombre?: string;
  readonly domicilioFiscalReceptor?: string;
  readonly residenciaFiscal?: string;
  readonly numRegIdTrib?: string;
  readonly regimenFiscalReceptor?: string;
  readonly usoCfdi?: string;
}

/** A Traslado or Retencion, at Concepto or Comprobante level. */
export interface TaxLine extends Node {
  readonly base?: string;
  readonly impuesto?: string;
  readonly tipoFactor?: string;
  readonly tasaOCuota?: string;
  readonly importe?: string;
}

/** Traslados / Retenciones are undefined when their node is absent, [] when present but empty. */
export interface TaxNodes extends Node {
  readonly traslados?: readonly TaxLine[];
  readonly retenciones?: readonly TaxLine[];
}

export interface ComprobanteImpuestos extends TaxNodes {
  readonly totalImpuestosRetenidos?: string;
  readonly totalImpuestosTrasladados?: string;
}

export interface ACuentaTerceros extends Node {
  readonly rfc?: string;
  readonly nombre?: string;
  readonly regimenFiscal?: string;
  readonly domicilioFiscal?: string;
}

export interface InformacionAduanera extends Node {
  readonly numeroPedimento?: string;
}

export interface Parte extends Node {
  readonly claveProdServ?: string;
  readonly cantidad?: string;
  readonly valorUnitario?: string;
  readonly importe?: string;
  readonly informacionAduanera: readonly InformacionAduanera[];
}

export interface Concepto extends Node {
  readonly claveProdServ?: string;
  readonly cantidad?: string;
  readonly claveUnidad?: string;
  readonly descripcion?: string;
  readonly valorUnitario?: string;
  readonly importe?: string;
  readonly descuento?: string;
  readonly objetoImp?: string;
  readonly impuestos?: TaxNodes;
  readonly aCuentaTerceros?: ACuentaTerceros;
  readonly informacionAduanera: readonly InformacionAduanera[];
  readonly partes: readonly Parte[];
}

/** A child of cfdi:Complemento, identified by namespace and local name. */
export interface Complemento extends Node {
  readonly namespace: string;
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
}

export interface Cfdi extends Node {
  readonly version?: string;
  readonly fecha?: string;
  readonly formaPago?: string;
  readonly noCertificado?: string;
  readonly certificado?: string;
  readonly subTotal?: string;
  readonly descuento?: string;
  readonly moneda?: string;
  readonly tipoCambio?: string;
  readonly total?: string;
  readonly tipoDeComprobante?: string;
  readonly exportacion?: string;
  readonly metodoPago?: string;
  readonly lugarExpedicion?: string;
  readonly confirmacion?: string;
  readonly informacionGlobal?: InformacionGlobal;
  readonly cfdiRelacionados: readonly CfdiRelacionados[];
  readonly emisor?: Emisor;
  readonly receptor?: Receptor;
  readonly conceptos: readonly Concepto[];
  readonly impuestos?: ComprobanteImpuestos;
  readonly complementos: readonly Complemento[];
}

/** The result of reading a document: a model, or why it is not a CFDI 4.0 at all. */
export type ReadResult = { ok: true; cfdi: Cfdi } | { ok: false; problem: string };

/** Parses XML text into the Comprobante model. Never throws. */
export function readCfdi(xml: string): ReadResult {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    return { ok: false, problem: `not well-formed XML: ${(error as Error).message}` };
  }
  if (root.namespace !== CFDI_NS || root.localName !== 'Comprobante') {
    const name = root.namespace ? `{${root.namespace}}${root.localName}` : root.localName;
    return { ok: false, problem: `root element is ${name}, not cfdi:Comprobante of ${CFDI_NS}` };
  }
  return { ok: true, cfdi: comprobante(root) };
}

/** True when the CFDI carries a Comercio Exterior complement (any version). */
export function hasComercioExterior(cfdi: Cfdi): boolean {
  return cfdi.complementos.some(
    (c) => COMERCIO_EXTERIOR_NS.test(c.namespace) && c.name === 'ComercioExterior',
  );
}

function comprobante(root: XmlElement): Cfdi {
  const a = root.attributes;
  const path = 'Comprobante';
  const global = first(root, 'InformacionGlobal');
  const emisor = first(root, 'Emisor');
  const receptor = first(root, 'Receptor');
  const impuestos = first(root, 'Impuestos');
  return {
    path,
    version: a.get('Version'),
    fecha: a.get('Fecha'),
    formaPago: a.get('FormaPago'),
    noCertificado: a.get('NoCertificado'),
    certificado: a.get('Certificado'),
    subTotal: a.get('SubTotal'),
    descuento: a.get('Descuento'),
    moneda: a.get('Moneda'),
    tipoCambio: a.get('TipoCambio'),
    total: a.get('Total'),
    tipoDeComprobante: a.get('TipoDeComprobante'),
    exportacion: a.get('Exportacion'),
    metodoPago: a.get('MetodoPago'),
    lugarExpedicion: a.get('LugarExpedicion'),
    confirmacion: a.get('Confirmacion'),
    informacionGlobal: global && {
      path: 'InformacionGlobal',
      periodicidad: global.attributes.get('Periodicidad'),
      meses: global.attributes.get('Meses'),
      año: global.attributes.get('Año'),
    },
    cfdiRelacionados: all(root, 'CfdiRelacionados').map((node, i) => ({
      path: `CfdiRelacionados[${i + 1}]`,
      tipoRelacion: node.attributes.get('TipoRelacion'),
      uuids: all(node, 'CfdiRelacionado').map((r) => r.attributes.get('UUID') ?? ''),
    })),
    emisor: emisor && {
      path: 'Emisor',
      rfc: emisor.attributes.get('Rfc'),
      nombre: emisor.attributes.get('Nombre'),
      regimenFiscal: emisor.attributes.get('RegimenFiscal'),
      facAtrAdquirente: emisor.attributes.get('FacAtrAdquirente'),
    },
    receptor: receptor && {
      path: 'Receptor',
      rfc: receptor.attributes.get('Rfc'),
      nombre: receptor.attributes.get('Nombre'),
      domicilioFiscalReceptor: receptor.attributes.get('DomicilioFiscalReceptor'),
      residenciaFiscal: receptor.attributes.get('ResidenciaFiscal'),
      numRegIdTrib: receptor.attributes.get('NumRegIdTrib'),
      regimenFiscalReceptor: receptor.attributes.get('RegimenFiscalReceptor'),
      usoCfdi: receptor.attributes.get('UsoCFDI'),
    },
    conceptos: all(root, 'Conceptos')
      .flatMap((node) => all(node, 'Concepto'))
      .map((node, i) => concepto(node, `Conceptos/Concepto[${i + 1}]`)),
    impuestos: impuestos && {
      ...taxNodes(impuestos, 'Impuestos'),
      totalImpuestosRetenidos: impuestos.attributes.get('TotalImpuestosRetenidos'),
      totalImpuestosTrasladados: impuestos.attributes.get('TotalImpuestosTrasladados'),
    },
    complementos: all(root, 'Complemento').flatMap((node) =>
      node.children.map((child, i) => ({
        path: `Complemento/${child.localName}[${i + 1}]`,
        namespace: child.namespace,
        name: child.localName,
        attributes: child.attributes,
      })),
    ),
  };
}

function concepto(node: XmlElement, path: string): Concepto {
  const a = node.attributes;
  const impuestos = first(node, 'Impuestos');
  const terceros = first(node, 'ACuentaTerceros');
  return {
    path,
    claveProdServ: a.get('ClaveProdServ'),
    cantidad: a.get('Cantidad'),
    claveUnidad: a.get('ClaveUnidad'),
    descripcion: a.get('Descripcion'),
    valorUnitario: a.get('ValorUnitario'),
    importe: a.get('Importe'),
    descuento: a.get('Descuento'),
    objetoImp: a.get('ObjetoImp'),
    impuestos: impuestos && taxNodes(impuestos, `${path}/Impuestos`),
    aCuentaTerceros: terceros && {
      path: `${path}/ACuentaTerceros`,
      rfc: terceros.attributes.get('RfcACuentaTerceros'),
      nombre: terceros.attributes.get('NombreACuentaTerceros'),
      regimenFiscal: terceros.attributes.get('RegimenFiscalACuentaTerceros'),
      domicilioFiscal: terceros.attributes.get('DomicilioFiscalACuentaTerceros'),
    },
    informacionAduanera: aduana(node, path),
    partes: all(node, 'Parte').map((parte, i) => {
      const partePath = `${path}/Parte[${i + 1}]`;
      return {
        path: partePath,
        claveProdServ: parte.attributes.get('ClaveProdServ'),
        cantidad: parte.attributes.get('Cantidad'),
        valorUnitario: parte.attributes.get('ValorUnitario'),
        importe: parte.attributes.get('Importe'),
        informacionAduanera: aduana(parte, partePath),
      };
    }),
  };
}

function aduana(node: XmlElement, path: string): InformacionAduanera[] {
  return all(node, 'InformacionAduanera').map((info, i) => ({
    path: `${path}/InformacionAduanera[${i + 1}]`,
    numeroPedimento: info.attributes.get('NumeroPedimento'),
  }));
}

function taxNodes(node: XmlElement, path: string): TaxNodes {
  const traslados = first(node, 'Traslados');
  const retenciones = first(node, 'Retenciones');
  return {
    path,
    traslados: traslados && taxLines(traslados, 'Traslado', `${path}/Traslados`),
    retenciones: retenciones && taxLines(retenciones, 'Retencion', `${path}/Retenciones`),
  };
}

function taxLines(node: XmlElement, name: string, path: string): TaxLine[] {
  return all(node, name).map((line, i) => ({
    path: `${path}/${name}[${i + 1}]`,
    base: line.attributes.get('Base'),
    impuesto: line.attributes.get('Impuesto'),
    tipoFactor: line.attributes.get('TipoFactor'),
    tasaOCuota: line.attributes.get('TasaOCuota'),
    importe: line.attributes.get('Importe'),
  }));
}

function all(node: XmlElement, name: string): XmlElement[] {
  return node.children.filter((child) => child.namespace === CFDI_NS && child.localName === name);
}

function first(node: XmlElement, name: string): XmlElement | undefined {
  return node.children.find((child) => child.namespace === CFDI_NS && child.localName === name);
}
