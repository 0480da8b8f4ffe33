import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCsdUpload } from '../../src/settings/csd-check.ts';

const read = (rel: string) => readFileSync(new URL(`../../${rel}`, import.meta.url));
const EKU = {
  certificate: read('src/sat/data/csd-demo/EKU9003173C9.cer'),
  privateKey: read('src/sat/data/csd-demo/EKU9003173C9.key'),
  password: '12345678a',
};
const CACX_DIR = 'test/fixtures/sat/csd-pruebas/persona-fisica_CACX7605101P8';
const CACX = {
  certificate: read(`${CACX_DIR}/cacx7605101p8_csd.cer`),
  privateKey: read(`${CACX_DIR}/cacx7605101p8_csd.key`),
  password: '12345678a',
};
const NOW = new Date('2026-11-25T12:00:00Z');
const fields = (r: ReturnType<typeof checkCsdUpload>) => (r.ok ? [] : r.problems.map((p) => p.field));
const messages = (r: ReturnType<typeof checkCsdUpload>) => (r.ok ? [] : r.problems.map((p) => p.message));

describe('checkCsdUpload', () => {
  it('accepts SAT’s test CSD for its own RFC and returns the DER pair to store', () => {
    const result = checkCsdUpload(EKU, 'EKU9003173C9', NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.info).toMatchObject({
      rfc: 'EKU9003173C9',
      noCertificado: '30001000000500003416',
      isCsd: true,
    });
    expect(result.info.validTo.toISOString()).toBe('2027-05-18T11:43:51.000Z');
    expect(Buffer.from(result.csd.certificate).equals(EKU.certificate)).toBe(true);
    expect(Buffer.from(result.csd.privateKey).equals(EKU.privateKey)).toBe(true);
  });

  it('accepts the same pair as PEM', () => {
    const certPem = Buffer.from(new X509Certificate(EKU.certificate).toString());
    const b64 = EKU.privateKey.toString('base64').replace(/(.{64})/gu, '$1\n');
    const keyPem = Buffer.from(
      `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${b64}\n-----END ENCRYPTED PRIVATE KEY-----\n`,
    );
    const result = checkCsdUpload({ ...EKU, certificate: certPem, privateKey: keyPem }, 'EKU9003173C9', NOW);
    expect(result.ok).toBe(true);
    if (result.ok) expect(Buffer.from(result.csd.certificate).equals(EKU.certificate)).toBe(true);
  });

  it('names the password when it does not open the key', () => {
    const result = checkCsdUpload({ ...EKU, password: 'wrong' }, 'EKU9003173C9', NOW);
    expect(fields(result)).toEqual(['password']);
  });

  it('refuses a key that belongs to another certificate', () => {
    const result = checkCsdUpload({ ...EKU, privateKey: CACX.privateKey }, 'EKU9003173C9', NOW);
    expect(fields(result)).toEqual(['key']);
    expect(messages(result)[0]).toMatch(/not a pair/u);
  });

  it('refuses an expired certificate, and one issued to another RFC', () => {
    const own = checkCsdUpload(CACX, 'CACX7605101P8', NOW);
    expect(fields(own)).toEqual(['cer']);
    expect(messages(own)[0]).toBe('the certificate expired on 2023-06-17');
    const foreign = checkCsdUpload(CACX, 'EKU9003173C9', NOW);
    expect(messages(foreign)).toEqual([
      'the certificate expired on 2023-06-17',
      'the certificate belongs to RFC CACX7605101P8, not to this company (EKU9003173C9)',
    ]);
  });

  it('refuses a certificate that is not valid yet', () => {
    const result = checkCsdUpload(EKU, 'EKU9003173C9', new Date('2023-01-01T00:00:00Z'));
    expect(messages(result)).toEqual(['the certificate is not valid until 2023-05-18']);
  });

  it('names unreadable files', () => {
    const result = checkCsdUpload(
      { certificate: Buffer.from('hello'), privateKey: Buffer.from('world'), password: 'x' },
      'EKU9003173C9',
      NOW,
    );
    expect(fields(result)).toEqual(['cer', 'key']);
  });
});

const openssl = spawnSync('openssl', ['version']).status === 0;
if (!openssl) console.log('skipping the FIEL test: openssl is not installed');

describe.skipIf(!openssl)('checkCsdUpload with a FIEL', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'af-fiel-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * A FIEL (e.firma) certificate as SAT issues them: the RFC in x500UniqueIdentifier and no OU
   * (a CSD's OU names the branch; @nodecfdi/credentials' satType() tells them apart by it), with
   * the key usages of a signing certificate.
   */
  function makeCertificate(subject: string): { certificate: Buffer; privateKey: Buffer; password: string } {
    const at = (f: string) => path.join(dir, f);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        at('k.pem'),
        '-out',
        at('c.pem'),
        '-days',
        '365',
        '-subj',
        subject,
        '-addext',
        'keyUsage=critical,digitalSignature,nonRepudiation,dataEncipherment,keyAgreement',
      ],
      { stdio: 'ignore' },
    );
    execFileSync('openssl', ['x509', '-in', at('c.pem'), '-outform', 'DER', '-out', at('c.cer')]);
    execFileSync('openssl', [
      'pkcs8',
      '-topk8',
      '-in',
      at('k.pem'),
      '-outform',
      'DER',
      '-out',
      at('k.key'),
      '-v2',
      'des3',
      '-passout',
      'pass:s3creto',
    ]);
    return {
      certificate: readFileSync(at('c.cer')),
      privateKey: readFileSync(at('k.key')),
      password: 's3creto',
    };
  }

  it('refuses a FIEL for the company’s own RFC, saying it is not a CSD', () => {
    const fiel = makeCertificate(
      '/CN=ESCUELA KEMPER URGATE SA DE CV/x500UniqueIdentifier=EKU9003173C9 \\/ VADA800927DJ3',
    );
    const result = checkCsdUpload(fiel, 'EKU9003173C9', new Date());
    expect(messages(result)).toEqual([
      'this is an e.firma (FIEL) certificate, not a CSD (Certificado de Sello Digital)',
    ]);
  });

  it('accepts the same kind of certificate once it names a branch (OU), as a CSD does', () => {
    const csd = makeCertificate(
      '/CN=ESCUELA KEMPER URGATE SA DE CV/x500UniqueIdentifier=EKU9003173C9/OU=Sucursal 1',
    );
    expect(checkCsdUpload(csd, 'EKU9003173C9', new Date()).ok).toBe(true);
  });
});
