/**
 * Checks an uploaded CSD (.cer, .key, password) before it is stored, and says what is wrong in
 * terms an admin can act on, field by field: an unreadable file, a wrong password, a key that is
 * not the certificate's, a FIEL (e.firma) instead of a CSD, an expired certificate, or a
 * certificate issued to another RFC. Certificate details come from @nodecfdi/credentials; the
 * pair check is the invoicing core's own `loadCsd`, the one that later seals.
 */
import { createPrivateKey } from 'node:crypto';
import { Certificate } from '@nodecfdi/credentials/node';
import { CsdError, type CsdInfo, csdProblems, loadCsd } from '../invoicing/seal.ts';
import type { Csd } from '../invoicing/types.ts';
import type { FieldProblem } from '../tickets/problems.ts';

export interface CsdUpload {
  certificate: Buffer;
  privateKey: Buffer;
  password: string;
}

export type CsdCheck = { ok: true; csd: Csd; info: CsdInfo } | { ok: false; problems: FieldProblem[] };

/** DER bytes of a PEM block, or the input unchanged when it is not PEM. */
function fromPem(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  const match = /-----BEGIN [A-Z ]+-----([\s\S]+?)-----END [A-Z ]+-----/u.exec(text);
  return match ? Buffer.from(match[1]!.replace(/\s+/gu, ''), 'base64') : bytes;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function certificateInfo(der: Buffer): Omit<CsdInfo, 'legalName'> | null {
  try {
    const cert = new Certificate(der.toString('base64'));
    const type = cert.satType();
    return {
      rfc: cert.rfc(),
      noCertificado: cert.serialNumber().bytes(),
      validFrom: cert.validFrom(),
      validTo: cert.validTo(),
      isFiel: type.isFiel(),
      isCsd: type.isCsd(),
    };
  } catch {
    return null;
  }
}

/** Checks the upload for the company with `companyRfc` at `now`; returns DER bytes ready for storeCsd. */
export function checkCsdUpload(upload: CsdUpload, companyRfc: string, now = new Date()): CsdCheck {
  const problems: FieldProblem[] = [];
  const certificate = fromPem(upload.certificate);
  const privateKey = fromPem(upload.privateKey);

  const cert = certificateInfo(certificate);
  if (!cert) problems.push({ field: 'cer', message: 'not a readable X.509 certificate (.cer)' });
  else {
    for (const problem of csdProblems({ ...cert, legalName: '' }, { rfc: companyRfc, at: now })) {
      const message = {
        NOT_CSD: 'this is an e.firma (FIEL) certificate, not a CSD (Certificado de Sello Digital)',
        EXPIRED: `the certificate expired on ${day(cert.validTo)}`,
        NOT_YET_VALID: `the certificate is not valid until ${day(cert.validFrom)}`,
        RFC_MISMATCH: `the certificate belongs to RFC ${cert.rfc}, not to this company (${companyRfc})`,
      }[problem];
      problems.push({ field: 'cer', message });
    }
  }

  let keyOpened = false;
  try {
    createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8', passphrase: upload.password });
    keyOpened = true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_OSSL_BAD_DECRYPT') {
      problems.push({ field: 'password', message: 'wrong password for the private key' });
    } else {
      problems.push({ field: 'key', message: 'not a readable encrypted private key (.key, PKCS#8 DER)' });
    }
  }

  if (cert && keyOpened) {
    try {
      const info = loadCsd(certificate, privateKey, upload.password);
      if (problems.length === 0) {
        return { ok: true, csd: { certificate, privateKey, password: upload.password }, info };
      }
    } catch (error) {
      const mismatch = error instanceof CsdError && error.code === 'KEY_MISMATCH';
      problems.push({
        field: 'key',
        message: mismatch
          ? 'the private key does not belong to this certificate (.cer and .key are not a pair)'
          : `cannot use this certificate and key: ${(error as Error).message}`,
      });
    }
  }
  return { ok: false, problems };
}
