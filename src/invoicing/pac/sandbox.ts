/**
 * The sandbox PAC: the demo default. It stamps locally, offline and fast, with a TFD 1.1 that
 * looks like a real one but says "SIN VALIDEZ FISCAL" and is signed with a committed test key
 * (./sandbox-cert/) instead of SAT's. Nothing it produces is reported to SAT.
 *
 * Idempotency, two layers:
 * - the UUID is a UUID v5 of the CFDI's Sello, so the same sealed CFDI always gets the same UUID,
 *   even across restarts and with no store at all;
 * - the whole result is remembered in a `SandboxStampStore` (default: in-memory, bounded), so a
 *   retry returns the identical TFD (same FechaTimbrado and SelloSAT). Pass a persistent store
 *   to keep that identity across restarts.
 */
import { createHash, sign, verify } from 'node:crypto';
import { promisify } from 'node:util';
import { assertValidCancelRequest, isUuid } from './cancel-request.ts';
import { PacError } from './errors.ts';
import { mexicoCityDateTime } from './mexico-time.ts';
import {
  SANDBOX_LEYENDA,
  SANDBOX_NO_CERTIFICADO_SAT,
  SANDBOX_RFC_PROV_CERTIF,
  sandboxCredentials,
} from './sandbox-cert.ts';
import { inspectSealedCfdi } from './sealed-cfdi.ts';
import { insertTfd, readTfd, renderTfd, type TfdAttributes, tfdCadenaOriginal } from './tfd.ts';
import type { PacDriver, StampResult, StatusResult } from './types.ts';

const PAC = 'sandbox';
const signAsync = promisify(sign);
/** Bound of every in-memory record of the sandbox (stamps, cancellations). */
const MAX_REMEMBERED = 10_000;

/** Namespace of the sandbox's UUID v5 (random, fixed forever: changing it changes every UUID). */
const UUID_NAMESPACE = Buffer.from('4e22536ba22a4bbf81d96a68dc157531', 'hex');

/** Remembers stamps by key (the CFDI's Sello). `putIfAbsent` returns whichever value won. */
export interface SandboxStampStore {
  get(key: string): Promise<StampResult | undefined>;
  putIfAbsent(key: string, value: StampResult): Promise<StampResult>;
}

export interface SandboxPacOptions {
  store?: SandboxStampStore;
  /** Clock for FechaTimbrado (tests). */
  now?: () => Date;
}

/** Creates the sandbox driver. See the module comment for what it guarantees. */
export function createSandboxPac(options: SandboxPacOptions = {}): PacDriver {
  const store = options.store ?? memoryStampStore();
  const now = options.now ?? (() => new Date());
  const inFlight = new Map<string, Promise<StampResult>>();
  const cancelled = new Set<string>();

  async function stampOnce(sealedXml: string): Promise<StampResult> {
    const cfdi = inspectSealedCfdi(sealedXml, PAC);
    const existing = readTfd(sealedXml);
    if (existing) return alreadyStamped(sealedXml, existing, cfdi.sello);
    const remembered = await store.get(cfdi.sello);
    if (remembered) return remembered;
    const fresh = await sandboxStamp(sealedXml, {
      sello: cfdi.sello,
      uuid: sandboxUuid(cfdi.sello),
      fechaTimbrado: mexicoCityDateTime(now()),
    });
    return store.putIfAbsent(cfdi.sello, fresh);
  }

  return {
    name: PAC,
    async stamp(sealedXml, opts) {
      if (opts?.signal?.aborted) throw PacError.aborted(PAC, opts.signal.reason);
      const key = typeof sealedXml === 'string' ? sealedXml : '';
      const pending = inFlight.get(key);
      if (pending) return pending;
      const work = stampOnce(sealedXml).finally(() => inFlight.delete(key));
      inFlight.set(key, work);
      return work;
    },
    async cancel(req) {
      assertValidCancelRequest(req);
      cancelled.add(req.uuid.toUpperCase());
      if (cancelled.size > MAX_REMEMBERED) cancelled.delete(cancelled.values().next().value!);
      return {
        status: 'cancelled',
        code: '201',
        message: 'Sandbox: cancelación simulada, sin validez fiscal.',
      };
    },
    async status(req): Promise<StatusResult> {
      if (!isUuid(req.uuid)) throw PacError.invalidRequest(`status: uuid is not a UUID: "${req.uuid}"`);
      if (cancelled.has(req.uuid.toUpperCase())) {
        return {
          estado: 'Cancelado',
          esCancelable: 'Cancelable sin aceptación',
          estatusCancelacion: 'Cancelado sin aceptación',
        };
      }
      return { estado: 'Vigente', esCancelable: 'Cancelable sin aceptación' };
    },
  };
}

