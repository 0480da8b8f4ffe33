/**
 * A fake SW sapien REST service (plus SAT's ConsultaCFDIService) on 127.0.0.1, answering the way
 * SW documents its API (see src/invoicing/pac/sw.ts for the sources). Stamps are real TFD 1.1
 * signed with the sandbox test key, with a random UUID per new CFDI: idempotency must come from
 * SW's 307 behaviour (the previous stamp returned in `data`), not from the fake being deterministic.
 *
 * Faults are switchable at runtime: `setMode` (until changed) and `failNext(n, mode)` (the next n
 * matching requests), optionally limited to some endpoints. Every request is recorded.
 * Where SW does not document a detail (HTTP status of a 307, texts of AU token errors, the answer
 * for an unknown UUID on cancel), the fake picks a plausible one and says so here.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Decimal } from 'decimal.js';
import { mexicoCityDateTime } from '../../src/invoicing/pac/mexico-time.ts';
import { sandboxStamp } from '../../src/invoicing/pac/sandbox.ts';
import { inspectSealedCfdi } from '../../src/invoicing/pac/sealed-cfdi.ts';
import type { StampResult } from '../../src/invoicing/pac/types.ts';
import { findStartTag, rootStartTag } from '../../src/invoicing/pac/xml-scan.ts';

export type SwFakeMode =
  | 'ok'
  | 'validation_error' // 400 with an SW/SAT validation code
  | 'server_error' // 500 with SW's JSON envelope
  | 'unavailable' // 503 with an HTML body (a proxy in front of SW)
  | 'slow' // processes the request (a stamp is made) but answers after `slowMs`
  | 'no_answer' // accepts the request and never answers (nothing is processed)
  | 'reset' // destroys the connection
  | 'unauthorized'; // 401 whatever the token

export type SwFakeEndpoint = 'auth' | 'stamp' | 'cancel' | 'status';

export interface SwFakeOptions {
  user?: string;
  password?: string;
  /** A token that is always valid (like SW's infinite token) until `revokeTokens`. */
  staticToken?: string;
  slowMs?: number;
  tokenLifetimeSeconds?: number;
  /** Whether a 307 carries the previous stamp in `data` (SW documents it does). Default true. */
  duplicateReturnsStamp?: boolean;
  /** Cancellations wait for the receptor ("Cancelable con aceptación"). Default false. */
  cancelNeedsAcceptance?: boolean;
  /** The error `validation_error` answers on stamp. */
  validationMessage?: string;
}

export interface RecordedRequest {
  endpoint: SwFakeEndpoint | 'unknown';
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  mode: SwFakeMode;
}

export interface SwFake {
  /** Base URL for the driver, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** URL of the fake SAT status service. */
  readonly statusUrl: string;
  readonly requests: RecordedRequest[];
  /** Stamps made, by the CFDI's Sello. */
  readonly cfdis: ReadonlyMap<string, FakeCfdi>;
  /** How many distinct stamps (UUIDs) were made. */
  stampCount(): number;
  setMode(mode: SwFakeMode, endpoints?: SwFakeEndpoint[]): void;
  failNext(n: number, mode: SwFakeMode, endpoints?: SwFakeEndpoint[]): void;
  /** Invalidates every token issued so far (and the static one): the next call gets 401. */
  revokeTokens(): void;
  /** The receptor accepts a pending cancellation. */
  acceptCancellation(uuid: string): void;
  close(): Promise<void>;
}

/** A CFDI the fake stamped, with what SAT's status service needs to know about it. */
export interface FakeCfdi {
  stamp: StampResult;
  rfcEmisor: string;
  rfcReceptor: string;
  total: string;
  cancel: 'none' | 'pending' | 'done';
}

interface Answer {
  status: number;
  type: string;
  body: string;
}

type Endpoint = SwFakeEndpoint | 'unknown';

interface Rule {
  mode: SwFakeMode;
  endpoints?: SwFakeEndpoint[];
  remaining: number;
}

const DEFAULT_VALIDATION =
  'CFDI40108 - El campo TipoDeComprobante no contiene un valor del catálogo c_TipoDeComprobante.';

