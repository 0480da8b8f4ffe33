import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  insertTfd,
  readTfd,
  renderTfd,
  type TfdAttributes,
  tfdCadenaOriginal,
  tfdCadenaOriginalFromXml,
} from '../../../src/invoicing/pac/tfd.ts';

const SAT = join(import.meta.dirname, '../../fixtures/sat');
const EXAMPLES = join(SAT, 'examples');
const TFD_XSLT = join(
  SAT,
  'xslt/www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/cadenaoriginal_TFD_1_1.xslt',
);
const HAS_XSLTPROC = spawnSync('which', ['xsltproc']).status === 0;
if (!HAS_XSLTPROC) console.warn('SKIP tfd xsltproc comparisons: xsltproc not installed');

/** SAT's TFD cadena by xsltproc, for a TFD element written to a standalone document. */
function xsltprocCadena(tfdElement: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfd-'));
  const file = join(dir, 'tfd.xml');
  writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n${tfdElement}`);
  const run = spawnSync('xsltproc', ['--nonet', TFD_XSLT, file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`xsltproc failed: ${run.stderr}`);
  return run.stdout;
}

const sample: TfdAttributes & { SelloSAT: string } = {
  Version: '1.1',
  UUID: 'AB6259FD-597D-5C76-9BF6-234EAB198B47',
  FechaTimbrado: '2025-03-01T10:00:00',
  RfcProvCertif: 'AAA010101AAA',
  Leyenda: 'SIN VALIDEZ FISCAL - SANDBOX AUTOFACTURA',
  SelloCFD: 'QUJD+/==',
  NoCertificadoSAT: '90001000000000000001',
  SelloSAT: 'WFla',
};

describe('tfdCadenaOriginal', () => {
  it.each(['cfdiutils_cfdi40-real', 'cfdiutils_cfdi40-valid'])(
    'equals the golden TFD cadena of %s (SAT XSLT output)',
    (name) => {
      const xml = readFileSync(join(EXAMPLES, `${name}.xml`), 'utf8');
      const expected = readFileSync(join(EXAMPLES, 'expected', `${name}.tfd-cadena-original.txt`), 'utf8');
      expect(tfdCadenaOriginalFromXml(xml)).toBe(expected);
    },
  );

  it('puts Leyenda between RfcProvCertif and SelloCFD, and omits it when absent', () => {
    expect(tfdCadenaOriginal(sample)).toBe(
      '||1.1|AB6259FD-597D-5C76-9BF6-234EAB198B47|2025-03-01T10:00:00|AAA010101AAA|' +
        'SIN VALIDEZ FISCAL - SANDBOX AUTOFACTURA|QUJD+/==|90001000000000000001||',
    );
    const { Leyenda: _, ...withoutLeyenda } = sample;
    expect(tfdCadenaOriginal(withoutLeyenda)).toBe(
      '||1.1|AB6259FD-597D-5C76-9BF6-234EAB198B47|2025-03-01T10:00:00|AAA010101AAA|QUJD+/==|90001000000000000001||',
    );
  });

  it('normalizes whitespace in values like XPath normalize-space', () => {
    expect(tfdCadenaOriginal({ ...sample, Leyenda: '  SIN   VALIDEZ\n\tFISCAL ' })).toContain(
      '|SIN VALIDEZ FISCAL|',
    );
  });

  it.skipIf(!HAS_XSLTPROC).each([
    ['with Leyenda', sample],
    ['without Leyenda', { ...sample, Leyenda: undefined }],
    ['with an empty Leyenda', { ...sample, Leyenda: '' }],
    ['with entities and odd spacing', { ...sample, Leyenda: ' Tom &amp; "Jerry"   <x> ' }],
  ])('matches xsltproc on a rendered TFD %s', (_, tfd) => {
    const attrs = { ...tfd } as TfdAttributes & { SelloSAT: string };
    if (attrs.Leyenda === undefined) delete attrs.Leyenda;
    const element = renderTfd(attrs);
    expect(tfdCadenaOriginal(attrs)).toBe(xsltprocCadena(element));
    expect(tfdCadenaOriginalFromXml(element)).toBe(xsltprocCadena(element));
  });
});

describe('readTfd', () => {
  it('reads every attribute of a real stamped CFDI', () => {
    const xml = readFileSync(join(EXAMPLES, 'cfdiutils_cfdi40-real.xml'), 'utf8');
    const tfd = readTfd(xml);
    expect(tfd?.UUID).toBe('C2832671-DA6D-11EF-A83D-00155D012007');
    expect(tfd?.NoCertificadoSAT).toBe('00001000000708361114');
    expect(tfd?.SelloSAT).toMatch(/^tJNXo2HSCL.*==$/);
    expect(tfd?.Leyenda).toBeUndefined();
  });

  it('returns null for a sealed, unstamped CFDI', () => {
    expect(
      readTfd(readFileSync(join(EXAMPLES, 'cfdiutils_created-with-discounts-40.xml'), 'utf8')),
    ).toBeNull();
  });

  it('decodes entities and round-trips what renderTfd writes', () => {
    const tfd = { ...sample, Leyenda: 'A & B < "C"' };
    expect(readTfd(renderTfd(tfd))).toEqual(tfd);
  });
});

describe('insertTfd', () => {
  const tfd = '<tfd:TimbreFiscalDigital Version="1.1"/>';
  const head = '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0">';

  it.each([
    [
      'creates Complemento before the closing tag',
      `${head}<cfdi:Emisor/></cfdi:Comprobante>`,
      `${head}<cfdi:Emisor/><cfdi:Complemento>${tfd}</cfdi:Complemento></cfdi:Comprobante>`,
    ],
    [
      'appends to an existing Complemento',
      `${head}<cfdi:Complemento><x:Other/></cfdi:Complemento></cfdi:Comprobante>`,
      `${head}<cfdi:Complemento><x:Other/>${tfd}</cfdi:Complemento></cfdi:Comprobante>`,
    ],
    [
      'fills an empty self-closing Complemento',
      `${head}<cfdi:Complemento/></cfdi:Comprobante>`,
      `${head}<cfdi:Complemento>${tfd}</cfdi:Complemento></cfdi:Comprobante>`,
    ],
    [
      'goes before an Addenda',
      `${head}<cfdi:Emisor/><cfdi:Addenda><a/></cfdi:Addenda></cfdi:Comprobante>`,
      `${head}<cfdi:Emisor/><cfdi:Complemento>${tfd}</cfdi:Complemento><cfdi:Addenda><a/></cfdi:Addenda></cfdi:Comprobante>`,
    ],
    [
      'is not fooled by ComplementoConcepto',
      `${head}<cfdi:ComplementoConcepto></cfdi:ComplementoConcepto></cfdi:Comprobante>`,
      `${head}<cfdi:ComplementoConcepto></cfdi:ComplementoConcepto><cfdi:Complemento>${tfd}</cfdi:Complemento></cfdi:Comprobante>`,
    ],
  ])('%s', (_, input, output) => {
    expect(insertTfd(input, tfd)).toBe(output);
  });

  it('keeps every byte of the sealed CFDI outside the inserted element', () => {
    const sealed = readFileSync(join(EXAMPLES, 'cfdiutils_created-with-discounts-40.xml'), 'utf8');
    const stamped = insertTfd(sealed, tfd);
    const inserted = `<cfdi:Complemento>${tfd}</cfdi:Complemento>\n`;
    expect(stamped.replace(inserted, '')).toBe(sealed);
  });
});
