/**
 * verifyCfdi: what each failure reports, the TimbreFiscalDigital checks (with a timbre signed here
 * by a certificate outside src/sat/data/sat-certs), and the hook for the rules module.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCfdi } from '../../src/invoicing/build.ts';
import { tfdCadenaOriginal } from '../../src/invoicing/cadena.ts';
import { sealCfdi, signCadena } from '../../src/invoicing/seal.ts';
import type { InvoiceDraft } from '../../src/invoicing/types.ts';
import { verifyCfdi } from '../../src/invoicing/verify.ts';
import { attr, parseXml } from '../../src/invoicing/xml.ts';
import { SAT_FIXTURES } from '../helpers/sat-tools.ts';

const CSD_DIR = join(SAT_FIXTURES, 'csd-pruebas');
const eku = {
  certificate: readFileSync(join(CSD_DIR, 'persona-moral_EKU9003173C9/EKU9003173C9.cer')),
  privateKey: readFileSync(join(CSD_DIR, 'persona-moral_EKU9003173C9/EKU9003173C9.key')),
  password: '12345678a',
};
// Stands in for a SAT certificate: its serial is not among the bundled SAT certificates.
const otherCa = {
  certificate: readFileSync(join(CSD_DIR, 'persona-fisica_CACX7605101P8/cacx7605101p8_csd.cer')),
  privateKey: readFileSync(join(CSD_DIR, 'persona-fisica_CACX7605101P8/cacx7605101p8_csd.key')),
  password: '12345678a',
};

const draft: InvoiceDraft = {
  issuer: {
    rfc: 'EKU9003173C9',
    nombre: 'ESCUELA KEMPER URGATE',
    regimenFiscal: '601',
    lugarExpedicion: '52000',
  },
  receptor: {
    rfc: 'COSC8001137NA',
    nombre: 'CARLOS CORTES SOTO',
    domicilioFiscal: '52000',
    regimenFiscal: '612',
    usoCfdi: 'G03',
  },
  serie: 'V',
  folio: '7',
  fecha: '2025-06-01T10:00:00',
  formaPago: '01',
  pricesIncludeTax: true,
  items: [
    {
      description: 'Pan dulce',
      quantity: '4',
      unitPrice: '12.50',
      productKey: '50181900',
      unitKey: 'H87',
      tax: 'IVA0',
      iepsRate: null,
      discount: '0',
    },
  ],
  total: '50.00',
};
const sealed = sealCfdi(buildCfdi(draft), eku);

/** Adds a TimbreFiscalDigital signed with `otherCa`, as a PAC would after stamping. */
function stamp(xml: string, change: (tfd: string) => string = (t) => t): string {
  const sello = attr(parseXml(xml), 'Sello')!;
  const unsigned = `<tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1" UUID="6F35D3B5-3651-5370-BC2C-14CDBE384CD7" FechaTimbrado="2025-06-01T10:00:05" RfcProvCertif="CVD110412TF6" SelloCFD="${sello}" NoCertificadoSAT="30001000000400002451"`;
  const selloSat = signCadena(tfdCadenaOriginal(`${unsigned}/>`), otherCa);
  const tfd = change(`${unsigned} SelloSAT="${selloSat}"/>`);
  return xml.replace(
    '</cfdi:Comprobante>',
    `  <cfdi:Complemento>\n    ${tfd}\n  </cfdi:Complemento>\n</cfdi:Comprobante>`,
  );
}

