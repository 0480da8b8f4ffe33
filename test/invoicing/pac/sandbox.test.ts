import { spawnSync } from 'node:child_process';
import { verify } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacError } from '../../../src/invoicing/pac/errors.ts';
import { createSandboxPac, memoryStampStore, sandboxUuid } from '../../../src/invoicing/pac/sandbox.ts';
import {
  SANDBOX_LEYENDA,
  SANDBOX_NO_CERTIFICADO_SAT,
  SANDBOX_RFC_PROV_CERTIF,
  sandboxCertificate,
} from '../../../src/invoicing/pac/sandbox-cert.ts';
import { readTfd, tfdCadenaOriginal } from '../../../src/invoicing/pac/tfd.ts';
import type { Csd } from '../../../src/invoicing/types.ts';

const SAT = join(import.meta.dirname, '../../fixtures/sat');
const SEALED = readFileSync(join(SAT, 'examples/cfdiutils_created-with-discounts-40.xml'), 'utf8');
const SELLO = /\sSello="([^"]+)"/.exec(SEALED)![1]!;
const TFD_XSD = 'www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd';
const TFD_XSLT = join(
  SAT,
  'xslt/www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/cadenaoriginal_TFD_1_1.xslt',
);
const has = (tool: string) => spawnSync('which', [tool]).status === 0;
const HAS_XMLLINT = has('xmllint');
const HAS_XSLTPROC = has('xsltproc');
if (!HAS_XMLLINT) console.warn('SKIP sandbox XSD validation: xmllint not installed');
if (!HAS_XSLTPROC) console.warn('SKIP sandbox cadena vs SAT XSLT: xsltproc not installed');

const WRAPPER = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.sat.gob.mx/cfd/4" schemaLocation="www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd"/>
  <xs:import namespace="http://www.sat.gob.mx/TimbreFiscalDigital" schemaLocation="${TFD_XSD}"/>