/** Starts the fake on an ephemeral loopback port. */
export async function startSwFake(options: SwFakeOptions = {}): Promise<SwFake> {
  const user = options.user ?? 'demo';
  const password = options.password ?? '123456789';
  const slowMs = options.slowMs ?? 1500;
  const requests: RecordedRequest[] = [];
  const cfdis = new Map<string, FakeCfdi>();
  const tokens = new Map<string, number>();
  if (options.staticToken) tokens.set(options.staticToken, Number.POSITIVE_INFINITY);
  let base: Omit<Rule, 'remaining'> = { mode: 'ok' };
  const queue: Rule[] = [];
  const timers = new Set<NodeJS.Timeout>();

  function modeFor(endpoint: SwFakeEndpoint | 'unknown'): SwFakeMode {
    const applies = (r: { endpoints?: SwFakeEndpoint[] }) =>
      !r.endpoints || (endpoint !== 'unknown' && r.endpoints.includes(endpoint));
    const rule = queue.find(applies);
    if (rule) {
      rule.remaining -= 1;
      if (rule.remaining <= 0) queue.splice(queue.indexOf(rule), 1);
      return rule.mode;
    }
    return applies(base) ? base.mode : 'ok';
  }

  const json = (status: number, body: unknown): Answer => ({
    status,
    type: 'application/json; charset=utf-8',
    body: JSON.stringify(body),
  });
  const error = (message: string, data: unknown = null) => ({
    message,
    messageDetail: null,
    data,
    status: 'error',
  });

  function authorized(req: IncomingMessage): boolean {
    const match = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const expiry = match ? tokens.get(match[1]!.trim()) : undefined;
    return expiry !== undefined && expiry > Date.now();
  }

  function authenticate(req: IncomingMessage, body: string): Answer {
    let given = { user: req.headers.user, password: req.headers.password };
    if (req.url?.startsWith('/v2/') && body) given = JSON.parse(body);
    if (given.user !== user || given.password !== password) {
      return json(
        401,
        error('AU2000 - El usuario y/o contraseña son inválidos, no se puede autenticar el servicio.'),
      );
    }
    const token = `fake-${randomUUID()}`;
    const expiresAt = Date.now() + (options.tokenLifetimeSeconds ?? 7200) * 1000;
    tokens.set(token, expiresAt);
    const data = { token, expires_in: Math.floor(expiresAt / 1000), tokeny_type: 'Bearer' };
    return json(200, { data, status: 'success' });
  }

  async function stamp(req: IncomingMessage, raw: Buffer, mode: SwFakeMode): Promise<Answer> {
    const type = req.headers['content-type'] ?? '';
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } })
      .formData()
      .catch(() => null);
    const file = form?.get('xml');
    const xml = typeof file === 'string' ? file : file ? await file.text() : '';
    if (mode === 'validation_error') return json(400, error(options.validationMessage ?? DEFAULT_VALIDATION));
    let sello: string;
    try {
      sello = inspectSealedCfdi(xml, 'fake').sello;
    } catch (e) {
      const pac = e as { code: string; pacMessage: string };
      return json(400, error(`${pac.code} - ${pac.pacMessage}`));
    }
    const previous = cfdis.get(sello);
    if (previous) {
      const data = options.duplicateReturnsStamp === false ? null : v4Data(previous.stamp);
      return json(400, error('307. El comprobante contiene un timbre previo.', data));
    }
    const fechaTimbrado = mexicoCityDateTime(new Date());
    const made = await sandboxStamp(xml, { sello, uuid: randomUUID(), fechaTimbrado });
    cfdis.set(sello, describe(xml, made));
    return json(200, { data: v4Data(made), status: 'success' });
  }

  /** What the endpoint answers; 'slow' computes it (side effects included) before waiting. */
  async function answer(
    req: IncomingMessage,
    raw: Buffer,
    endpoint: Endpoint,
    mode: SwFakeMode,
  ): Promise<Answer> {
    const body = raw.toString('utf8');
    if (mode === 'server_error') return json(500, error('CO1000 - Error no controlado en el servicio.'));
    if (mode === 'unavailable')
      return { status: 503, type: 'text/html', body: '<html>503 Service Unavailable</html>' };
    if (mode === 'unauthorized') return json(401, error('AU4101 - El token proporcionado no es válido.'));
    const invalid = mode === 'validation_error';
    if (endpoint === 'auth') return authenticate(req, body);
    if (endpoint === 'status') {
      const xml = statusAnswer(body, cfdis, invalid, options.cancelNeedsAcceptance);
      return { status: 200, type: 'text/xml; charset=utf-8', body: xml };
    }
    if (endpoint === 'unknown') return json(404, error('Not Found'));
    if (!authorized(req))
      return json(401, error('AU4101 - El token proporcionado no es válido o ha expirado.'));
    if (endpoint === 'stamp') return stamp(req, raw, mode);
    const cancel = cancelAnswer(body, cfdis, invalid, options.cancelNeedsAcceptance);
    return json(cancel.httpStatus, cancel.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = (req.url ?? '/').split('?')[0]!;
    const endpoint = endpointOf(path);
    const mode = modeFor(endpoint);
    requests.push({
      endpoint,
      method: req.method ?? '',
      path,
      headers: req.headers,
      body: raw.toString('utf8'),
      mode,
    });
    if (mode === 'no_answer') return;
    if (mode === 'reset') return void req.socket.destroy();
    const reply = await answer(req, raw, endpoint, mode);
    if (mode === 'slow') await new Promise((done) => timers.add(setTimeout(done, slowMs)));
    if (!res.destroyed) res.writeHead(reply.status, { 'content-type': reply.type }).end(reply.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(JSON.stringify(error(`CO1000 - ${(e as Error).message}`)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    statusUrl: `${url}/ConsultaCFDIService.svc`,
    requests,
    cfdis,
    stampCount: () => cfdis.size,
    setMode(mode, endpoints) {
      base = endpoints ? { mode, endpoints } : { mode };
    },
    failNext(n, mode, endpoints) {
      if (n > 0) queue.push(endpoints ? { mode, endpoints, remaining: n } : { mode, remaining: n });
    },
    revokeTokens() {
      tokens.clear();
    },
    acceptCancellation(uuid) {
      for (const cfdi of cfdis.values())
        if (cfdi.stamp.uuid.toUpperCase() === uuid.toUpperCase()) cfdi.cancel = 'done';
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function endpointOf(path: string): SwFakeEndpoint | 'unknown' {
  if (path === '/security/authenticate' || path === '/v2/security/authenticate') return 'auth';
  if (/^\/cfdi33\/stamp\/v[1-4]\/?$/.test(path)) return 'stamp';
  if (path === '/cfdi33/cancel/csd') return 'cancel';
  if (path === '/ConsultaCFDIService.svc') return 'status';
  return 'unknown';
}

/** SW's stamp v4 `data`. */
function v4Data(made: StampResult): Record<string, string> {
  const tfd = /<tfd:TimbreFiscalDigital[^>]*>/.exec(made.xml)?.[0] ?? '';
  const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tfd)?.[1] ?? '';
  const root = rootStartTag(made.xml);
  return {
    cfdi: made.xml,
    cadenaOriginalSAT: `||1.1|${made.uuid}|${made.fechaTimbrado}|${attr('RfcProvCertif')}|${attr('Leyenda')}|${attr('SelloCFD')}|${made.noCertificadoSat}||`,
    noCertificadoSAT: made.noCertificadoSat,
    noCertificadoCFDI: root?.attributes.get('NoCertificado') ?? '',
    uuid: made.uuid,
    selloSAT: made.selloSat,
    selloCFDI: attr('SelloCFD'),
    fechaTimbrado: made.fechaTimbrado,
    qrCode: '',
  };
}

function describe(xml: string, made: StampResult): FakeCfdi {
  return {
    stamp: made,
    rfcEmisor: findStartTag(xml, 'Emisor')?.attributes.get('Rfc') ?? '',
    rfcReceptor: findStartTag(xml, 'Receptor')?.attributes.get('Rfc') ?? '',
    total: rootStartTag(xml)?.attributes.get('Total') ?? '',
    cancel: 'none',
  };
}

/** SW's answer to POST /cfdi33/cancel/csd: SAT's per-UUID code in data.uuid, plus an acuse. */
function cancelAnswer(
  body: string,
  cfdis: Map<string, FakeCfdi>,
  invalid: boolean,
  needsAcceptance = false,
): { httpStatus: number; body: unknown } {
  const bad = {
    httpStatus: 400,
    body: {
      message: 'CACFDI33 - Problemas con los campos.',
      messageDetail: null,
      data: null,
      status: 'error',
    },
  };
  let req: Record<string, string | undefined>;
  try {
    req = JSON.parse(body);
  } catch {
    return bad;
  }
  const required = [req.uuid, req.password, req.rfc, req.b64Cer, req.b64Key, req.motivo];
  if (invalid || required.some((v) => !v) || (req.motivo === '01' && !req.foliosustitucion)) return bad;
  const uuid = req.uuid!;
  const cfdi = [...cfdis.values()].find((c) => c.stamp.uuid.toUpperCase() === uuid.toUpperCase());
  let code = '201';
  if (!cfdi) code = '205';
  else if (cfdi.rfcEmisor !== req.rfc) code = '203';
  else if (cfdi.cancel !== 'none') code = '202';
  else cfdi.cancel = needsAcceptance ? 'pending' : 'done';
  const acuse =
    `<?xml version="1.0" encoding="utf-8"?><Acuse Fecha="${mexicoCityDateTime(new Date())}" RfcEmisor="${req.rfc}">` +
    `<Folios xmlns="http://cancelacfd.sat.gob.mx"><UUID>${uuid}</UUID><EstatusUUID>${code}</EstatusUUID></Folios></Acuse>`;
  return { httpStatus: 200, body: { data: { acuse, uuid: { [uuid]: code } }, status: 'success' } };
}

/** SAT's ConsultaCFDIService answer for the expresión impresa in a SOAP request. */
function statusAnswer(
  body: string,
  cfdis: Map<string, FakeCfdi>,
  invalid: boolean,
  needsAcceptance = false,
): string {
  const expresion = /<!\[CDATA\[([\s\S]*?)\]\]>/.exec(body)?.[1] ?? '';
  const params = new URLSearchParams(expresion.replace(/^\?/, ''));
  const id = params.get('id') ?? '';
  const cfdi = [...cfdis.values()].find((c) => c.stamp.uuid.toUpperCase() === id.toUpperCase());
  const matches =
    cfdi &&
    cfdi.rfcEmisor === params.get('re') &&
    cfdi.rfcReceptor === params.get('rr') &&
    sameAmount(cfdi.total, params.get('tt') ?? '');
  let fields: [string, string][];
  if (invalid || !id)
    fields = [
      ['CodigoEstatus', 'N - 601: La expresión impresa proporcionada no es válida.'],
      ['Estado', 'No Encontrado'],
    ];
  else if (!matches)
    fields = [
      ['CodigoEstatus', 'N - 602: Comprobante no encontrado.'],
      ['Estado', 'No Encontrado'],
    ];
  else {
    fields = [
      ['CodigoEstatus', 'S - Comprobante obtenido satisfactoriamente.'],
      ['EsCancelable', needsAcceptance ? 'Cancelable con aceptación' : 'Cancelable sin aceptación'],
      ['Estado', cfdi.cancel === 'done' ? 'Cancelado' : 'Vigente'],
      [
        'EstatusCancelacion',
        { none: '', pending: 'En proceso', done: 'Cancelado sin aceptación' }[cfdi.cancel],
      ],
      ['ValidacionEFOS', '200'],
    ];
  }
  const inner = fields.map(([k, v]) => (v ? `<a:${k}>${v}</a:${k}>` : `<a:${k}/>`)).join('');
  return (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>' +
    '<ConsultaResponse xmlns="http://tempuri.org/"><ConsultaResult ' +
    'xmlns:a="http://schemas.datacontract.org/2004/07/Sat.Cfdi.Negocio.ConsultaCfdi.Servicio" ' +
    `xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${inner}</ConsultaResult></ConsultaResponse></s:Body></s:Envelope>`
  );
}

function sameAmount(a: string, b: string): boolean {
  try {
    return new Decimal(a).eq(b);
  } catch {
    return false;
  }
}
