/**
 * CSD handling and the Sello of a CFDI: SHA256withRSA (PKCS#1 v1.5) over the cadena original with
 * the CSD's private key, plus NoCertificado (the certificate serial as SAT writes it, 20 digits) and
 * Certificado (base64 DER).
 *
 * The decrypted private key of each CSD is cached (by object identity, then by a digest of the
 * certificate, key and password) so sealing many invoices decrypts the key once. Certificate details
 * for admins (RFC, legal name, FIEL or CSD) come from @nodecfdi/credentials; the cryptography is
 * Node's.
 */
import { createHash, createPrivateKey, type KeyObject, sign, X509Certificate } from 'node:crypto';
import { Certificate } from '@nodecfdi/credentials/node';
import { CadenaError, cadenaOriginal } from './cadena.ts';
import type { Csd } from './types.ts';
import { NS_CFDI, parseXml, type XmlElement } from './xml.ts';

/** What an admin needs to know about an uploaded CSD before accepting it. */
export interface CsdInfo {
  rfc: string;
  legalName: string;
  /** Certificate serial as SAT writes it in NoCertificado: 20 digits. */
  noCertificado: string;
  validFrom: Date;
  validTo: Date;
  /** A FIEL (e.firma) is not a CSD: it must not seal invoices. */
  isFiel: boolean;
  isCsd: boolean;
}

export type CsdProblem = 'NOT_CSD' | 'EXPIRED' | 'NOT_YET_VALID' | 'RFC_MISMATCH';

/** Why a certificate/key pair was refused. */
export class CsdError extends Error {
  override name = 'CsdError';
  constructor(
    readonly code: 'INVALID_CERTIFICATE' | 'INVALID_PRIVATE_KEY' | 'KEY_MISMATCH',
    message: string,
  ) {
    super(message);
  }
}

interface PreparedCsd {
  key: KeyObject;
  noCertificado: string;
  certificado: string;
}

/**
 * Opens a .cer/.key pair (DER certificate, DER PKCS#8 encrypted key) and checks that they belong
 * together. Throws CsdError when the certificate is unreadable, the key or password is wrong, or the
 * key is not the certificate's. Use `csdProblems` to decide whether to accept it.
 */
export function loadCsd(cerBytes: Uint8Array, keyBytes: Uint8Array, password: string): CsdInfo {
  prepare({ certificate: cerBytes, privateKey: keyBytes, password });
  const certificate = new Certificate(Buffer.from(cerBytes).toString('base64'));
  const type = certificate.satType();
  return {
    rfc: certificate.rfc(),
    legalName: utf8(certificate.legalName() ?? ''),
    noCertificado: certificate.serialNumber().bytes(),
    validFrom: certificate.validFrom(),
    validTo: certificate.validTo(),
    isFiel: type.isFiel(),
    isCsd: type.isCsd(),
  };
}

/** Reasons to refuse a CSD for sealing an issuer's invoices at a given moment (empty: fine). */
export function csdProblems(info: CsdInfo, expected: { rfc: string; at: Date }): CsdProblem[] {
  const problems: CsdProblem[] = [];
  if (!info.isCsd) problems.push('NOT_CSD');
  if (expected.at.getTime() > info.validTo.getTime()) problems.push('EXPIRED');
  if (expected.at.getTime() < info.validFrom.getTime()) problems.push('NOT_YET_VALID');
  if (info.rfc.toUpperCase() !== expected.rfc.toUpperCase()) problems.push('RFC_MISMATCH');
  return problems;
}

/** Base64 SHA256withRSA signature of a cadena original: the value of Sello. */
export function signCadena(cadena: string, csd: Csd): string {
  return sign('sha256', Buffer.from(cadena, 'utf8'), prepare(csd).key).toString('base64');
}

/**
 * Seals a CFDI 4.0: sets NoCertificado and Certificado, computes the cadena original and sets
 * Sello. Only those three attribute values of the root change; the rest of the text is kept byte
 * for byte (so re-sealing an already sealed document with the same CSD returns it unchanged).
 */
export function sealCfdi(xml: string, csd: Csd): string {
  const prepared = prepare(csd);
  const root = parseXml(xml);
  if (root.ns !== NS_CFDI || root.local !== 'Comprobante') {
    throw new CadenaError('NOT_CFDI40', `sealCfdi expects a cfdi:Comprobante, found ${root.name}`);
  }
  const edits = [
    setAttribute(root, 'NoCertificado', prepared.noCertificado),
    setAttribute(root, 'Certificado', prepared.certificado),
  ];
  const sello = sign('sha256', Buffer.from(cadenaOriginal(root), 'utf8'), prepared.key).toString('base64');
  edits.push(setAttribute(root, 'Sello', sello));
  return applyEdits(xml, edits);
}

/** SAT's NoCertificado of a certificate: its serial number bytes read as ASCII digits. */
export function noCertificadoOf(certificate: X509Certificate): string {
  return Buffer.from(certificate.serialNumber, 'hex').toString('latin1');
}

const byIdentity = new WeakMap<Csd, PreparedCsd>();
const byDigest = new Map<string, PreparedCsd>();
const MAX_CACHED = 64;

function prepare(csd: Csd): PreparedCsd {
  const known = byIdentity.get(csd);
  if (known) return known;
  const digest = createHash('sha256')
    .update(csd.certificate)
    .update('\0')
    .update(csd.privateKey)
    .update('\0')
    .update(csd.password, 'utf8')
    .digest('hex');
  let prepared = byDigest.get(digest);
  if (!prepared) {
    prepared = open(csd);
    if (byDigest.size >= MAX_CACHED) byDigest.delete(byDigest.keys().next().value!);
    byDigest.set(digest, prepared);
  }
  byIdentity.set(csd, prepared);
  return prepared;
}

function open(csd: Csd): PreparedCsd {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(csd.certificate));
  } catch (error) {
    throw new CsdError('INVALID_CERTIFICATE', `cannot read the certificate: ${(error as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({
      key: Buffer.from(csd.privateKey),
      format: 'der',
      type: 'pkcs8',
      passphrase: csd.password,
    });
  } catch (error) {
    throw new CsdError('INVALID_PRIVATE_KEY', `cannot open the private key: ${(error as Error).message}`);
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new CsdError('KEY_MISMATCH', 'the private key does not belong to the certificate');
  }
  return {
    key,
    noCertificado: noCertificadoOf(certificate),
    certificado: certificate.raw.toString('base64'),
  };
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Sets an unprefixed attribute on the parsed root and returns the matching text edit. */
function setAttribute(root: XmlElement, name: string, value: string): Edit {
  const existing = root.attributes.find((a) => a.ns === null && a.local === name);
  if (existing) {
    existing.value = value;
    return { start: existing.valueStart, end: existing.valueEnd, text: value };
  }
  root.attributes.push({ name, local: name, ns: null, value, valueStart: -1, valueEnd: -1 });
  return { start: root.attributesEnd, end: root.attributesEnd, text: ` ${name}="${value}"` };
}

function applyEdits(text: string, edits: Edit[]): string {
  let result = text;
  // From the end backwards; inserts at the same offset keep their given order.
  const ordered = edits.map((edit, index) => ({ edit, index }));
  ordered.sort((a, b) => b.edit.start - a.edit.start || b.index - a.index);
  for (const { edit } of ordered) {
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  return result;
}

/** @nodecfdi/credentials returns some subject fields as undecoded UTF-8 bytes. */
function utf8(value: string): string {
  if (!/[\u0080-\u00ff]/.test(value) || /[^\u0000-\u00ff]/.test(value)) return value;
  const decoded = Buffer.from(value, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? value : decoded;
}
