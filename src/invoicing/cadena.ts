/**
 * Cadena original of a CFDI 4.0 and of a TimbreFiscalDigital 1.1, computed in TypeScript exactly as
 * SAT's stylesheets produce it (cadenaoriginal_4_0.xslt + utilerias.xslt, cadenaoriginal_TFD_1_1.xslt).
 *
 * The stylesheets are transcribed as data below: for each element SAT has a template for, the list
 * of its steps in the template's order. `Version Serie? ...` lists attributes: a plain name is SAT's
 * "Requerido" (always writes `|` + value, empty when missing), a name with `?` is "Opcional" (writes
 * `|` + value only when the attribute exists, even if empty). Values go through normalize-space
 * (XML whitespace only: space, tab, CR, LF). `apply` is xsl:apply-templates over a path, `each` an
 * xsl:for-each with inline fields. Elements with no template get XSLT's built-in rule: their text
 * is copied as is and their child elements are processed in turn.
 *
 * Complements implemented: Pagos 2.0, Impuestos locales, Leyendas fiscales (and the TFD, which has
 * no template in the CFDI stylesheet). Any other complement SAT's stylesheet has a template for
 * (nómina, carta porte, comercio exterior, ...) throws CadenaError instead of producing a wrong cadena.
 */
import { NS_CFDI, NS_TFD, parseXml, type XmlElement } from './xml.ts';

type Step = { field: string; required: boolean } | { apply: string } | { each: string; steps: Step[] };

const PREFIXES: Record<string, string> = {
  cfdi: NS_CFDI,
  pago20: 'http://www.sat.gob.mx/Pagos20',
  implocal: 'http://www.sat.gob.mx/implocal',
  leyendasFisc: 'http://www.sat.gob.mx/leyendasFiscales',
  tfd: NS_TFD,
};

/** Namespaces of the complements cadenaoriginal_4_0.xslt includes templates for, but this file does not. */
const UNSUPPORTED_NAMESPACES = new Set(
  [
    'ComercioExterior11',
    'ComercioExterior20',
    'donat',
    'divisas',
    'pfic',
    'TuristaPasajeroExtranjero',
    'nomina12',
    'registrofiscal',
    'pagoenespecie',
    'aerolineas',
    'valesdedespensa',
    'notariospublicos',
    'vehiculousado',
    'servicioparcialconstruccion',
    'renovacionysustitucionvehiculos',
    'certificadodestruccion',
    'arteantiguedades',
    'ine',
    'iedu',
    'ventavehiculos',
    'detallista',
    'EstadoDeCuentaCombustible12',
    'ConsumoDeCombustibles11',
    'GastosHidrocarburos10',
    'IngresosHidrocarburos10',
    'CartaPorte20',
    'CartaPorte30',
    'CartaPorte31',
    'hidrocarburospetroliferos',
  ].map((name) => `http://www.sat.gob.mx/${name}`),
);

const fields = (list: string): Step[] =>
  list.split(' ').map((name) => ({ field: name.replace('?', ''), required: !name.endsWith('?') }));
const apply = (path: string): Step => ({ apply: path });
const each = (path: string, list: string): Step => ({ each: path, steps: fields(list) });

const TRASLADO = 'Base Impuesto TipoFactor TasaOCuota? Importe?';

