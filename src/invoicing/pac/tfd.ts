/**
 * Timbre Fiscal Digital 1.1: its cadena original, its XML element, and putting it into / reading
 * it from a CFDI. The cadena follows SAT's cadenaoriginal_TFD_1_1.xslt: "||" then Version, UUID,
 * FechaTimbrado, RfcProvCertif, [Leyenda], SelloCFD, NoCertificadoSAT joined by "|", then "||",
 * each value whitespace-normalized (XPath normalize-space).
 */
import { escapeXmlAttribute, findStartTag, prefixFor, rootStartTag } from './xml-scan.ts';

export const TFD_NAMESPACE = 'http://www.sat.gob.mx/TimbreFiscalDigital';
export const TFD_SCHEMA_LOCATION = `${TFD_NAMESPACE} http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd`;
export const CFDI40_NAMESPACE = 'http://www.sat.gob.mx/cfd/4';
const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

export interface TfdAttributes {
  Version: string;
  UUID: string;
  FechaTimbrado: string;
  RfcProvCertif: string;
  /** Optional; when present (even empty) it takes a slot in the cadena, as in SAT's XSLT. */
  Leyenda?: string;
  SelloCFD: string;
  NoCertificadoSAT: string;
  /** Not part of the cadena: it is the signature over it. */
  SelloSAT?: string;
}

/** The TFD 1.1 cadena original: what SelloSAT signs (SHA256withRSA). */
export function tfdCadenaOriginal(tfd: TfdAttributes): string {
  const parts = [tfd.Version, tfd.UUID, tfd.FechaTimbrado, tfd.RfcProvCertif];
  if (tfd.Leyenda !== undefined) parts.push(tfd.Leyenda);
  parts.push(tfd.SelloCFD, tfd.NoCertificadoSAT);
  return `||${parts.map(normalizeSpace).join('|')}||`;
}

/** The `tfd:TimbreFiscalDigital` element, self-contained (declares its own namespaces). */
export function renderTfd(tfd: TfdAttributes & { SelloSAT: string }): string {
  const attrs: [string, string | undefined][] = [
    ['xmlns:tfd', TFD_NAMESPACE],
    ['xmlns:xsi', XSI_NAMESPACE],
    ['xsi:schemaLocation', TFD_SCHEMA_LOCATION],
    ['Version', tfd.Version],
    ['UUID', tfd.UUID],
    ['FechaTimbrado', tfd.FechaTimbrado],
    ['RfcProvCertif', tfd.RfcProvCertif],
    ['Leyenda', tfd.Leyenda],
    ['SelloCFD', tfd.SelloCFD],
    ['NoCertificadoSAT', tfd.NoCertificadoSAT],
    ['SelloSAT', tfd.SelloSAT],
  ];
  const text = attrs
    .filter((a): a is [string, string] => a[1] !== undefined)
    .map(([name, value]) => `${name}="${escapeXmlAttribute(value)}"`)
    .join(' ');
  return `<tfd:TimbreFiscalDigital ${text}/>`;
}

/** Reads the first TimbreFiscalDigital element of a CFDI (or a standalone TFD), or null. */
export function readTfd(xml: string): (TfdAttributes & { SelloSAT: string }) | null {
  let tag = findStartTag(xml, 'TimbreFiscalDigital');
  while (tag && prefixFor(tag, TFD_NAMESPACE) === null && !isTfdPrefix(xml, tag.prefix)) {
    tag = findStartTag(xml, 'TimbreFiscalDigital', tag.end);
  }
  if (!tag) return null;
  const a = tag.attributes;
  const tfd: TfdAttributes & { SelloSAT: string } = {
    Version: a.get('Version') ?? '',
    UUID: a.get('UUID') ?? '',
    FechaTimbrado: a.get('FechaTimbrado') ?? '',
    RfcProvCertif: a.get('RfcProvCertif') ?? '',
    SelloCFD: a.get('SelloCFD') ?? '',
    NoCertificadoSAT: a.get('NoCertificadoSAT') ?? '',
    SelloSAT: a.get('SelloSAT') ?? '',
  };
  const leyenda = a.get('Leyenda');
  if (leyenda !== undefined) tfd.Leyenda = leyenda;
  return tfd;
}

/** The TFD cadena original of the TFD found in `xml`, or null when there is none. */
export function tfdCadenaOriginalFromXml(xml: string): string | null {
  const tfd = readTfd(xml);
  return tfd ? tfdCadenaOriginal(tfd) : null;
}

/**
 * Returns the sealed CFDI with `tfdXml` appended inside its cfdi:Complemento (created when
 * missing, before any cfdi:Addenda). The sealed bytes are otherwise left exactly as they were.
 */
export function insertTfd(sealedXml: string, tfdXml: string): string {
  const root = rootStartTag(sealedXml);
  if (!root) throw new Error('not an XML document');
  const p = root.prefix ? `${root.prefix}:` : '';
  const closeComplemento = sealedXml.lastIndexOf(`</${p}Complemento>`);
  if (closeComplemento >= 0) {
    return sealedXml.slice(0, closeComplemento) + tfdXml + sealedXml.slice(closeComplemento);
  }
  const emptyComplemento = emptyComplementoPattern(p).exec(sealedXml);
  if (emptyComplemento) {
    const at = emptyComplemento.index;
    const element = `<${p}Complemento>${tfdXml}</${p}Complemento>`;
    return sealedXml.slice(0, at) + element + sealedXml.slice(at + emptyComplemento[0].length);
  }
  const element = `<${p}Complemento>${tfdXml}</${p}Complemento>`;
  const addenda = sealedXml.indexOf(`<${p}Addenda`);
  const at = addenda >= 0 ? addenda : sealedXml.lastIndexOf(`</${root.name}>`);
  if (at < 0) throw new Error(`no closing </${root.name}>`);
  const indent = lineIndent(sealedXml, at);
  return sealedXml.slice(0, at) + element + indent + sealedXml.slice(at);
}

const emptyComplementoPatterns = new Map<string, RegExp>();

/** `<p:Complemento/>` (with optional spaces) for a prefix; compiled once per prefix. */
function emptyComplementoPattern(prefix: string): RegExp {
  let pattern = emptyComplementoPatterns.get(prefix);
  if (!pattern) {
    pattern = new RegExp(`<${escapeRegExp(prefix)}Complemento\\s*/>`);
    if (emptyComplementoPatterns.size < 16) emptyComplementoPatterns.set(prefix, pattern);
  }
  return pattern;
}

/** XPath normalize-space: trim and collapse runs of XML whitespace to one space. */
function normalizeSpace(value: string): string {
  return value.replace(/[\t\n\r ]+/g, ' ').trim();
}

/** Whether `prefix` is declared as the TFD namespace anywhere in the document (e.g. on the root). */
function isTfdPrefix(xml: string, prefix: string): boolean {
  const name = prefix ? `xmlns:${prefix}` : 'xmlns';
  return xml.includes(`${name}="${TFD_NAMESPACE}"`) || xml.includes(`${name}='${TFD_NAMESPACE}'`);
}

/** The whitespace that precedes position `at` on its line, so an inserted element keeps the layout. */
function lineIndent(xml: string, at: number): string {
  const lineStart = xml.lastIndexOf('\n', at - 1);
  const before = xml.slice(lineStart + 1, at);
  return /^[ \t]*$/.test(before) && lineStart >= 0 ? `\n${before}` : '';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
