/**
 * SAT's public CFDI status service (ConsultaCFDIService, SOAP), which SW sapien's SDKs call for
 * "consulta de estatus" and any PAC driver can reuse. The query is the CFDI's printed expression
 * `?re=RFC&rr=RFC&tt=TOTAL&id=UUID[&fe=LAST8]`; SAT answers Estado, EsCancelable and
 * EstatusCancelacion in a WCF envelope.
 */
import { Decimal } from 'decimal.js';
import { isUuid } from './cancel-request.ts';
import { PacError } from './errors.ts';
import type { StatusRequest, StatusResult } from './types.ts';
import { decodeXml } from './xml-scan.ts';

export const SAT_STATUS_URL = 'https://consultaqr.facturaelectronica.sat.gob.mx/ConsultaCFDIService.svc';
/** SAT's test instance of the same service (what SW's and phpcfdi's SDKs use for development). */
export const SAT_STATUS_URL_TEST = 'https://pruebacfdiconsultaqr.cloudapp.net/ConsultaCFDIService.svc';
const SOAP_ACTION = 'http://tempuri.org/IConsultaCFDIService/Consulta';
const PAC = 'SAT';

export interface SatStatusOptions {
  url: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** Queries SAT for a CFDI's status. Throws PacError on transport failures and on SAT's 601. */
export async function querySatStatus(options: SatStatusOptions, req: StatusRequest): Promise<StatusResult> {
  if (!isUuid(req.uuid)) throw PacError.invalidRequest(`status: uuid is not a UUID: "${req.uuid}"`);
  const body = soapEnvelope(expresionImpresa(req));
  let httpStatus: number;
  let text: string;
  try {
    const res = await options.fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml', soapaction: SOAP_ACTION },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    httpStatus = res.status;
    text = await res.text();
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError')
      throw PacError.timeout(PAC, options.timeoutMs, error);
    throw PacError.network(PAC, error);
  }
  if (httpStatus >= 500 || httpStatus === 429)
    throw PacError.unavailable(PAC, httpStatus, String(httpStatus), '');
  if (httpStatus !== 200) throw PacError.protocol(PAC, `HTTP ${httpStatus}`, { httpStatus });
  return parseConsultaResult(text);
}

/** `?re=..&rr=..&tt=..&id=..[&fe=..]` with the total written as SAT's QR expects (see formatTotal). */
export function expresionImpresa(req: StatusRequest): string {
  const fe = req.fe ? `&fe=${req.fe.slice(-8)}` : '';
  return `?re=${req.rfcEmisor}&rr=${req.rfcReceptor}&tt=${formatTotal(req.total)}&id=${req.uuid}${fe}`;
}

/**
 * Total as in the CFDI 3.3/4.0 QR expression: up to 6 decimals, non-significant zeros dropped,
 * at least one decimal ("3248.00" -> "3248.0", "0.990" -> "0.99").
 */
export function formatTotal(total: string): string {
  const fixed = new Decimal(total).toFixed(6);
  const trimmed = fixed.replace(/0+$/, '');
  return trimmed.endsWith('.') ? `${trimmed}0` : trimmed;
}

/** Reads SAT's ConsultaResult; 602 (not found) is a result, 601 (bad expression) a PacError. */
export function parseConsultaResult(xml: string): StatusResult {
  const codigo = element(xml, 'CodigoEstatus') ?? '';
  const estado = element(xml, 'Estado');
  if (/^N\s*-\s*601/.test(codigo)) throw PacError.validation(PAC, '601', codigo);
  if (/^N\s*-\s*602/.test(codigo) || estado === 'No Encontrado') return { estado: 'No Encontrado' };
  if (estado !== 'Vigente' && estado !== 'Cancelado') {
    throw PacError.protocol(PAC, `unknown Estado "${estado ?? ''}" (CodigoEstatus "${codigo}")`);
  }
  const result: StatusResult = { estado };
  const esCancelable = element(xml, 'EsCancelable');
  const estatusCancelacion = element(xml, 'EstatusCancelacion');
  if (esCancelable) result.esCancelable = esCancelable;
  if (estatusCancelacion) result.estatusCancelacion = estatusCancelacion;
  return result;
}

function soapEnvelope(expresion: string): string {
  return (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tem="http://tempuri.org/">' +
    '<soapenv:Header/><soapenv:Body><tem:Consulta>' +
    `<tem:expresionImpresa><![CDATA[${expresion}]]></tem:expresionImpresa>` +
    '</tem:Consulta></soapenv:Body></soapenv:Envelope>'
  );
}

/** Text of the first element with this local name (any prefix); '' when empty, undefined when absent. */
function element(xml: string, localName: string): string | undefined {
  const match = new RegExp(`<(?:[\\w.-]+:)?${localName}(?:\\s[^>]*)?(?:/>|>([^<]*)</)`).exec(xml);
  if (!match) return undefined;
  return decodeXml(match[1] ?? '').trim();
}
