/**
 * The sandbox PAC's signing identity: a self-signed RSA-2048 test certificate and its
 * UNENCRYPTED private key, committed in ./sandbox-cert/ (see the README there). It stands in for
 * SAT's certificate in sandbox TFDs so SelloSAT can be produced and verified offline. It has no
 * fiscal meaning whatsoever. Files are read on first use, never at import time.
 */
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** NoCertificadoSAT of sandbox TFDs: 20 digits, encoded in the certificate serial as SAT does (ASCII). */
export const SANDBOX_NO_CERTIFICADO_SAT = '90001000000000000001';

/**
 * RfcProvCertif of sandbox TFDs. AAA010101AAA is SAT's own documentation example RFC: it matches
 * the t_RFC_PM pattern and its check digit is wrong, so it can never belong to a real taxpayer or
 * PAC. (SPR190613I52, suggested earlier, is SW sapien's real RFC: not used on purpose.)
 */
export const SANDBOX_RFC_PROV_CERTIF = 'AAA010101AAA';

export const SANDBOX_LEYENDA = 'SIN VALIDEZ FISCAL - SANDBOX AUTOFACTURA';

export interface SandboxCredentials {
  /** The certificate in DER (the `.cer` file), as SAT publishes its certificates. */
  der: Buffer;
  pem: string;
  certificate: X509Certificate;
  privateKey: KeyObject;
  noCertificado: string;
}

let cached: SandboxCredentials | undefined;

/** Loads (once) the sandbox certificate and key. Use `.certificate` to verify a sandbox SelloSAT. */
export function sandboxCredentials(): SandboxCredentials {
  if (cached) return cached;
  const dir = new URL('./sandbox-cert/', import.meta.url);
  const der = readFileSync(new URL(`${SANDBOX_NO_CERTIFICADO_SAT}.cer`, dir));
  const certificate = new X509Certificate(der);
  const privateKey = createPrivateKey(readFileSync(new URL('sandbox-pac.key.pem', dir)));
  const noCertificado = Buffer.from(certificate.serialNumber, 'hex').toString('latin1');
  if (noCertificado !== SANDBOX_NO_CERTIFICADO_SAT || !certificate.checkPrivateKey(privateKey)) {
    throw new Error('sandbox-cert files do not match SANDBOX_NO_CERTIFICADO_SAT or each other');
  }
  cached = { der, pem: certificate.toString(), certificate, privateKey, noCertificado };
  return cached;
}

/** The sandbox certificate, for verifiers: its PEM and parsed form. */
export function sandboxCertificate(): X509Certificate {
  return sandboxCredentials().certificate;
}
