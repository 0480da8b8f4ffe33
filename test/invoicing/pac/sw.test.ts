import { verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PacError } from '../../../src/invoicing/pac/errors.ts';
import { sandboxCertificate, sandboxCredentials } from '../../../src/invoicing/pac/sandbox-cert.ts';
import { createSwPac, type SwPacOptions } from '../../../src/invoicing/pac/sw.ts';
import { readTfd, tfdCadenaOriginal } from '../../../src/invoicing/pac/tfd.ts';
import type { CancelRequest, PacDriver } from '../../../src/invoicing/pac/types.ts';
import { type SwFake, startSwFake } from '../../fakes/sw-server.ts';

const SAT = join(import.meta.dirname, '../../fixtures/sat');
const SEALED = readFileSync(join(SAT, 'examples/cfdiutils_created-with-discounts-40.xml'), 'utf8');
const SELLO = /\sSello="([^"]+)"/.exec(SEALED)![1]!;
/** The same CFDI with another (still Base64) Sello: a different document for SW. */
const OTHER = SEALED.replace(SELLO, `${SELLO.slice(0, -4)}AAA=`);
const CSD_DIR = join(SAT, 'csd-pruebas/persona-moral_EKU9003173C9');
const CSD = {
  certificate: readFileSync(join(CSD_DIR, 'EKU9003173C9.cer')),
  privateKey: readFileSync(join(CSD_DIR, 'EKU9003173C9.key')),
  password: readFileSync(join(CSD_DIR, 'password.txt'), 'utf8'),
};
const PARTIES = { rfcEmisor: 'EKU9003173C9', rfcReceptor: 'COSC8001137NA', total: '3248.00' };

let fake: SwFake;
beforeAll(() => {
  sandboxCredentials(); // load the fake's signing key outside any timed call
});
beforeEach(async () => {
  fake = await startSwFake({ slowMs: 1200 });
});
afterEach(async () => {
  await fake.close();
});

/** A driver on the fake. Its timeout is generous; `impatient()` is for tests that must time out. */
function driver(extra: Partial<SwPacOptions> = {}): PacDriver {
  return createSwPac({
    baseUrl: fake.url,
    statusUrl: fake.statusUrl,
    user: 'demo',
    password: '123456789',
    timeoutMs: 5000,
    ...extra,
  });
}
const impatient = () => driver({ timeoutMs: 400 });

async function failure(promise: Promise<unknown>): Promise<PacError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PacError);
  return error as PacError;
}

const requestsTo = (endpoint: string) => fake.requests.filter((r) => r.endpoint === endpoint);

