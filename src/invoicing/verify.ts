/**
 * Verifies a sealed (and possibly stamped) CFDI 4.0 the way SAT checks its signatures:
 *
 * 1. Sello: recompute the cadena original, check the SHA256withRSA signature with the public key of
 *    the embedded Certificado (SAT code CFDI40102 on failure; CFDI40106 for an unreadable
 *    certificate). NoCertificado must be that certificate's serial.
 * 2. TimbreFiscalDigital 1.1, when present: SelloCFD must equal the Sello, and SelloSAT must verify
 *    over the TFD cadena original with the certificate whose serial is NoCertificadoSAT, looked up in
 *    `opts.satCertificates` and in src/sat/data/sat-certs/. When that certificate is not available
 *    the result is still ok, with `selloSat: 'unchecked'`.
 * 3. `opts.validate`, when given: a hook for the SAT error-matrix rules (validateCfdi); its first
 *    finding is reported.
 *
 * Not checked here: that the Certificado was issued by SAT (needs SAT's CA chain), revocation, and
 * that the certificate was valid at Fecha.
 */

import { verify as verifySignature, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { CadenaError, cadenaOriginal, tfdCadenaOriginal } from './cadena.ts';
import { noCertificadoOf } from './seal.ts';
import { attr, childElements, NS_CFDI, NS_TFD, parseXml, type XmlElement, XmlError } from './xml.ts';

export type VerifyResult =
  | {
      ok: true;
      /** 'valid': the TFD's SelloSAT verified; 'unchecked': SAT certificate not available; 'none': not stamped. */
      selloSat: 'valid' | 'unchecked' | 'none';
    }
  | { ok: false; code: string; message: string };

export interface VerifyOptions {
  /** Extra SAT certificates (DER or PEM) to verify SelloSAT with. */
  satCertificates?: Uint8Array[];
  /** Rule checks to run after the signatures, e.g. validateCfdi from ./rules/index.ts. */
  validate?: (xml: string) => Array<{ code: string; message: string }>;
}

/** Checks Sello (and SelloSAT when stamped) of a CFDI 4.0. Never throws for bad input. */
export function verifyCfdi(xml: string, opts: VerifyOptions = {}): VerifyResult {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlError) return fail('XML_MALFORMED', error.message);
    throw error;
  }
  if (root.ns !== NS_CFDI || root.local !== 'Comprobante' || attr(root, 'Version') !== '4.0') {
    return fail('NOT_CFDI40', 'the document is not a CFDI 4.0 cfdi:Comprobante');
  }
  const certificate = readCertificate(attr(root, 'Certificado') ?? '');
  if (!certificate) return fail('CFDI40106', 'Certificado is not a readable X.509 certificate');
  if (attr(root, 'NoCertificado') !== noCertificadoOf(certificate)) {
    return fail('NO_CERTIFICADO_MISMATCH', 'NoCertificado is not the serial of the embedded certificate');
  }
  let cadena: string;
  try {
    cadena = cadenaOriginal(root);
  } catch (error) {
    if (error instanceof CadenaError) return fail('CADENA_UNSUPPORTED', error.message);
    throw error;
  }
  const sello = attr(root, 'Sello') ?? '';
  if (!signatureValid(cadena, sello, certificate)) {
    return fail(
      'CFDI40102',
      'El resultado de la digestión debe ser igual al resultado de la desencripción del sello.',
    );
  }
  const timbre = checkTimbre(root, sello, opts.satCertificates ?? []);
  if (!timbre.ok) return timbre;
  const findings = opts.validate?.(xml) ?? [];
  if (findings.length > 0) {
    const first = findings[0]!;
    const more = findings.length > 1 ? ` (+${findings.length - 1} more)` : '';
    return fail(first.code, `${first.message}${more}`);
  }
  return timbre;
}

function checkTimbre(root: XmlElement, sello: string, extra: Uint8Array[]): VerifyResult {
  const timbres = childElements(root, NS_CFDI, 'Complemento').flatMap((c) =>
    childElements(c, NS_TFD, 'TimbreFiscalDigital'),
  );
  if (timbres.length === 0) return { ok: true, selloSat: 'none' };
  if (timbres.length > 1) return fail('TFD_REPEATED', 'more than one TimbreFiscalDigital');
  const tfd = timbres[0]!;
  if (attr(tfd, 'Version') !== '1.1') return fail('TFD_VERSION', 'TimbreFiscalDigital must be version 1.1');
  if (attr(tfd, 'SelloCFD') !== sello)
    return fail('TFD_SELLO_CFD', 'SelloCFD of the timbre is not the Sello');
  const serial = attr(tfd, 'NoCertificadoSAT') ?? '';
  const satCertificate = extra.map(readCertificateBytes).find((c) => c && noCertificadoOf(c) === serial);
  const known = satCertificate ?? bundledSatCertificates().get(serial);
  if (!known) return { ok: true, selloSat: 'unchecked' };
  if (!signatureValid(tfdCadenaOriginal(tfd), attr(tfd, 'SelloSAT') ?? '', known)) {
    return fail('TFD_SELLO_SAT', 'SelloSAT does not verify with the SAT certificate NoCertificadoSAT');
  }
  return { ok: true, selloSat: 'valid' };
}

function signatureValid(cadena: string, base64: string, certificate: X509Certificate): boolean {
  const signature = strictBase64(base64);
  if (!signature) return false;
  try {
    return verifySignature('sha256', Buffer.from(cadena, 'utf8'), certificate.publicKey, signature);
  } catch {
    return false;
  }
}

/** Decodes canonical base64 only: Node's decoder would silently skip stray characters. */
function strictBase64(value: string): Buffer | null {
  const compact = value.replace(/ /g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact))
    return null;
  const bytes = Buffer.from(compact, 'base64');
  return bytes.toString('base64') === compact ? bytes : null;
}

function readCertificate(base64: string): X509Certificate | null {
  const der = strictBase64(base64);
  return der ? readCertificateBytes(der) : null;
}

function readCertificateBytes(bytes: Uint8Array): X509Certificate | null {
  try {
    return new X509Certificate(Buffer.from(bytes));
  } catch {
    return null;
  }
}

let bundled: Map<string, X509Certificate> | undefined;

/** SAT certificates shipped in src/sat/data/sat-certs/, by serial; read once. */
function bundledSatCertificates(): Map<string, X509Certificate> {
  if (bundled) return bundled;
  bundled = new Map();
  const dir = new URL('../sat/data/sat-certs/', import.meta.url);
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.cer'));
  } catch {
    // No bundled certificates: SelloSAT is then reported as unchecked.
  }
  for (const name of names) {
    const certificate = readCertificateBytes(readFileSync(new URL(name, dir)));
    if (certificate) bundled.set(noCertificadoOf(certificate), certificate);
  }
  return bundled;
}

function fail(code: string, message: string): VerifyResult {
  return { ok: false, code, message };
}
