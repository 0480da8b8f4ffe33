/**
 * CFDI40106, the offline part of "El atributo debe contener un archivo .cer válido": the Certificado
 * attribute is a base64 DER X.509 certificate, issued by SAT, a CSD (SAT puts the branch in the
 * subject's OU; a FIEL has none), and valid at the CFDI's Fecha. Revocation (LCO) is online.
 */
import { X509Certificate } from 'node:crypto';
import { isFecha } from './clock.ts';
import type { Cfdi } from './model.ts';
import { at, type Rule, when } from './rule.ts';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SAT = 'SERVICIO DE ADMINISTRACION TRIBUTARIA';
const HOUR = 3_600_000;

interface CertificateFacts {
  readonly satIssued: boolean;
  readonly csd: boolean;
  readonly validFrom: number;
  readonly validTo: number;
}

let cached: { text: string; facts: CertificateFacts | undefined } | undefined;

function plain(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase();
}

/** What the rule needs from a certificate, undefined when it is not one. */
function facts(text: string): CertificateFacts | undefined {
  if (cached?.text === text) return cached.facts;
  let result: CertificateFacts | undefined;
  try {
    if (BASE64.test(text) && text.length % 4 === 0) {
      const cert = new X509Certificate(Buffer.from(text, 'base64'));
      const organisation = /^O=(.*)$/m.exec(cert.issuer)?.[1] ?? '';
      result = {
        satIssued: plain(organisation) === SAT,
        csd: /^OU=./m.test(cert.subject),
        validFrom: Date.parse(cert.validFrom),
        validTo: Date.parse(cert.validTo),
      };
    }
  } catch {
    result = undefined;
  }
  cached = { text, facts: result };
  return result;
}

/** Fecha is local time somewhere in Mexico (UTC-5 to UTC-8): the widest instants it can mean. */
function fechaRange(cfdi: Cfdi): { earliest: number; latest: number } | undefined {
  if (!isFecha(cfdi.fecha)) return undefined;
  const naive = Date.parse(`${cfdi.fecha}Z`);
  return { earliest: naive + 5 * HOUR, latest: naive + 8 * HOUR };
}

export const certificadoRules: readonly Rule[] = [
  {
    code: 'CFDI40106',
    check(cfdi) {
      const field = at(cfdi, 'Certificado');
      const cert = cfdi.certificado === undefined ? undefined : facts(cfdi.certificado);
      if (!cert?.satIssued || !cert.csd) return [field];
      const fecha = fechaRange(cfdi);
      return when(
        fecha !== undefined && (fecha.latest < cert.validFrom || fecha.earliest > cert.validTo),
        field,
      );
    },
  },
];