describe('sw stamp', () => {
  it('authenticates with user/password headers and posts the XML as multipart field "xml" with the bearer token', async () => {
    const result = await driver().stamp(SEALED);
    const [auth] = requestsTo('auth');
    expect(auth).toMatchObject({ path: '/security/authenticate', method: 'POST' });
    expect(auth!.headers).toMatchObject({ user: 'demo', password: '123456789' });
    const [stamp] = requestsTo('stamp');
    expect(stamp!.path).toBe('/cfdi33/stamp/v4');
    expect(stamp!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(stamp!.headers.authorization).toMatch(/^Bearer fake-/);
    expect(stamp!.body).toMatch(/name="xml"; filename="cfdi.xml"/);
    expect(stamp!.body).toContain(SELLO);

    const made = fake.cfdis.get(SELLO)!.stamp;
    expect(result).toEqual(made);
    const tfd = readTfd(result.xml)!;
    expect(tfd.SelloCFD).toBe(SELLO);
    const signed = verify(
      'sha256',
      Buffer.from(tfdCadenaOriginal(tfd), 'utf8'),
      sandboxCertificate().publicKey,
      Buffer.from(result.selloSat, 'base64'),
    );
    expect(signed).toBe(true);
  });

  it('uses a static token without authenticating', async () => {
    await fake.close();
    fake = await startSwFake({ staticToken: 'infinite-token' });
    await driver({ token: 'infinite-token', user: undefined, password: undefined }).stamp(SEALED);
    expect(requestsTo('auth')).toHaveLength(0);
    expect(requestsTo('stamp')[0]!.headers.authorization).toBe('Bearer infinite-token');
  });

  it('reports an SW validation error with its code, message and retryable false', async () => {
    fake.failNext(1, 'validation_error', ['stamp']);
    const error = await failure(driver().stamp(SEALED));
    expect(error).toMatchObject({ kind: 'validation', code: 'CFDI40108', retryable: false, httpStatus: 400 });
    expect(error.pacMessage).toMatch(/^CFDI40108 - El campo TipoDeComprobante/);
  });

  it('checks the input before calling SW', async () => {
    const error = await failure(driver().stamp(SEALED.replace(/\sSello="[^"]+"/, '')));
    expect(error).toMatchObject({ kind: 'validation', code: '302', retryable: false });
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    ['server_error', 500, 'CO1000'],
    ['unavailable', 503, '503'],
  ] as const)('treats %s (HTTP %i) as retryable', async (mode, httpStatus, code) => {
    fake.failNext(1, mode, ['stamp']);
    const error = await failure(driver().stamp(SEALED));
    expect(error).toMatchObject({ kind: 'unavailable', httpStatus, code, retryable: true });
  });

  it.each([
    ['slow', 'timeout'],
    ['no_answer', 'timeout'],
    ['reset', 'network'],
  ] as const)('treats a %s answer as retryable (%s)', async (mode, kind) => {
    fake.failNext(1, mode, ['stamp']);
    const error = await failure(impatient().stamp(SEALED));
    expect(error).toMatchObject({ kind, retryable: true });
  });

  it('treats a refused connection as retryable', async () => {
    const url = fake.url;
    await fake.close();
    const error = await failure(createSwPac({ baseUrl: url, token: 't' }).stamp(SEALED));
    expect(error).toMatchObject({ kind: 'network', code: 'ECONNREFUSED', retryable: true });
    fake = await startSwFake();
  });

  it('reports the caller aborting', async () => {
    fake.failNext(1, 'no_answer', ['stamp']);
    const controller = new AbortController();
    const pending = driver().stamp(SEALED, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await failure(pending)).toMatchObject({ kind: 'aborted', retryable: true });
  });
});

describe('sw authentication', () => {
  it('caches the token between calls', async () => {
    const pac = driver();
    await pac.stamp(SEALED);
    await pac.stamp(OTHER);
    expect(requestsTo('auth')).toHaveLength(1);
  });

  it('renews the token once when SW answers 401, then succeeds', async () => {
    const pac = driver();
    await pac.stamp(SEALED);
    fake.revokeTokens();
    const result = await pac.stamp(OTHER);
    expect(result.uuid).toBe(fake.cfdis.get(readTfd(result.xml)!.SelloCFD)!.stamp.uuid);
    expect(requestsTo('auth')).toHaveLength(2);
    expect(
      requestsTo('stamp').map(
        (r) => r.headers.authorization === requestsTo('stamp')[0]!.headers.authorization,
      ),
    ).toEqual([true, true, false]);
  });

  it('renews the token before it expires, without waiting for a 401', async () => {
    let now = Date.now();
    const pac = driver({ now: () => now });
    await pac.stamp(SEALED);
    now += 2 * 60 * 60 * 1000;
    await pac.stamp(OTHER);
    expect(requestsTo('auth')).toHaveLength(2);
    expect(fake.requests.filter((r) => r.endpoint === 'stamp')).toHaveLength(2);
  });

  it('gives up with a non-retryable auth error when the 401 persists', async () => {
    fake.setMode('unauthorized', ['stamp']);
    const error = await failure(driver().stamp(SEALED));
    expect(error).toMatchObject({ kind: 'auth', retryable: false, httpStatus: 401 });
    expect(requestsTo('auth')).toHaveLength(2);
  });

  it('reports wrong credentials as an auth error with SW code AU2000', async () => {
    const error = await failure(driver({ password: 'wrong' }).stamp(SEALED));
    expect(error).toMatchObject({ kind: 'auth', code: 'AU2000', retryable: false });
    expect(requestsTo('stamp')).toHaveLength(0);
  });

  it('does not refresh a static token', async () => {
    const error = await failure(
      driver({ token: 'revoked', user: undefined, password: undefined }).stamp(SEALED),
    );
    expect(error).toMatchObject({ kind: 'auth', retryable: false });
    expect(requestsTo('auth')).toHaveLength(0);
  });

  it('refuses to start without credentials', () => {
    expect(() => createSwPac({ baseUrl: fake.url })).toThrow(PacError);
  });
});

describe('sw idempotency', () => {
  it('returns the previous stamp when SW answers 307 for the same CFDI', async () => {
    const pac = driver();
    const first = await pac.stamp(SEALED);
    const second = await pac.stamp(SEALED);
    expect(second).toEqual(first);
    expect(fake.stampCount()).toBe(1);
    expect(requestsTo('stamp')).toHaveLength(2);
  });

  it('never yields a second UUID when retrying after a timeout (SW stamped, the answer came too late)', async () => {
    fake.failNext(1, 'slow', ['stamp']);
    const error = await failure(impatient().stamp(SEALED));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    await expect.poll(() => fake.stampCount()).toBe(1);
    const made = fake.cfdis.get(SELLO)!.stamp;

    const retried = await driver().stamp(SEALED);
    expect(retried.uuid).toBe(made.uuid);
    expect(retried.xml).toBe(made.xml);
    expect(fake.stampCount()).toBe(1);
  });

  it('keeps retrying through an outage until the PAC recovers, still with one UUID', async () => {
    const pac = driver();
    fake.failNext(3, 'server_error', ['stamp']);
    const errors: PacError[] = [];
    let result: Awaited<ReturnType<PacDriver['stamp']>> | undefined;
    while (!result && errors.length < 10) {
      result = await pac.stamp(SEALED).catch((e: PacError) => {
        errors.push(e);
        return undefined;
      });
    }
    expect(errors.map((e) => e.retryable)).toEqual([true, true, true]);
    expect(result!.uuid).toBe(fake.cfdis.get(SELLO)!.stamp.uuid);
    expect(fake.stampCount()).toBe(1);
  });

  it('throws a non-retryable duplicate error when a 307 comes without the previous stamp', async () => {
    await fake.close();
    fake = await startSwFake({ duplicateReturnsStamp: false });
    const pac = driver();
    await pac.stamp(SEALED);
    const error = await failure(pac.stamp(SEALED));
    expect(error).toMatchObject({ kind: 'duplicate', code: '307', retryable: false });
  });
});

describe('sw cancel', () => {
  async function stamped(pac: PacDriver): Promise<string> {
    return (await pac.stamp(SEALED)).uuid;
  }
  const request = (uuid: string, extra: Partial<CancelRequest> = {}): CancelRequest => ({
    ...PARTIES,
    uuid,
    motivo: '02',
    csd: CSD,
    ...extra,
  });

  it('cancels with motivo 02 by CSD and confirms with SAT status', async () => {
    const pac = driver();
    const uuid = await stamped(pac);
    const result = await pac.cancel(request(uuid));
    expect(result).toMatchObject({ status: 'cancelled', code: '201' });
    expect(result.acuse).toContain(`<UUID>${uuid}</UUID>`);
    const [call] = requestsTo('cancel');
    expect(call!.path).toBe('/cfdi33/cancel/csd');
    expect(call!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(call!.body)).toEqual({
      uuid,
      password: '12345678a',
      rfc: 'EKU9003173C9',
      motivo: '02',
      b64Cer: CSD.certificate.toString('base64'),
      b64Key: CSD.privateKey.toString('base64'),
    });
    expect((await pac.status({ ...PARTIES, uuid })).estado).toBe('Cancelado');
  });

  it('requires folioSustitucion with motivo 01, before calling SW', async () => {
    const pac = driver();
    const uuid = await stamped(pac);
    const error = await failure(pac.cancel(request(uuid, { motivo: '01' })));
    expect(error).toMatchObject({ kind: 'validation', code: 'INVALID_REQUEST', retryable: false });
    expect(requestsTo('cancel')).toHaveLength(0);
  });

  it('sends foliosustitucion with motivo 01', async () => {
    const pac = driver();
    const uuid = await stamped(pac);
    const replacement = (await pac.stamp(OTHER)).uuid;
    expect((await pac.cancel(request(uuid, { motivo: '01', folioSustitucion: replacement }))).status).toBe(
      'cancelled',
    );
    expect(JSON.parse(requestsTo('cancel')[0]!.body)).toMatchObject({
      motivo: '01',
      foliosustitucion: replacement,
    });
  });

  it('rejects folioSustitucion with another motivo and an invalid UUID', async () => {
    const pac = driver();
    const folio = '11111111-2222-3333-4444-555555555555';
    expect(await failure(pac.cancel(request(folio, { folioSustitucion: folio })))).toMatchObject({
      code: 'INVALID_REQUEST',
    });
    expect(await failure(pac.cancel(request('not-a-uuid')))).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(fake.requests).toHaveLength(0);
  });

  it('reports pending_acceptance when the receptor must accept', async () => {
    await fake.close();
    fake = await startSwFake({ cancelNeedsAcceptance: true });
    const pac = driver();
    const uuid = await stamped(pac);
    expect((await pac.cancel(request(uuid))).status).toBe('pending_acceptance');
    expect(await pac.status({ ...PARTIES, uuid })).toEqual({
      estado: 'Vigente',
      esCancelable: 'Cancelable con aceptación',
      estatusCancelacion: 'En proceso',
    });
    fake.acceptCancellation(uuid);
    expect((await pac.status({ ...PARTIES, uuid })).estado).toBe('Cancelado');
  });

  it('maps SAT codes: 202 already cancelled, 205 unknown UUID', async () => {
    const pac = driver();
    const uuid = await stamped(pac);
    await pac.cancel(request(uuid));
    expect(await pac.cancel(request(uuid))).toMatchObject({ status: 'cancelled', code: '202' });
    expect(await pac.cancel(request('11111111-2222-3333-4444-555555555555'))).toMatchObject({
      status: 'rejected',
      code: '205',
    });
  });

  it('returns SW validation errors as rejected, and throws on 5xx', async () => {
    const pac = driver();
    const uuid = await stamped(pac);
    fake.failNext(1, 'validation_error', ['cancel']);
    expect(await pac.cancel(request(uuid))).toEqual({
      status: 'rejected',
      code: 'CACFDI33',
      message: 'CACFDI33 - Problemas con los campos.',
    });
    fake.failNext(1, 'server_error', ['cancel']);
    expect(await failure(pac.cancel(request(uuid)))).toMatchObject({ kind: 'unavailable', retryable: true });
  });
});

describe('sw status (SAT ConsultaCFDIService)', () => {
  it('answers Vigente for a stamped CFDI and sends the printed expression', async () => {
    const pac = driver();
    const { uuid } = await pac.stamp(SEALED);
    expect(await pac.status({ ...PARTIES, uuid })).toEqual({
      estado: 'Vigente',
      esCancelable: 'Cancelable sin aceptación',
    });
    const [call] = requestsTo('status');
    expect(call!.headers.soapaction).toBe('http://tempuri.org/IConsultaCFDIService/Consulta');
    expect(call!.body).toContain(`<![CDATA[?re=EKU9003173C9&rr=COSC8001137NA&tt=3248.0&id=${uuid}]]>`);
  });

  it('answers No Encontrado when the data do not match', async () => {
    const pac = driver();
    const { uuid } = await pac.stamp(SEALED);
    expect(await pac.status({ ...PARTIES, total: '3248.01', uuid })).toEqual({ estado: 'No Encontrado' });
  });

  it('maps transport failures and SAT 601 to PacError', async () => {
    const pac = driver();
    const uuid = '11111111-2222-3333-4444-555555555555';
    fake.failNext(1, 'no_answer', ['status']);
    expect(await failure(impatient().status({ ...PARTIES, uuid }))).toMatchObject({
      kind: 'timeout',
      retryable: true,
    });
    fake.failNext(1, 'validation_error', ['status']);
    expect(await failure(pac.status({ ...PARTIES, uuid }))).toMatchObject({ code: '601', retryable: false });
  });
});

describe('sw answers the fake does not give', () => {
  /** A fetch that answers every call with this SW envelope (token auth, so only the stamp call). */
  const answering = (body: unknown, status = 400): typeof fetch =>
    (async () => new Response(JSON.stringify(body), { status })) as typeof fetch;

  async function tfdOf(sealed: string): Promise<string> {
    const { createSandboxPac } = await import('../../../src/invoicing/pac/sandbox.ts');
    const stamped = await createSandboxPac().stamp(sealed);
    return `<?xml version="1.0" encoding="utf-8"?>${/<tfd:TimbreFiscalDigital[^>]*\/>/.exec(stamped.xml)![0]}`;
  }

  it('accepts a 307 whose data carries only the TFD (v1 shape) and puts it into the CFDI', async () => {
    const tfd = await tfdOf(SEALED);
    const body = {
      message: '307. El comprobante contiene un timbre previo.',
      data: { tfd },
      status: 'error',
    };
    const pac = createSwPac({ baseUrl: 'http://sw.invalid', token: 't', fetch: answering(body) });
    const result = await pac.stamp(SEALED);
    expect(readTfd(result.xml)).toEqual(readTfd(tfd));
    expect(result.xml).toContain('</cfdi:Complemento>');
    expect(result.xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<cfdi:Comprobante')).toBe(true);
  });

  it('never accepts a TFD whose SelloCFD belongs to another CFDI', async () => {
    const tfd = await tfdOf(OTHER);
    const body = { data: { tfd }, status: 'success' };
    const pac = createSwPac({ baseUrl: 'http://sw.invalid', token: 't', fetch: answering(body, 200) });
    expect(await failure(pac.stamp(SEALED))).toMatchObject({ kind: 'protocol', retryable: false });
  });

  it('treats a success without a TFD, or a body that is not JSON, as a retryable protocol error', async () => {
    const empty = createSwPac({
      baseUrl: 'http://sw.invalid',
      token: 't',
      fetch: answering({ data: {}, status: 'success' }, 200),
    });
    expect(await failure(empty.stamp(SEALED))).toMatchObject({ kind: 'protocol', retryable: true });
    const html = (async () => new Response('<html>oops</html>', { status: 200 })) as typeof fetch;
    const garbled = createSwPac({ baseUrl: 'http://sw.invalid', token: 't', fetch: html });
    expect(await failure(garbled.stamp(SEALED))).toMatchObject({ kind: 'protocol', retryable: true });
  });
});
