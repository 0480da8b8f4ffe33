/**
 * Stores a company's CSD: the public certificate in clear, the private key and its password
 * encrypted with the SecretBox (AES-256-GCM under MASTER_KEY). Loading decrypts them again.
 */
import { X509Certificate } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { Csd } from '../invoicing/types.ts';
import type { SecretBox } from '../secrets.ts';

/** SAT's NoCertificado: the serial number's hex digits read as ASCII (20 digits). */
export function noCertificado(cert: X509Certificate): string {
  const hex = cert.serialNumber.length % 2 === 0 ? cert.serialNumber : `0${cert.serialNumber}`;
  return Buffer.from(hex, 'hex').toString('latin1');
}

/** Replaces the company's active CSD with a new one. The caller has checked the pair. */
export async function storeCsd(sql: Queryable, box: SecretBox, companyId: string, csd: Csd): Promise<string> {
  const cert = new X509Certificate(Buffer.from(csd.certificate));
  const serial = noCertificado(cert);
  await sql`update csd_credentials set active = false where company_id = ${companyId} and active`;
  await sql`
    insert into csd_credentials
      (company_id, no_certificado, certificate, private_key_enc, password_enc, valid_from, valid_to)
    values (${companyId}, ${serial}, ${Buffer.from(csd.certificate)}, ${box.seal(csd.privateKey)},
            ${box.seal(csd.password)}, ${new Date(cert.validFrom)}, ${new Date(cert.validTo)})`;
  return serial;
}

/** The company's active CSD, decrypted, or null when none was uploaded. */
export async function loadActiveCsd(
  sql: Queryable,
  box: SecretBox,
  companyId: string,
): Promise<(Csd & { noCertificado: string; validTo: Date }) | null> {
  const [row] = await sql`
    select no_certificado, certificate, private_key_enc, password_enc, valid_to
    from csd_credentials where company_id = ${companyId} and active`;
  if (!row) return null;
  return {
    certificate: row.certificate,
    privateKey: box.open(row.private_key_enc),
    password: box.openText(row.password_enc),
    noCertificado: row.no_certificado,
    validTo: row.valid_to,
  };
}
