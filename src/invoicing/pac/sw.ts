/**
 * SW sapien (formerly SmarterWeb) PAC driver, REST services.
 *
 * Sources read (2026; paths, headers, request/response shapes, error codes):
 * - developers.sw.com.mx: "Generate access token" / "Autenticación" (POST /security/authenticate
 *   with `user` and `password` headers; /v2/security/authenticate takes the same as JSON;
 *   answer `{"data":{"token","expires_in","tokeny_type"},"status":"success"}`, token valid 2 h,
 *   infinite tokens from the ADT portal), "Stamp" (POST /cfdi33/stamp/{version}, multipart field
 *   `xml`, bearer token; the /cfdi33 path accepts CFDI 4.0; version v4 answers cfdi,
 *   cadenaOriginalSAT, noCertificadoSAT, noCertificadoCFDI, uuid, selloSAT, selloCFDI,
 *   fechaTimbrado, qrCode), "Timbrado CustomID" (a repeated stamp answers
 *   `{"message":"307. El comprobante contiene un timbre previo.","data":{...previous stamp...},
 *   "status":"error"}`), "Cancellation of CFDI" (POST /cfdi33/cancel/csd; folioSustitucion
 *   required with motivo 01; answer data.acuse + data.uuid {UUID: SAT code}), "Error Codes"
 *   (code at the start of `message`: 301-308 CFDI errors, 401-403, CO1000, AUxxxx, SAT's
 *   CFDI40xxx matrix).
 * - github.com/lunasoft/sw-sdk-nodejs (Authentication/AuthRequest.js, Stamp/StampRequest.js,
 *   Cancelation/CancelationRequest.js + CancelationService.js), github.com/lunasoft/sw-sdk-php
 *   (Cancelation/CancelationRequest.php: JSON body rfc, uuid, motivo, b64Cer, b64Key, password,
 *   foliosustitucion; SatQuery/SatQueryRequest.php: status via SAT's ConsultaCFDIService),
 *   lunasoft/sw-sdk-dotnet (Cancelation/CancelationResponse.cs: data.acuse, data.uuid map),
 *   lunasoft/sw-sdk-java (on "307..." the previous TFD/CFDI is in `data`).
 * Read to learn; no code was copied.
 *
 * Idempotency: SW rejects a CFDI it already stamped with 307 and, as documented, returns the
 * previous stamp in `data`; the driver returns that stamp as a success. If SW ever answers 307
 * without it, the driver throws PacError kind 'duplicate' (never stamps twice either way).
 */
import { assertValidCancelRequest } from './cancel-request.ts';
import { PacError } from './errors.ts';
import { querySatStatus, SAT_STATUS_URL, SAT_STATUS_URL_TEST } from './sat-status.ts';
import { inspectSealedCfdi } from './sealed-cfdi.ts';
import { SW_PAC, SwClient, type SwResponse, splitSwMessage, swFailure } from './sw-client.ts';
import { insertTfd, readTfd } from './tfd.ts';
import type { CancelRequest, CancelResult, PacDriver, StampResult, StatusRequest } from './types.ts';

export const SW_TEST_URL = 'https://services.test.sw.com.mx';
export const SW_PRODUCTION_URL = 'https://services.sw.com.mx';

export interface SwPacOptions {
  /** Default: SW's test environment. */
  baseUrl?: string;
  /** Static ("infinite") token from SW's ADT portal; alternative to user/password. */
  token?: string;
  user?: string;
  password?: string;
  /** Per HTTP call, including reading the answer. Default 30 000 ms. */
  timeoutMs?: number;
  /** SAT's status service. Default: SAT's test instance for SW's test URL, production otherwise. */
  statusUrl?: string;
  fetch?: typeof fetch;
  /** Clock (epoch ms) for token expiry. */
  now?: () => number;
}