</xs:schema>`;

/** Copies SAT's XSDs plus the derived catCFDI stand-in and a wrapper into a temp tree (see SOURCES.md). */
function schemaTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sat-xsd-'));
  cpSync(join(SAT, 'xsd'), dir, { recursive: true });
  cpSync(join(SAT, 'xsd-derived'), dir, { recursive: true });
  writeFileSync(join(dir, 'wrapper.xsd'), WRAPPER);
  return dir;
}

function xmllint(schema: string, xml: string): { ok: boolean; output: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'doc-')), 'doc.xml');
  writeFileSync(file, xml);
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schema, file], { encoding: 'utf8' });
  return { ok: run.status === 0, output: run.stderr };
}

function tfdElement(xml: string): string {
  return /<tfd:TimbreFiscalDigital[^>]*\/>/.exec(xml)![0];
}

const fixedClock = () => new Date('2025-03-01T18:30:05Z');

describe('sandbox stamp', () => {
  it.skipIf(!HAS_XMLLINT)(
    'adds a TFD 1.1 that validates against SAT TimbreFiscalDigitalv11.xsd, standalone and in the CFDI',
    async () => {
      const { xml } = await createSandboxPac().stamp(SEALED);
      const tree = schemaTree();
      const standalone = xmllint(
        join(tree, TFD_XSD),
        `<?xml version="1.0" encoding="UTF-8"?>\n${tfdElement(xml)}`,
      );
      expect(standalone.output).toContain('validates');
      expect(standalone.ok).toBe(true);
      const whole = xmllint(join(tree, 'wrapper.xsd'), xml);
      expect(whole.ok, whole.output).toBe(true);
    },
  );

  it('fills the TFD from the CFDI, the sandbox identity and the Mexico City clock', async () => {
    const result = await createSandboxPac({ now: fixedClock }).stamp(SEALED);
    const tfd = readTfd(result.xml)!;
    expect(tfd).toMatchObject({
      Version: '1.1',
      RfcProvCertif: SANDBOX_RFC_PROV_CERTIF,
      Leyenda: SANDBOX_LEYENDA,
      SelloCFD: SELLO,
      NoCertificadoSAT: SANDBOX_NO_CERTIFICADO_SAT,
      FechaTimbrado: '2025-03-01T12:30:05',
    });
    expect(tfd.UUID).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(result).toMatchObject({
      uuid: tfd.UUID,
      fechaTimbrado: tfd.FechaTimbrado,
      noCertificadoSat: tfd.NoCertificadoSAT,
      selloSat: tfd.SelloSAT,
    });
    expect(result.xml).toMatch(
      /<cfdi:Complemento><tfd:TimbreFiscalDigital [^>]+\/><\/cfdi:Complemento>\s*<\/cfdi:Comprobante>\s*$/,
    );
  });

  it('signs the TFD cadena so that SelloSAT verifies with the sandbox certificate', async () => {
    const { xml, selloSat } = await createSandboxPac().stamp(SEALED);
    const cadena = Buffer.from(tfdCadenaOriginal(readTfd(xml)!), 'utf8');
    const publicKey = sandboxCertificate().publicKey;
    expect(verify('sha256', cadena, publicKey, Buffer.from(selloSat, 'base64'))).toBe(true);
    const tampered = Buffer.from(tfdCadenaOriginal({ ...readTfd(xml)!, UUID: sandboxUuid('other') }), 'utf8');
    expect(verify('sha256', tampered, publicKey, Buffer.from(selloSat, 'base64'))).toBe(false);
  });

  it.skipIf(!HAS_XSLTPROC)('signs exactly the cadena SAT XSLT produces for the TFD', async () => {
    const { xml } = await createSandboxPac().stamp(SEALED);
    const file = join(mkdtempSync(join(tmpdir(), 'tfd-')), 'tfd.xml');
    writeFileSync(file, tfdElement(xml));
    const run = spawnSync('xsltproc', ['--nonet', TFD_XSLT, file], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(tfdCadenaOriginal(readTfd(xml)!)).toBe(run.stdout);
  });

  it('keeps the sealed CFDI byte for byte around the inserted Complemento', async () => {
    const { xml } = await createSandboxPac().stamp(SEALED);
    expect(xml.replace(/<cfdi:Complemento>.*<\/cfdi:Complemento>\n/, '')).toBe(SEALED);
  });
});

describe('sandbox idempotency', () => {
  it('returns the identical TFD when the same CFDI is stamped twice, even at another time', async () => {
    let clock = new Date('2025-03-01T18:30:05Z');
    const pac = createSandboxPac({ now: () => clock });
    const first = await pac.stamp(SEALED);
    clock = new Date('2025-03-02T09:00:00Z');
    const second = await pac.stamp(SEALED);
    expect(second).toEqual(first);
  });

  it('gives the same UUID to the same CFDI across driver instances without a shared store', async () => {
    const a = await createSandboxPac({ now: fixedClock }).stamp(SEALED);
    const b = await createSandboxPac({ now: () => new Date('2026-01-01T00:00:00Z') }).stamp(SEALED);
    expect(b.uuid).toBe(a.uuid);
    expect(a.uuid).toBe(sandboxUuid(SELLO));
  });

  it('gives another CFDI another UUID', async () => {
    const other = SEALED.replace(SELLO, `${SELLO.slice(0, -4)}AAA=`);
    const pac = createSandboxPac();
    expect((await pac.stamp(other)).uuid).not.toBe((await pac.stamp(SEALED)).uuid);
  });

  it('answers concurrent stamps of one CFDI with one TFD', async () => {
    const pac = createSandboxPac();
    const results = await Promise.all([pac.stamp(SEALED), pac.stamp(SEALED), pac.stamp(` ${SEALED}`.trim())]);
    expect(new Set(results.map((r) => r.xml)).size).toBe(1);
  });

  it('uses the store passed in (a persistent store keeps the exact TFD across restarts)', async () => {
    const store = memoryStampStore();
    const before = await createSandboxPac({ store, now: fixedClock }).stamp(SEALED);
    const after = await createSandboxPac({ store, now: () => new Date('2030-01-01T00:00:00Z') }).stamp(
      SEALED,
    );
    expect(after).toEqual(before);
  });

  it('bounds the in-memory store, forgetting the oldest stamps first', async () => {
    const store = memoryStampStore(2);
    const results = ['a', 'b', 'c'].map((k) => ({
      xml: k,
      uuid: k,
      fechaTimbrado: k,
      noCertificadoSat: k,
      selloSat: k,
    }));
    for (const [i, r] of results.entries()) expect(await store.putIfAbsent(String(i), r)).toBe(r);
    expect(await store.get('0')).toBeUndefined();
    expect(await store.get('2')).toBe(results[2]);
    expect(await store.putIfAbsent('2', results[0]!)).toBe(results[2]);
  });

  it('returns its own stamp when given an already sandbox-stamped CFDI', async () => {
    const pac = createSandboxPac();
    const first = await pac.stamp(SEALED);
    const again = await createSandboxPac().stamp(first.xml);
    expect(again).toEqual(first);
  });

  it('refuses a CFDI stamped by someone else (SAT 307)', async () => {
    const real = readFileSync(join(SAT, 'examples/cfdiutils_cfdi40-valid.xml'), 'utf8');
    await expect(createSandboxPac().stamp(real)).rejects.toMatchObject({ code: '307', retryable: false });
  });
});

describe('sandbox input checks', () => {
  it.each([
    ['not XML', 'hola', '301'],
    ['CFDI 3.3', SEALED.replace('Version="4.0"', 'Version="3.3"'), '301'],
    [
      'another namespace',
      SEALED.replace('xmlns:cfdi="http://www.sat.gob.mx/cfd/4"', 'xmlns:cfdi="urn:x"'),
      '301',
    ],
    ['no Sello', SEALED.replace(/\sSello="[^"]+"/, ''), '302'],
    ['an empty Sello', SEALED.replace(/\sSello="[^"]+"/, ' Sello=""'), '302'],
    ['no Certificado', SEALED.replace(/\sCertificado="[^"]+"/, ''), '301'],
  ])('rejects %s with a non-retryable PacError', async (_, xml, code) => {
    const error = await createSandboxPac()
      .stamp(xml)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PacError);
    expect(error).toMatchObject({ kind: 'validation', code, retryable: false });
  });

  it('honours an already aborted signal', async () => {
    const signal = AbortSignal.abort();
    await expect(createSandboxPac().stamp(SEALED, { signal })).rejects.toMatchObject({ kind: 'aborted' });
  });
});

describe('sandbox cancel and status', () => {
  const csd: Csd = { certificate: new Uint8Array([1]), privateKey: new Uint8Array([1]), password: 'x' };
  const base = { rfcEmisor: 'EKU9003173C9', rfcReceptor: 'COSC8001137NA', total: '3248.00', csd };

  it('cancels (motivo 02) and then reports Cancelado', async () => {
    const pac = createSandboxPac();
    const { uuid } = await pac.stamp(SEALED);
    expect((await pac.status({ ...base, uuid })).estado).toBe('Vigente');
    expect((await pac.cancel({ ...base, uuid, motivo: '02' })).status).toBe('cancelled');
    expect((await pac.status({ ...base, uuid })).estado).toBe('Cancelado');
  });

  it('validates motivo 01 before doing anything', async () => {
    const pac = createSandboxPac();
    const { uuid } = await pac.stamp(SEALED);
    await expect(pac.cancel({ ...base, uuid, motivo: '01' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    expect((await pac.status({ ...base, uuid })).estado).toBe('Vigente');
  });
});