/**
 * Builds a sandbox-signed stamp of `sealedXml` with the given UUID and FechaTimbrado. Exported
 * for fakes of real PACs (test/fakes/sw-server.ts), which pick their own UUIDs. The RSA signature
 * (~3 ms) runs on libuv's thread pool, not on the event loop.
 */
export async function sandboxStamp(
  sealedXml: string,
  tfd: { sello: string; uuid: string; fechaTimbrado: string },
): Promise<StampResult> {
  const attributes: TfdAttributes = {
    Version: '1.1',
    UUID: tfd.uuid,
    FechaTimbrado: tfd.fechaTimbrado,
    RfcProvCertif: SANDBOX_RFC_PROV_CERTIF,
    Leyenda: SANDBOX_LEYENDA,
    SelloCFD: tfd.sello,
    NoCertificadoSAT: SANDBOX_NO_CERTIFICADO_SAT,
  };
  const cadena = tfdCadenaOriginal(attributes);
  const selloSat = sign('sha256', Buffer.from(cadena, 'utf8'), sandboxCredentials().privateKey).toString(
    'base64',
  );
  return {
    xml: insertTfd(sealedXml, renderTfd({ ...attributes, SelloSAT: selloSat })),
    uuid: tfd.uuid,
    fechaTimbrado: tfd.fechaTimbrado,
    noCertificadoSat: SANDBOX_NO_CERTIFICADO_SAT,
    selloSat,
  };
}

/** The sandbox UUID of a Sello: RFC 4122 version 5 (SHA-1, fixed namespace), uppercase. */
export function sandboxUuid(sello: string): string {
  const hash = createHash('sha1').update(UUID_NAMESPACE).update(sello, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** In-memory store that forgets the oldest entries beyond `maxEntries` (no unbounded growth). */
export function memoryStampStore(maxEntries = MAX_REMEMBERED): SandboxStampStore {
  const entries = new Map<string, StampResult>();
  return {
    async get(key) {
      return entries.get(key);
    },
    async putIfAbsent(key, value) {
      const current = entries.get(key);
      if (current) return current;
      entries.set(key, value);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return value;
    },
  };
}

/** A CFDI that already has a TFD: return it if it is our own stamp of this CFDI, else refuse (SAT 307). */
function alreadyStamped(xml: string, tfd: TfdAttributes & { SelloSAT: string }, sello: string): StampResult {
  const ours =
    tfd.NoCertificadoSAT === SANDBOX_NO_CERTIFICADO_SAT &&
    tfd.SelloCFD === sello &&
    verify(
      'sha256',
      Buffer.from(tfdCadenaOriginal(tfd), 'utf8'),
      sandboxCredentials().certificate.publicKey,
      Buffer.from(tfd.SelloSAT, 'base64'),
    );
  if (!ours) throw PacError.validation(PAC, '307', 'El comprobante contiene un timbre previo.');
  return {
    xml,
    uuid: tfd.UUID,
    fechaTimbrado: tfd.FechaTimbrado,
    noCertificadoSat: tfd.NoCertificadoSAT,
    selloSat: tfd.SelloSAT,
  };
}
