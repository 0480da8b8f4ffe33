/**
 * The minimal checks a driver makes on its input before stamping: a CFDI 4.0 Comprobante that
 * carries a Sello and a Certificado. Full validation (XSD, seal, SAT rules) belongs to the
 * builder/verifier and, in production, to the PAC itself.
 */
import { PacError } from './errors.ts';
import { CFDI40_NAMESPACE } from './tfd.ts';
import { rootStartTag } from './xml-scan.ts';

export interface SealedCfdi {
  /** The Comprobante's namespace prefix ("cfdi" almost always; '' for a default namespace). */
  prefix: string;
  version: string;
  sello: string;
  certificado: string;
  noCertificado: string;
  fecha: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Reads and checks the Comprobante of a sealed CFDI, or throws a non-retryable PacError. */
export function inspectSealedCfdi(xml: string, pac: string): SealedCfdi {
  const root = typeof xml === 'string' ? rootStartTag(xml) : null;
  if (root?.localName !== 'Comprobante') {
    throw PacError.validation(
      pac,
      '301',
      'La estructura del comprobante es incorrecta: no es un cfdi:Comprobante.',
    );
  }
  const ns = root.prefix ? root.attributes.get(`xmlns:${root.prefix}`) : root.attributes.get('xmlns');
  const version = root.attributes.get('Version') ?? '';
  if (ns !== CFDI40_NAMESPACE || version !== '4.0') {
    throw PacError.validation(
      pac,
      '301',
      `Solo se timbra CFDI 4.0 (Version="${version}", namespace "${ns ?? ''}").`,
    );
  }
  const sello = (root.attributes.get('Sello') ?? '').trim();
  const certificado = (root.attributes.get('Certificado') ?? '').trim();
  if (!sello || !BASE64.test(sello)) {
    throw PacError.validation(pac, '302', 'El comprobante no tiene un Sello válido (falta o no es Base64).');
  }
  if (!certificado || !BASE64.test(certificado)) {
    throw PacError.validation(pac, '301', 'El comprobante no tiene Certificado (o no es Base64).');
  }
  return {
    prefix: root.prefix,
    version,
    sello,
    certificado,
    noCertificado: root.attributes.get('NoCertificado') ?? '',
    fecha: root.attributes.get('Fecha') ?? '',
  };
}