/** SAT's templates, keyed by "prefix:Local". Exported for tests that compare against xsltproc. */
export const CADENA_RULES: Readonly<Record<string, Step[]>> = {
  // cadenaoriginal_4_0.xslt
  'cfdi:Comprobante': [
    ...fields(
      'Version Serie? Folio? Fecha FormaPago? NoCertificado CondicionesDePago? SubTotal Descuento? Moneda',
    ),
    ...fields('TipoCambio? Total TipoDeComprobante Exportacion MetodoPago? LugarExpedicion Confirmacion?'),
    ...[
      'InformacionGlobal',
      'CfdiRelacionados',
      'Emisor',
      'Receptor',
      'Conceptos',
      'Impuestos',
      'Complemento',
    ].map((child) => apply(`cfdi:${child}`)),
  ],
  'cfdi:InformacionGlobal': fields('Periodicidad Meses Año'),
  'cfdi:CfdiRelacionados': [...fields('TipoRelacion'), each('cfdi:CfdiRelacionado', 'UUID')],
  'cfdi:Emisor': fields('Rfc Nombre RegimenFiscal FacAtrAdquirente?'),
  'cfdi:Receptor': fields(
    'Rfc Nombre DomicilioFiscalReceptor ResidenciaFiscal? NumRegIdTrib? RegimenFiscalReceptor UsoCFDI',
  ),
  'cfdi:Conceptos': [apply('cfdi:Concepto')],
  'cfdi:Concepto': [
    ...fields(
      'ClaveProdServ NoIdentificacion? Cantidad ClaveUnidad Unidad? Descripcion ValorUnitario Importe',
    ),
    ...fields('Descuento? ObjetoImp'),
    each('cfdi:Impuestos/cfdi:Traslados/cfdi:Traslado', TRASLADO),
    each('cfdi:Impuestos/cfdi:Retenciones/cfdi:Retencion', 'Base Impuesto TipoFactor TasaOCuota Importe'),
    apply('cfdi:ACuentaTerceros'),
    apply('cfdi:InformacionAduanera'),
    apply('cfdi:CuentaPredial'),
    apply('cfdi:ComplementoConcepto'),
    apply('//cfdi:Parte'),
  ],
  'cfdi:ACuentaTerceros': fields(
    'RfcACuentaTerceros NombreACuentaTerceros RegimenFiscalACuentaTerceros DomicilioFiscalACuentaTerceros',
  ),
  'cfdi:InformacionAduanera': fields('NumeroPedimento'),
  'cfdi:CuentaPredial': fields('Numero'),
  'cfdi:ComplementoConcepto': [apply('*')],
  'cfdi:Parte': [
    ...fields('ClaveProdServ NoIdentificacion? Cantidad Unidad? Descripcion ValorUnitario? Importe?'),
    apply('//cfdi:InformacionAduanera'),
  ],
  'cfdi:Complemento': [apply('*')],
  'cfdi:Impuestos': [
    each('cfdi:Retenciones/cfdi:Retencion', 'Impuesto Importe'),
    ...fields('TotalImpuestosRetenidos?'),
    each('cfdi:Traslados/cfdi:Traslado', TRASLADO),
    ...fields('TotalImpuestosTrasladados?'),
  ],
  // Pagos/Pagos20.xslt
  'pago20:Pagos': [...fields('Version'), apply('pago20:Totales'), apply('pago20:Pago')],
  'pago20:Totales': fields(
    'TotalRetencionesIVA? TotalRetencionesISR? TotalRetencionesIEPS? TotalTrasladosBaseIVA16? ' +
      'TotalTrasladosImpuestoIVA16? TotalTrasladosBaseIVA8? TotalTrasladosImpuestoIVA8? TotalTrasladosBaseIVA0? ' +
      'TotalTrasladosImpuestoIVA0? TotalTrasladosBaseIVAExento? MontoTotalPagos',
  ),
  'pago20:Pago': [
    ...fields(
      'FechaPago FormaDePagoP MonedaP TipoCambioP? Monto NumOperacion? RfcEmisorCtaOrd? NomBancoOrdExt?',
    ),
    ...fields('CtaOrdenante? RfcEmisorCtaBen? CtaBeneficiario? TipoCadPago? CertPago? CadPago? SelloPago?'),
    apply('pago20:DoctoRelacionado'),
    apply('pago20:ImpuestosP'),
  ],
  'pago20:DoctoRelacionado': [
    ...fields('IdDocumento Serie? Folio? MonedaDR EquivalenciaDR? NumParcialidad ImpSaldoAnt ImpPagado'),
    ...fields('ImpSaldoInsoluto ObjetoImpDR'),
    each(
      'pago20:ImpuestosDR/pago20:RetencionesDR/pago20:RetencionDR',
      'BaseDR ImpuestoDR TipoFactorDR TasaOCuotaDR ImporteDR',
    ),
    each(
      'pago20:ImpuestosDR/pago20:TrasladosDR/pago20:TrasladoDR',
      'BaseDR ImpuestoDR TipoFactorDR TasaOCuotaDR? ImporteDR?',
    ),
  ],
  'pago20:ImpuestosP': [apply('pago20:RetencionesP'), apply('pago20:TrasladosP')],
  'pago20:RetencionesP': [apply('pago20:RetencionP')],
  'pago20:TrasladosP': [apply('pago20:TrasladoP')],
  'pago20:RetencionP': fields('ImpuestoP ImporteP'),
  'pago20:TrasladoP': fields('BaseP ImpuestoP TipoFactorP TasaOCuotaP? ImporteP?'),
  // implocal/implocal.xslt
  'implocal:ImpuestosLocales': [
    ...fields('version TotaldeRetenciones TotaldeTraslados'),
    each('implocal:RetencionesLocales', 'ImpLocRetenido TasadeRetencion Importe'),
    each('implocal:TrasladosLocales', 'ImpLocTrasladado TasadeTraslado Importe'),
  ],
  // leyendasFiscales/leyendasFisc.xslt
  'leyendasFisc:LeyendasFiscales': [...fields('version'), apply('leyendasFisc:Leyenda')],
  'leyendasFisc:Leyenda': fields('disposicionFiscal? norma? textoLeyenda'),
};

const TFD_STEPS = fields('Version UUID FechaTimbrado RfcProvCertif Leyenda? SelloCFD NoCertificadoSAT');

/** Why a cadena original cannot be computed. */
export class CadenaError extends Error {
  override name = 'CadenaError';
  constructor(
    readonly code: 'NOT_CFDI40' | 'NOT_TFD' | 'UNSUPPORTED_COMPLEMENT',
    message: string,
  ) {
    super(message);
  }
}

