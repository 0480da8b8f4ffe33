/**
 * CSD loading and sealing: SAT's test CSDs, certificates made on the spot with openssl (a FIEL-like
 * one: no OU), and openssl as an independent check of the signature.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCfdi } from '../../src/invoicing/build.ts';
import { cadenaOriginal } from '../../src/invoicing/cadena.ts';
import { CsdError, csdProblems, loadCsd, sealCfdi } from '../../src/invoicing/seal.ts';
import type { InvoiceDraft } from '../../src/invoicing/types.ts';
import { verifyCfdi } from '../../src/invoicing/verify.ts';
import { attr, parseXml } from '../../src/invoicing/xml.ts';
import { SAT_FIXTURES, toolMissing, withTempDir } from '../helpers/sat-tools.ts';

const CSD_DIR = join(SAT_FIXTURES, 'csd-pruebas');
const eku = {
  certificate: readFileSync(join(CSD_DIR, 'persona-moral_EKU9003173C9/EKU9003173C9.cer')),
  privateKey: readFileSync(join(CSD_DIR, 'persona-moral_EKU9003173C9/EKU9003173C9.key')),
  password: readFileSync(join(CSD_DIR, 'persona-moral_EKU9003173C9/password.txt'), 'utf8'),
};
const cacx = {
  certificate: readFileSync(join(CSD_DIR, 'persona-fisica_CACX7605101P8/cacx7605101p8_csd.cer')),
  privateKey: readFileSync(join(CSD_DIR, 'persona-fisica_CACX7605101P8/cacx7605101p8_csd.key')),
  password: readFileSync(join(CSD_DIR, 'persona-fisica_CACX7605101P8/cacx7605101p8_csd.txt'), 'utf8').trim(),
};

const draft: InvoiceDraft = {
  issuer: {
    rfc: 'EKU9003173C9',
    nombre: 'ESCUELA KEMPER URGATE',
    regimenFiscal: '601',
    lugarExpedicion: '52000',
  },
  receptor: {
    rfc: 'CACX7605101P8',
    nombre: 'XOCHILT CASAS CHAVEZ',
    domicilioFiscal: '10740',
    regimenFiscal: '612',
    usoCfdi: 'G03',
  },
  serie: 'F',
  folio: '42',
  fecha: '2025-06-01T10:00:00',
  formaPago: '04',
  pricesIncludeTax: true,
  items: [
    {
      description: 'Café de olla',
      quantity: '3',
      unitPrice: '35.00',
      productKey: '90101501',
      unitKey: 'H87',
      tax: 'IVA16',
      iepsRate: null,
      discount: '5.00',
    },
  ],
  total: '100.00',
};

describe('loadCsd', () => {
  it('reads the SAT test CSD of a persona moral (values from SOURCES.md)', () => {
    const info = loadCsd(eku.certificate, eku.privateKey, eku.password);
    expect(info).toMatchObject({
      rfc: 'EKU9003173C9',
      legalName: 'ESCUELA KEMPER URGATE SA DE CV',
      noCertificado: '30001000000500003416',
      isCsd: true,
      isFiel: false,
    });
    expect(info.validFrom.toISOString().slice(0, 10)).toBe('2023-05-18');
    expect(info.validTo.toISOString().slice(0, 10)).toBe('2027-05-18');
    expect(csdProblems(info, { rfc: 'EKU9003173C9', at: new Date('2025-01-01T00:00:00Z') })).toEqual([]);
  });

  it('reports the expired persona física CSD and a foreign RFC', () => {
    const info = loadCsd(cacx.certificate, cacx.privateKey, cacx.password);
    expect(info).toMatchObject({ rfc: 'CACX7605101P8', noCertificado: '30001000000400002451', isCsd: true });
    expect(csdProblems(info, { rfc: 'EKU9003173C9', at: new Date('2025-01-01T00:00:00Z') })).toEqual([
      'EXPIRED',
      'RFC_MISMATCH',
    ]);
    expect(csdProblems(info, { rfc: 'CACX7605101P8', at: new Date('2019-01-01T00:00:00Z') })).toEqual([
      'NOT_YET_VALID',
    ]);
  });

  it.each([
    ['a wrong password', eku.certificate, eku.privateKey, 'wrong', 'INVALID_PRIVATE_KEY'],
    ['a key of another certificate', eku.certificate, cacx.privateKey, cacx.password, 'KEY_MISMATCH'],
    [
      'a certificate that is not one',
      Buffer.from('not a certificate'),
      eku.privateKey,
      eku.password,
      'INVALID_CERTIFICATE',
    ],
    ['a key that is not one', eku.certificate, Buffer.from('garbage'), eku.password, 'INVALID_PRIVATE_KEY'],
  ])('refuses %s', (_, cer, key, password, code) => {
    try {
      loadCsd(cer, key, password);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CsdError);
      expect((error as CsdError).code).toBe(code);
    }
  });
});

describe('sealCfdi', () => {
  it('fills NoCertificado, Certificado and Sello so the invoice verifies', () => {
    const sealed = sealCfdi(buildCfdi(draft), eku);
    const root = parseXml(sealed);
    expect(attr(root, 'NoCertificado')).toBe('30001000000500003416');
    expect(Buffer.from(attr(root, 'Certificado')!, 'base64').equals(eku.certificate)).toBe(true);
    expect(verifyCfdi(sealed)).toEqual({ ok: true, selloSat: 'none' });
  });

  it('adds the three attributes when the document lacks them', () => {
    const bare = buildCfdi(draft).replace(/ (NoCertificado|Certificado|Sello)=""/g, '');
    expect(bare).not.toContain('Sello=');
    const sealed = sealCfdi(bare, cacx);
    expect(attr(parseXml(sealed), 'NoCertificado')).toBe('30001000000400002451');
    expect(verifyCfdi(sealed)).toEqual({ ok: true, selloSat: 'none' });
  });

  it('re-sealing with another CSD replaces the seal and still verifies', () => {
    const twice = sealCfdi(sealCfdi(buildCfdi(draft), eku), cacx);
    expect(attr(parseXml(twice), 'NoCertificado')).toBe('30001000000400002451');
    expect(verifyCfdi(twice)).toEqual({ ok: true, selloSat: 'none' });
  });

  it('is deterministic (PKCS#1 v1.5), also with a new Csd object of the same files', () => {
    const xml = buildCfdi(draft);
    expect(sealCfdi(xml, eku)).toBe(sealCfdi(xml, { ...eku, certificate: Buffer.from(eku.certificate) }));
  });
});

const openssl = toolMissing('openssl');

describe.skipIf(openssl)('with openssl', () => {
  if (openssl) console.warn(`skipped: ${openssl}`);
  const run = (dir: string, args: string[]) => {
    const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  it('verifies our Sello over our cadena with the certificate', () => {
    const sealed = sealCfdi(buildCfdi(draft), eku);
    const output = withTempDir((dir) => {
      writeFileSync(join(dir, 'cadena.txt'), cadenaOriginal(sealed));
      writeFileSync(join(dir, 'sello.bin'), Buffer.from(attr(parseXml(sealed), 'Sello')!, 'base64'));
      writeFileSync(join(dir, 'cert.cer'), eku.certificate);
      run(dir, ['x509', '-inform', 'DER', '-in', 'cert.cer', '-pubkey', '-noout', '-out', 'pub.pem']);
      return run(dir, ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sello.bin', 'cadena.txt']);
    });
    expect(output.trim()).toBe('Verified OK');
  });

  it('tells a FIEL-like certificate (no branch OU) from a CSD and reads a UTF-8 legal name', () => {
    const { cer, key } = withTempDir((dir) => {
      const subject =
        '/CN=JUAN PÉREZ ÑANDÚ/2.5.4.41=JUAN PÉREZ ÑANDÚ/2.5.4.45=PEPJ800101AB1 \\/ PEPJ800101HDFRRN09';
      run(
        dir,
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          'k.pem',
          '-out',
          'c.pem',
          '-days',
          '30',
        ].concat(['-utf8', '-subj', subject, '-set_serial', '0x3030303031303030303030373030303030303031']),
      );
      run(dir, ['x509', '-in', 'c.pem', '-outform', 'DER', '-out', 'c.cer']);
      run(dir, [
        'pkcs8',
        '-topk8',
        '-in',
        'k.pem',
        '-outform',
        'DER',
        '-v2',
        'des3',
        '-passout',
        'pass:secreto',
        '-out',
        'k.key',
      ]);
      const files = { cer: readFileSync(join(dir, 'c.cer')), key: readFileSync(join(dir, 'k.key')) };
      rmSync(join(dir, 'k.pem'));
      return files;
    });
    const info = loadCsd(cer, key, 'secreto');
    expect(info).toMatchObject({
      rfc: 'PEPJ800101AB1',
      legalName: 'JUAN PÉREZ ÑANDÚ',
      noCertificado: '00001000000700000001',
      isFiel: true,
      isCsd: false,
    });
    expect(csdProblems(info, { rfc: 'PEPJ800101AB1', at: new Date() })).toEqual(['NOT_CSD']);
  });
});