describe('verifyCfdi', () => {
  it('accepts our sealed invoice', () => {
    expect(verifyCfdi(sealed)).toEqual({ ok: true, selloSat: 'none' });
  });

  it.each([
    ['malformed XML', '<cfdi:Comprobante', 'XML_MALFORMED'],
    ['an empty string', '', 'XML_MALFORMED'],
    ['a CFDI 3.3', sealed.replace('Version="4.0"', 'Version="3.3"'), 'NOT_CFDI40'],
    [
      'another namespace',
      sealed.replaceAll('http://www.sat.gob.mx/cfd/4', 'http://www.sat.gob.mx/cfd/3'),
      'NOT_CFDI40',
    ],
    ['an unreadable Certificado', sealed.replace(/ Certificado="[^"]+"/, ' Certificado="AAAA"'), 'CFDI40106'],
    [
      'a NoCertificado of another certificate',
      sealed.replace(/NoCertificado="\d+"/, 'NoCertificado="30001000000400002451"'),
      'NO_CERTIFICADO_MISMATCH',
    ],
    ['an altered amount', sealed.replace('Total="50.00"', 'Total="5.00"'), 'CFDI40102'],
    ['a Sello with stray characters', sealed.replace(/Sello="/, 'Sello="!'), 'CFDI40102'],
    ['an altered description', sealed.replace('Pan dulce', 'Pan  salado'), 'CFDI40102'],
  ])('reports %s', (_, xml, code) => {
    const result = verifyCfdi(xml);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.code).toBe(code);
  });

  it('accepts whitespace changes that the cadena original ignores (the seal covers normalized values)', () => {
    expect(verifyCfdi(sealed.replace('Pan dulce', ' Pan \t dulce '))).toEqual({ ok: true, selloSat: 'none' });
  });

  it('reports a complement whose cadena it cannot compute rather than a wrong seal', () => {
    const nomina =
      '<cfdi:Complemento><nomina12:Nomina xmlns:nomina12="http://www.sat.gob.mx/nomina12"/></cfdi:Complemento>';
    const result = verifyCfdi(sealed.replace('</cfdi:Comprobante>', `${nomina}</cfdi:Comprobante>`));
    expect(result).toMatchObject({ ok: false, code: 'CADENA_UNSUPPORTED' });
  });
});

describe('verifyCfdi with a TimbreFiscalDigital', () => {
  it('leaves SelloSAT unchecked when the SAT certificate is not available', () => {
    expect(verifyCfdi(stamp(sealed))).toEqual({ ok: true, selloSat: 'unchecked' });
  });

  it('checks SelloSAT with a certificate passed in options', () => {
    expect(verifyCfdi(stamp(sealed), { satCertificates: [eku.certificate, otherCa.certificate] })).toEqual({
      ok: true,
      selloSat: 'valid',
    });
  });

  it.each([
    ['an altered UUID', (t: string) => t.replace('UUID="6F35', 'UUID="7F35'), 'TFD_SELLO_SAT'],
    [
      'a SelloCFD that is not the Sello',
      (t: string) => t.replace('SelloCFD="', 'SelloCFD="x'),
      'TFD_SELLO_CFD',
    ],
    ['another version', (t: string) => t.replace('Version="1.1"', 'Version="1.0"'), 'TFD_VERSION'],
  ])('reports %s', (_, change, code) => {
    const result = verifyCfdi(stamp(sealed, change), { satCertificates: [otherCa.certificate] });
    expect(result).toMatchObject({ ok: false, code });
  });
});

describe('verifyCfdi rules hook', () => {
  it('reports the first finding of the validate hook, after the signatures pass', () => {
    const findings = [
      { code: 'CFDI40161', message: 'UsoCFDI no aplica' },
      { code: 'CFDI40158', message: 'Régimen' },
    ];
    expect(verifyCfdi(sealed, { validate: () => findings })).toEqual({
      ok: false,
      code: 'CFDI40161',
      message: 'UsoCFDI no aplica (+1 more)',
    });
    expect(verifyCfdi(sealed, { validate: () => [] })).toEqual({ ok: true, selloSat: 'none' });
  });

  it('does not run the hook when the seal is already wrong', () => {
    let called = false;
    const result = verifyCfdi(sealed.replace('Total="50.00"', 'Total="5.00"'), {
      validate: () => {
        called = true;
        return [];
      },
    });
    expect(result).toMatchObject({ ok: false, code: 'CFDI40102' });
    expect(called).toBe(false);
  });
});
