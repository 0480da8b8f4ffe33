/**
 * Builds the XML of a CFDI 4.0 de ingreso (TipoDeComprobante I, MetodoPago PUE, Exportacion 01,
 * Moneda MXN) from an invoice draft, with xmlbuilder2. Amounts come from amounts.ts; NoCertificado,
 * Certificado and Sello are left empty for sealCfdi to fill.
 *
 * Free text (names, descriptions, Unidad, Serie, Folio) is written with its whitespace collapsed and
 * trimmed, exactly as SAT's cadena original reads it, so the document shows what is sealed; text SAT's
 * schema cannot take ('|', characters XML forbids, over-long values) is refused with CfdiBuildError
 * rather than silently altered. Catalog checks (régimen, uso, claves) belong to the rules module.
 */
import { create } from 'xmlbuilder2';
import { CfdiBuildError, type ConceptoAmounts, computeAmounts, type TrasladoAmounts } from './amounts.ts';
import { normalizeSpace } from './cadena.ts';
import type { InvoiceDraft } from './types.ts';
import { NS_CFDI, NS_XSI } from './xml.ts';

export { CfdiBuildError } from './amounts.ts';

type XMLBuilder = ReturnType<typeof create>;

const SCHEMA_LOCATION = `${NS_CFDI} http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd`;
const RFC = /^[A-Z&Ñ]{3,4}[0-9]{2}(0[1-9]|1[012])(0[1-9]|[12][0-9]|3[01])[A-Z0-9]{2}[0-9A]$/u;
const FECHA =
  /^20[1-9][0-9]-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$/;
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/u;

/** CFDI 4.0 XML (unsealed) for a draft. Throws CfdiBuildError when the draft cannot make a valid CFDI. */
export function buildCfdi(draft: InvoiceDraft): string {
  const amounts = computeAmounts(draft);
  const { issuer, receptor } = draft;
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(NS_CFDI, 'cfdi:Comprobante');
  root.att(NS_XSI, 'xsi:schemaLocation', SCHEMA_LOCATION).att({
    Version: '4.0',
    ...optional('Serie', text(draft.serie, 'serie', 25, true)),
    ...optional('Folio', text(draft.folio, 'folio', 40, true)),
    Fecha: code(draft.fecha, 'fecha', FECHA),
    Sello: '',
    FormaPago: code(draft.formaPago, 'formaPago', /^[0-9]{2}$/),
    NoCertificado: '',
    Certificado: '',
    SubTotal: amounts.subTotal,
    ...optional('Descuento', amounts.descuento),
    Moneda: 'MXN',
    Total: amounts.total,
    TipoDeComprobante: 'I',
    Exportacion: '01',
    MetodoPago: 'PUE',
    LugarExpedicion: code(issuer.lugarExpedicion, 'issuer.lugarExpedicion', /^[0-9]{5}$/),
  });
  root.ele(NS_CFDI, 'cfdi:Emisor', {
    Rfc: code(issuer.rfc, 'issuer.rfc', RFC),
    Nombre: text(issuer.nombre, 'issuer.nombre', 300),
    RegimenFiscal: code(issuer.regimenFiscal, 'issuer.regimenFiscal', /^[0-9]{3}$/),
  });
  root.ele(NS_CFDI, 'cfdi:Receptor', {
    Rfc: code(receptor.rfc, 'receptor.rfc', RFC),
    Nombre: text(receptor.nombre, 'receptor.nombre', 300),
    DomicilioFiscalReceptor: code(receptor.domicilioFiscal, 'receptor.domicilioFiscal', /^[0-9]{5}$/),
    RegimenFiscalReceptor: code(receptor.regimenFiscal, 'receptor.regimenFiscal', /^[0-9]{3}$/),
    UsoCFDI: code(receptor.usoCfdi, 'receptor.usoCfdi', /^[A-Z0-9]{3,4}$/),
  });
  const conceptos = root.ele(NS_CFDI, 'cfdi:Conceptos');
  draft.items.forEach((item, index) => {
    const field = `items[${index}]`;
    const amount = amounts.conceptos[index]!;
    const concepto = conceptos.ele(NS_CFDI, 'cfdi:Concepto', {
      ClaveProdServ: code(item.productKey, `${field}.productKey`, /^[0-9]{8}$/),
      Cantidad: amount.cantidad,
      ClaveUnidad: code(item.unitKey, `${field}.unitKey`, /^[A-Z0-9]{1,3}$/),
      ...optional('Unidad', text(item.unitName ?? '', `${field}.unitName`, 20, true)),
      Descripcion: text(item.description, `${field}.description`, 1000),
      ValorUnitario: amount.valorUnitario,
      Importe: amount.importe,
      ...optional('Descuento', amount.descuento),
      ObjetoImp: amount.objetoImp,
    });
    addConceptoTaxes(concepto, amount);
  });
  if (amounts.traslados.length > 0) {
    const impuestos = root.ele(NS_CFDI, 'cfdi:Impuestos', {
      ...optional('TotalImpuestosTrasladados', amounts.totalImpuestosTrasladados),
    });
    const traslados = impuestos.ele(NS_CFDI, 'cfdi:Traslados');
    for (const t of amounts.traslados) traslados.ele(NS_CFDI, 'cfdi:Traslado', trasladoAttributes(t));
  }
  // Well-formedness is guaranteed above (fixed names, checked codes and text), so xmlbuilder2's own
  // (costly) check is off.
  return root.end({ prettyPrint: true, indent: '  ' });
}

