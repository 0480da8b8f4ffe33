/**
 * buildCfdi: the XML of a CFDI 4.0 de ingreso from a draft, checked against SAT's XSD, SAT's
 * arithmetic rules and the attributes Anexo 20 demands; text escaping; refusal of text SAT's schema
 * cannot carry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCfdi, CfdiBuildError } from '../../src/invoicing/build.ts';
import { sealCfdi } from '../../src/invoicing/seal.ts';
import type { InvoiceDraft, TicketItem } from '../../src/invoicing/types.ts';
import { attr, childElements, NS_CFDI, parseXml, type XmlElement } from '../../src/invoicing/xml.ts';
import { SAT_FIXTURES, satArithmeticProblems, toolMissing, validateWithXsd } from '../helpers/sat-tools.ts';

const EKU = join(SAT_FIXTURES, 'csd-pruebas/persona-moral_EKU9003173C9');
const csd = {
  certificate: readFileSync(join(EKU, 'EKU9003173C9.cer')),
  privateKey: readFileSync(join(EKU, 'EKU9003173C9.key')),
  password: '12345678a',
};

const ITEMS: TicketItem[] = [
  {
    description: 'Refresco 600 ml',
    quantity: '2',
    unitPrice: '18.50',
    productKey: '50202306',
    unitKey: 'H87',
    unitName: 'Pieza',
    tax: 'IVA16',
    iepsRate: null,
    discount: '0',
  },
  {
    description: 'Papas fritas',
    quantity: '1',
    unitPrice: '21.00',
    productKey: '50192100',
    unitKey: 'H87',
    tax: 'IVA0',
    iepsRate: '0.080000',
    discount: '1.00',
  },
  {
    description: 'Cerveza',
    quantity: '6',
    unitPrice: '22.90',
    productKey: '50202201',
    unitKey: 'H87',
    tax: 'IVA16',
    iepsRate: '0.265000',
    discount: '0',
  },
  {
    description: 'Tortilla',
    quantity: '0.865',
    unitPrice: '23.00',
    productKey: '50221300',
    unitKey: 'KGM',
    tax: 'IVA0',
    iepsRate: null,
    discount: '0',
  },
  {
    description: 'Libro',
    quantity: '1',
    unitPrice: '199.00',
    productKey: '55101500',
    unitKey: 'H87',
    tax: 'IVA_EXENTO',
    iepsRate: null,
    discount: '0',
  },
  {
    description: 'Servicio fronterizo',
    quantity: '1',
    unitPrice: '108.00',
    productKey: '80111600',
    unitKey: 'E48',
    tax: 'IVA8',
    iepsRate: null,
    discount: '0',
  },
  {
    description: 'Donativo',
    quantity: '1',
    unitPrice: '10',
    productKey: '01010101',
    unitKey: 'ACT',
    tax: 'NO_OBJETO',
    iepsRate: null,
    discount: '0',
  },
];

function draft(overrides: Partial<InvoiceDraft> = {}): InvoiceDraft {
  return {
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
    serie: 'A',
    folio: '123',
    fecha: '2025-03-01T12:00:00',
    formaPago: '01',
    pricesIncludeTax: true,
    items: ITEMS,
    // 37.00 + 20.00 + 137.40 + 19.90 + 199.00 + 108.00 + 10.00
    total: '531.30',
    ...overrides,
  };
}

const child = (el: XmlElement, local: string) => childElements(el, NS_CFDI, local);

describe('buildCfdi', () => {
  const xml = buildCfdi(draft());
  const root = parseXml(xml);

  it('writes the fixed attributes of a CFDI 4.0 de ingreso PUE in MXN, and the draft ones', () => {
    const expected = {
      Version: '4.0',
      Serie: 'A',
      Folio: '123',
      Fecha: '2025-03-01T12:00:00',
      FormaPago: '01',
      Moneda: 'MXN',
      Total: '531.30',
      TipoDeComprobante: 'I',
      Exportacion: '01',
      MetodoPago: 'PUE',
      LugarExpedicion: '52000',
    };
    for (const [name, value] of Object.entries(expected))
      expect([name, attr(root, name)]).toEqual([name, value]);
    expect(attr(root, 'TipoCambio')).toBeUndefined();
    expect(attr(child(root, 'Emisor')[0]!, 'RegimenFiscal')).toBe('601');
    expect(attr(child(root, 'Receptor')[0]!, 'UsoCFDI')).toBe('G03');
    expect(attr(child(root, 'Receptor')[0]!, 'DomicilioFiscalReceptor')).toBe('52000');
  });

  it('follows SAT arithmetic rules', () => {
    expect(satArithmeticProblems(xml)).toEqual([]);
  });

  it('writes one concepto per item with its keys, ObjetoImp and traslados', () => {
    const conceptos = child(child(root, 'Conceptos')[0]!, 'Concepto');
    expect(conceptos.map((c) => attr(c, 'ClaveProdServ'))).toEqual(ITEMS.map((i) => i.productKey));
    expect(conceptos.map((c) => attr(c, 'ObjetoImp'))).toEqual(['02', '02', '02', '02', '02', '02', '01']);
    expect(attr(conceptos[0]!, 'Unidad')).toBe('Pieza');
    expect(attr(conceptos[1]!, 'Unidad')).toBeUndefined();
    expect(attr(conceptos[1]!, 'Descuento')).toBe('0.93');
    expect(attr(conceptos[0]!, 'Descuento')).toBeUndefined();
    expect(child(conceptos[6]!, 'Impuestos')).toEqual([]);
    const traslado = (c: XmlElement) =>
      child(child(child(c, 'Impuestos')[0]!, 'Traslados')[0]!, 'Traslado').map((t) =>
        ['Impuesto', 'TipoFactor', 'TasaOCuota'].map((n) => attr(t, n) ?? '-').join(' '),
      );
    expect(traslado(conceptos[2]!)).toEqual(['002 Tasa 0.160000', '003 Tasa 0.265000']);
    expect(traslado(conceptos[4]!)).toEqual(['002 Exento -']);
    expect(traslado(conceptos[5]!)).toEqual(['002 Tasa 0.080000']);
  });

  it('omits Descuento, Impuestos and TotalImpuestosTrasladados when they do not apply', () => {
    const exento = parseXml(buildCfdi(draft({ items: [ITEMS[4]!], total: '199.00' })));
    expect(attr(exento, 'Descuento')).toBeUndefined();
    expect(attr(child(exento, 'Impuestos')[0]!, 'TotalImpuestosTrasladados')).toBeUndefined();
    const noObjeto = parseXml(buildCfdi(draft({ items: [ITEMS[6]!], total: '10.00' })));
    expect(child(noObjeto, 'Impuestos')).toEqual([]);
  });

  it('omits an empty Serie and Folio', () => {
    const bare = parseXml(buildCfdi(draft({ serie: '', folio: ' ' })));
    expect(attr(bare, 'Serie')).toBeUndefined();
    expect(attr(bare, 'Folio')).toBeUndefined();
  });

  it('leaves NoCertificado, Certificado and Sello for sealing', () => {
    expect(['NoCertificado', 'Certificado', 'Sello'].map((n) => attr(root, n))).toEqual(['', '', '']);
  });
});

describe('text in the XML', () => {
  const ODD = `Ñandú "Peña" & <Hijos>, O'Brien — ¿qué? ½ 😀`;

  it('survives a round trip through the XML exactly, whatever characters it has', () => {
    const xml = buildCfdi(
      draft({
        receptor: { ...draft().receptor, nombre: ODD },
        issuer: { ...draft().issuer, nombre: `${ODD} SA` },
        items: [{ ...ITEMS[0]!, description: ODD, unitName: `<&"'>` }],
        total: '37.00',
      }),
    );
    const root = parseXml(xml);
    expect(attr(child(root, 'Receptor')[0]!, 'Nombre')).toBe(ODD);
    expect(attr(child(root, 'Emisor')[0]!, 'Nombre')).toBe(`${ODD} SA`);
    const concepto = child(child(root, 'Conceptos')[0]!, 'Concepto')[0]!;
    expect(attr(concepto, 'Descripcion')).toBe(ODD);
    expect(attr(concepto, 'Unidad')).toBe(`<&"'>`);
    expect(xml).toContain('&amp; &lt;Hijos&gt;');
  });

  it.each([['P&G; Servicios'], ['A&amp;B'], ['&#38; &lt; &'], ['Ñ&Ñ']])(
    'writes %j so that it reads back as itself (xmlbuilder2 alone leaves entity-like & as is)',
    (nombre) => {
      const xml = buildCfdi(draft({ receptor: { ...draft().receptor, nombre } }));
      expect(attr(child(parseXml(xml), 'Receptor')[0]!, 'Nombre')).toBe(nombre);
      expect(xml).toContain(`Nombre="${nombre.replace(/&/gu, '&amp;')}"`);
    },
  );

  it('collapses whitespace the way the cadena original reads it', () => {
    const xml = buildCfdi(
      draft({ items: [{ ...ITEMS[0]!, description: '  Agua\t\n  natural  ' }], total: '37.00' }),
    );
    const concepto = child(child(parseXml(xml), 'Conceptos')[0]!, 'Concepto')[0]!;
    expect(attr(concepto, 'Descripcion')).toBe('Agua natural');
  });

  it.each([
    ['a pipe', { description: 'Coca | Cola' }],
    ['a control character', { description: 'Coca\u0007Cola' }],
    ['an empty description', { description: '   ' }],
    ['a description over 1000 characters', { description: 'x'.repeat(1001) }],
    ['a Unidad over 20 characters', { unitName: 'u'.repeat(21) }],
    ['a malformed ClaveProdServ', { productKey: '5020230' }],
  ])('refuses %s', (_, change) => {
    const attempt = () => buildCfdi(draft({ items: [{ ...ITEMS[0]!, ...change }], total: '37.00' }));
    expect(attempt).toThrow(CfdiBuildError);
  });

  it('refuses malformed codes with the draft field in the error', () => {
    try {
      buildCfdi(draft({ receptor: { ...draft().receptor, rfc: 'COSC800113' } }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CfdiBuildError);
      expect((error as CfdiBuildError).field).toBe('receptor.rfc');
    }
  });
});

const xmllint = toolMissing('xmllint');

describe.skipIf(xmllint)("SAT's XSD (xmllint)", () => {
  if (xmllint) console.warn(`skipped: ${xmllint}`);

  it('accepts sealed invoices for a range of drafts', () => {
    const drafts = [
      draft(),
      draft({ items: [ITEMS[4]!], total: '199.00' }),
      draft({ items: [ITEMS[6]!], total: '10.00', serie: '', folio: '' }),
      draft({ items: ITEMS.slice(0, 3), total: '194.40', pricesIncludeTax: true }),
      draft({ items: [{ ...ITEMS[0]!, unitPrice: '15.95' }], total: '37.00', pricesIncludeTax: false }),
    ];
    const results = validateWithXsd(drafts.map((d) => sealCfdi(buildCfdi(d), csd)));
    expect(results.filter((r) => !r.valid).map((r) => r.errors)).toEqual([]);
  });

  it('rejects an unsealed invoice (NoCertificado must be 20 digits): the oracle is not blind', () => {
    const [result] = validateWithXsd([buildCfdi(draft())]);
    expect(result!.valid).toBe(false);
    expect(result!.errors).toMatch(/NoCertificado/);
  });
});
