/**
 * The two SAT strings printed with a stamped CFDI: the cadena original del complemento de
 * certificación digital del SAT (what the SelloSAT signs) and the verification URL of the QR.
 */
import { Decimal } from 'decimal.js';
import type { Cfdi, CfdiTimbre } from './read-cfdi.ts';

/** XPath normalize-space(): trim and collapse XML whitespace, as SAT's XSLT does per value. */
const normalizeSpace = (value: string) => value.replace(/[ \t\r\n]+/g, ' ').trim();

/**
 * `||Version|UUID|FechaTimbrado|RfcProvCertif|[Leyenda|]SelloCFD|NoCertificadoSAT||`, the output
 * of SAT's cadenaoriginal_TFD_1_1.xslt (Leyenda is optional and skipped when absent or empty).
 */
export function tfdCadenaOriginal(timbre: CfdiTimbre): string {
  const values = [timbre.version, timbre.uuid, timbre.fechaTimbrado, timbre.rfcProvCertif];
  if (timbre.leyenda) values.push(timbre.leyenda);
  values.push(timbre.selloCfd, timbre.noCertificadoSat);
  return `||${values.map(normalizeSpace).join('|')}||`;
}

/**
 * The `tt` value of the QR. Anexo 20 (CFDI 3.3 and 4.0, "Especificación técnica del código de
 * barras bidimensional"): the total with at most 18 integer digits and 6 decimals, "se deben
 * omitir los ceros no significativos". SAT's own sample URL in the same appendix still shows the
 * CFDI 3.2 zero-padded form (`tt=0000014300.000000`); we follow the normative text, as
 * phpcfdi/cfdi-expresiones does: rounded to 6 decimals, no leading or trailing zeros, but at
 * least one decimal digit ("1000.00" -> "1000.0", "3327.010" -> "3327.01", "0" -> "0.0").
 */
export function formatQrTotal(total: string): string {
  const fixed = new Decimal(total).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed(6);
  const trimmed = fixed.replace(/0+$/, '');
  return trimmed.endsWith('.') ? `${trimmed}0` : trimmed;
}

/** An RFC may contain "&" (e.g. "Ñ&A..."): Anexo 20 writes it as the XML entity "&amp;". */
const qrRfc = (rfc: string) => rfc.replaceAll('&', '&amp;');

/**
 * The SAT verification URL encoded in the QR of a stamped CFDI 4.0:
 * `https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx?id=UUID&re=RFC&rr=RFC&tt=TOTAL&fe=LAST8`,
 * where fe is the last 8 characters of the emisor's Sello. Undefined when the CFDI is not stamped.
 */
export function verificationUrl(cfdi: Cfdi): string | undefined {
  if (!cfdi.timbre) return undefined;
  return (
    'https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx' +
    `?id=${cfdi.timbre.uuid}` +
    `&re=${qrRfc(cfdi.emisor.rfc)}` +
    `&rr=${qrRfc(cfdi.receptor.rfc)}` +
    `&tt=${formatQrTotal(cfdi.total)}` +
    `&fe=${cfdi.sello.slice(-8)}`
  );
}