/** Creates the SW sapien driver. Throws PacError kind 'config' without token or user/password. */
export function createSwPac(options: SwPacOptions): PacDriver {
  const baseUrl = (options.baseUrl ?? SW_TEST_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const client = new SwClient({
    baseUrl,
    timeoutMs,
    fetch: fetchImpl,
    now: options.now ?? Date.now,
    ...(options.token ? { token: options.token } : {}),
    ...(options.user ? { user: options.user } : {}),
    ...(options.password ? { password: options.password } : {}),
  });
  const statusOptions = {
    url: options.statusUrl ?? (baseUrl === SW_TEST_URL ? SAT_STATUS_URL_TEST : SAT_STATUS_URL),
    timeoutMs,
    fetch: fetchImpl,
  };

  const status = (req: StatusRequest) => querySatStatus(statusOptions, req);

  return {
    name: 'sw',

    async stamp(sealedXml, opts) {
      const { sello } = inspectSealedCfdi(sealedXml, SW_PAC);
      const form = new FormData();
      form.append('xml', new Blob([sealedXml], { type: 'text/xml' }), 'cfdi.xml');
      const response = await client.call('/cfdi33/stamp/v4', {
        body: form,
        ...(opts?.signal ? { signal: opts.signal } : {}),
      });
      if (response.body?.status === 'success') return stampFrom(response, sealedXml, sello);
      if (splitSwMessage(response.body?.message).code === '307') {
        if (response.body?.data) return stampFrom(response, sealedXml, sello);
        throw PacError.duplicate(SW_PAC, '307', response.body?.message ?? '');
      }
      throw swFailure(response);
    },

    async cancel(req) {
      assertValidCancelRequest(req);
      const body = JSON.stringify({
        uuid: req.uuid,
        password: req.csd.password,
        rfc: req.rfcEmisor,
        motivo: req.motivo,
        ...(req.folioSustitucion ? { foliosustitucion: req.folioSustitucion } : {}),
        b64Cer: Buffer.from(req.csd.certificate).toString('base64'),
        b64Key: Buffer.from(req.csd.privateKey).toString('base64'),
      });
      const response = await client.call('/cfdi33/cancel/csd', {
        body,
        headers: { 'content-type': 'application/json' },
      });
      return cancelOutcome(response, req, status);
    },

    status,
  };
}

/** Turns SW's `data` (v4 fields, or just tfd / cfdi) into a StampResult, checking it is this CFDI's. */
function stampFrom(response: SwResponse, sealedXml: string, sello: string): StampResult {
  const data = (response.body?.data ?? {}) as { cfdi?: unknown; tfd?: unknown };
  let xml: string;
  if (typeof data.cfdi === 'string' && data.cfdi.includes('TimbreFiscalDigital')) xml = data.cfdi;
  else if (typeof data.tfd === 'string' && data.tfd.includes('TimbreFiscalDigital')) {
    xml = insertTfd(sealedXml, data.tfd.replace(/^\s*<\?xml[^>]*\?>\s*/, ''));
  } else throw PacError.protocol(SW_PAC, 'no cfdi or tfd in data', { httpStatus: response.httpStatus });
  const tfd = readTfd(xml);
  if (!tfd?.UUID || !tfd.SelloSAT || !tfd.NoCertificadoSAT || !tfd.FechaTimbrado) {
    throw PacError.protocol(SW_PAC, 'the TFD lacks UUID, SelloSAT, NoCertificadoSAT or FechaTimbrado');
  }
  if (tfd.SelloCFD !== sello) {
    throw PacError.protocol(SW_PAC, `the TFD (UUID ${tfd.UUID}) belongs to another CFDI (SelloCFD differs)`, {
      retryable: false,
    });
  }
  return {
    xml,
    uuid: tfd.UUID,
    fechaTimbrado: tfd.FechaTimbrado,
    noCertificadoSat: tfd.NoCertificadoSAT,
    selloSat: tfd.SelloSAT,
  };
}

/**
 * SAT's per-UUID code decides: 202 already cancelled; 201 request accepted, then SAT's status
 * says whether it is cancelled or waits for the receptor; anything else is a rejection.
 */
async function cancelOutcome(
  response: SwResponse,
  req: CancelRequest,
  status: (req: StatusRequest) => Promise<{ estado: string }>,
): Promise<CancelResult> {
  const body = response.body;
  if (body?.status !== 'success') {
    const failure = swFailure(response);
    if (failure.kind !== 'validation') throw failure;
    return { status: 'rejected', code: failure.code, message: failure.pacMessage };
  }
  const data = (body.data ?? {}) as { acuse?: unknown; uuid?: Record<string, unknown> };
  const acuse = typeof data.acuse === 'string' ? { acuse: data.acuse } : {};
  const codes = Object.entries(data.uuid ?? {});
  const code = String(
    (codes.find(([uuid]) => uuid.toUpperCase() === req.uuid.toUpperCase()) ?? codes[0])?.[1] ?? '',
  );
  if (code === '202') return { status: 'cancelled', code, message: 'UUID previamente cancelado', ...acuse };
  if (code !== '201')
    return { status: 'rejected', code, message: body.message ?? `SAT code ${code}`, ...acuse };
  try {
    const current = await status(req);
    if (current.estado === 'Cancelado') return { status: 'cancelled', code, ...acuse };
    return {
      status: 'pending_acceptance',
      code,
      message: 'Solicitud recibida; en espera del SAT o del receptor.',
      ...acuse,
    };
  } catch {
    return {
      status: 'pending_acceptance',
      code,
      message: 'Solicitud recibida; estado en SAT no confirmado.',
      ...acuse,
    };
  }
}