/** Cadena original of a CFDI 4.0 (XML text or its parsed root), as cadenaoriginal_4_0.xslt makes it. */
export function cadenaOriginal(xml: string | XmlElement): string {
  const root = typeof xml === 'string' ? parseXml(xml) : xml;
  if (root.ns !== NS_CFDI || root.local !== 'Comprobante') {
    throw new CadenaError('NOT_CFDI40', `expected a cfdi:Comprobante (${NS_CFDI}) root, found ${root.name}`);
  }
  const out = ['|'];
  dispatch(root, out);
  out.push('||');
  return out.join('');
}

/**
 * Cadena original of a TimbreFiscalDigital 1.1 (standalone XML text or the element taken from a
 * stamped CFDI), as cadenaoriginal_TFD_1_1.xslt makes it.
 */
export function tfdCadenaOriginal(tfd: string | XmlElement): string {
  const element = typeof tfd === 'string' ? parseXml(tfd) : tfd;
  if (element.ns !== NS_TFD || element.local !== 'TimbreFiscalDigital') {
    throw new CadenaError('NOT_TFD', `expected a tfd:TimbreFiscalDigital (${NS_TFD}), found ${element.name}`);
  }
  const out = ['|'];
  run(element, TFD_STEPS, out);
  out.push('||');
  return out.join('');
}

/** Anything normalize-space would change: a tab, CR or LF, two spaces, a space at either end. */
const NOT_NORMAL = /[\t\r\n]| {2}|^ | $/;

/** XPath normalize-space(): trims and collapses XML whitespace only (not NBSP or other Unicode spaces). */
export function normalizeSpace(value: string): string {
  if (!NOT_NORMAL.test(value)) return value;
  return value.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '');
}

/** The templates by namespace, then local name. */
const RULES_BY_NAME = new Map<string, Map<string, Step[]>>();
for (const [qname, steps] of Object.entries(CADENA_RULES)) {
  const { ns, local } = expand(qname);
  const byLocal = RULES_BY_NAME.get(ns) ?? new Map<string, Step[]>();
  byLocal.set(local, steps);
  RULES_BY_NAME.set(ns, byLocal);
}

/** xsl:apply-templates on one element: its template, or the built-in rule. */
function dispatch(element: XmlElement, out: string[]): void {
  const steps = element.ns === null ? undefined : RULES_BY_NAME.get(element.ns)?.get(element.local);
  if (steps) {
    run(element, steps, out);
    return;
  }
  if (element.ns !== null && UNSUPPORTED_NAMESPACES.has(element.ns)) {
    throw new CadenaError(
      'UNSUPPORTED_COMPLEMENT',
      `the cadena original of complement ${element.name} (${element.ns}) is not implemented`,
    );
  }
  for (const child of element.children) {
    if (child.kind === 'text') out.push(child.value);
    else dispatch(child, out);
  }
}

function run(element: XmlElement, steps: Step[], out: string[]): void {
  for (const step of steps) {
    if ('field' in step) {
      const value = fieldValue(element, step.field);
      if (value !== undefined) out.push('|', normalizeSpace(value));
      else if (step.required) out.push('|');
    } else if ('apply' in step) {
      for (const node of select(element, step.apply)) dispatch(node, out);
    } else {
      for (const node of select(element, step.each)) run(node, step.steps, out);
    }
  }
}

function fieldValue(element: XmlElement, name: string): string | undefined {
  for (const a of element.attributes) if (a.ns === null && a.local === name) return a.value;
  return undefined;
}

/** Elements a path selects, in document order: "a:B/a:C" (children), "//a:B" (descendants), "*". */
function select(context: XmlElement, path: string): XmlElement[] {
  const found: XmlElement[] = [];
  if (path === '*') {
    for (const child of context.children) if (child.kind === 'element') found.push(child);
    return found;
  }
  const compiled = compile(path);
  if (compiled.descendants) {
    descendants(context, compiled.steps[0]!, found);
    return found;
  }
  let nodes = [context];
  for (const wanted of compiled.steps) {
    const next: XmlElement[] = [];
    for (const node of nodes) {
      for (const child of node.children) {
        if (child.kind === 'element' && child.local === wanted.local && child.ns === wanted.ns)
          next.push(child);
      }
    }
    nodes = next;
  }
  return nodes;
}

/** Appends the descendants of `node` named `wanted` to `found`, in document order. */
function descendants(node: XmlElement, wanted: Name, found: XmlElement[]): void {
  for (const child of node.children) {
    if (child.kind !== 'element') continue;
    if (child.local === wanted.local && child.ns === wanted.ns) found.push(child);
    descendants(child, wanted, found);
  }
}

interface Name {
  ns: string;
  local: string;
}

const compiledPaths = new Map<string, { descendants: boolean; steps: Name[] }>();

function compile(path: string): { descendants: boolean; steps: Name[] } {
  let compiled = compiledPaths.get(path);
  if (!compiled) {
    const descendants = path.startsWith('//');
    compiled = { descendants, steps: (descendants ? path.slice(2) : path).split('/').map(expand) };
    compiledPaths.set(path, compiled);
  }
  return compiled;
}

function expand(qname: string): Name {
  const [prefix = '', local = ''] = qname.split(':');
  const ns = PREFIXES[prefix];
  if (!ns) throw new Error(`unknown prefix in cadena rules: ${qname}`);
  return { ns, local };
}