function addConceptoTaxes(concepto: XMLBuilder, amount: ConceptoAmounts): void {
  if (amount.traslados.length === 0) return;
  const traslados = concepto.ele(NS_CFDI, 'cfdi:Impuestos').ele(NS_CFDI, 'cfdi:Traslados');
  for (const t of amount.traslados) traslados.ele(NS_CFDI, 'cfdi:Traslado', trasladoAttributes(t));
}

function trasladoAttributes(t: TrasladoAmounts): Record<string, string> {
  return {
    Base: t.base,
    Impuesto: t.impuesto,
    TipoFactor: t.tipoFactor,
    ...optional('TasaOCuota', t.tasaOCuota),
    ...optional('Importe', t.importe),
  };
}

function optional(name: string, value: string | null): Record<string, string> {
  return value === null ? {} : { [name]: value };
}

function code(value: string, field: string, pattern: RegExp): string {
  if (!pattern.test(value))
    throw CfdiBuildError.invalid(field, `"${value}" does not have the form SAT requires`);
  return ampersands(value);
}

/**
 * xmlbuilder2 leaves an "&" alone when what follows looks like an entity ("P&G;", "A&amp;B"), so
 * such text would come out as a broken or different value. Written as "&amp;" beforehand, every
 * "&" looks like an entity to it and goes out as "&amp;": the text means itself.
 */
function ampersands(value: string): string {
  return value.includes('&') ? value.replace(/&/gu, '&amp;') : value;
}

/**
 * Free text as the CFDI carries it: whitespace collapsed and trimmed. `optionalField` turns an
 * empty value into null (the attribute is then omitted).
 */
function text(value: string, field: string, maxLength: number, optionalField: true): string | null;
function text(value: string, field: string, maxLength: number): string;
function text(value: string, field: string, maxLength: number, optionalField = false): string | null {
  if (XML_FORBIDDEN.test(value)) throw CfdiBuildError.invalid(field, 'contains a character XML cannot carry');
  const normalized = normalizeSpace(value);
  if (normalized === '') {
    if (optionalField) return null;
    throw CfdiBuildError.invalid(field, 'must not be empty');
  }
  if (normalized.includes('|'))
    throw CfdiBuildError.invalid(field, "must not contain '|' (SAT's schema forbids it)");
  if ([...normalized].length > maxLength)
    throw CfdiBuildError.invalid(field, `is longer than ${maxLength} characters`);
  return ampersands(normalized);
}
