/**
 * CFDI amounts from ticket lines: SAT's rounding limits, tax bases (IEPS inside the IVA base),
 * the comprobante-level summary, and the Total equal to the ticket total to the cent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CfdiBuildError, computeAmounts } from '../../src/invoicing/amounts.ts';
import { Dec, decimalsOf } from '../../src/invoicing/money.ts';
import { conceptoImporteLimits, solveForGross, taxImporteLimits } from '../../src/invoicing/taxes.ts';
import type { InvoiceDraft, TicketItem } from '../../src/invoicing/types.ts';
import { attr, parseXml, type XmlElement } from '../../src/invoicing/xml.ts';
import { SAT_FIXTURES } from '../helpers/sat-tools.ts';

function item(overrides: Partial<TicketItem>): TicketItem {
  return {
    description: 'Artículo',
    quantity: '1',
    unitPrice: '116.00',
    productKey: '01010101',
    unitKey: 'H87',
    tax: 'IVA16',
    iepsRate: null,
    discount: '0',
    ...overrides,
  };
}

function draft(items: TicketItem[], total: string, pricesIncludeTax = true): InvoiceDraft {
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
    folio: '1',
    fecha: '2025-03-01T12:00:00',
    formaPago: '01',
    pricesIncludeTax,
    items,
    total,
  };
}

describe('SAT limits', () => {
  // Every concepto of SAT-accepted examples lies within the limits (real data, not our numbers).
  const elements = (root: XmlElement, local: string): XmlElement[] =>
    root.children.flatMap((c) =>
      c.kind === 'element' ? [...(c.local === local ? [c] : []), ...elements(c, local)] : [],
    );
  const examples = readdirSync(join(SAT_FIXTURES, 'examples'))
    .filter((name) => name.endsWith('.xml') && !name.includes('pago'))
    .map((name) => parseXml(readFileSync(join(SAT_FIXTURES, 'examples', name), 'utf8')));

  it('accept the amounts of the SAT examples', () => {
    const outside: string[] = [];
    for (const root of examples) {
      for (const c of elements(root, 'Concepto')) {
        const importe = attr(c, 'Importe')!;
        const { lower, upper } = conceptoImporteLimits(attr(c, 'Cantidad')!, attr(c, 'ValorUnitario')!, 2);
        if (new Dec(importe).lt(lower) || new Dec(importe).gt(upper)) outside.push(`Importe ${importe}`);
        for (const t of elements(c, 'Traslado')) {
          const value = new Dec(attr(t, 'Importe')!);
          const limits = taxImporteLimits(
            attr(t, 'Base')!,
            attr(t, 'TasaOCuota')!,
            decimalsOf(attr(t, 'Importe')!),
          );
          if (value.lt(limits.lower) || value.gt(limits.upper)) outside.push(`Traslado ${value}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  it('bound a tax Importe by the rounding of its Base', () => {
    // Base 0.33 may be anything in [0.325, 0.335): 0.16 x that is 0.052..0.0536.
    expect(taxImporteLimits('0.33', '0.160000', 2)).toEqual({
      lower: new Dec('0.05'),
      upper: new Dec('0.06'),
    });
    // Six decimals in Base leave almost no room.
    expect(taxImporteLimits('8.620690', '0.160000', 6)).toEqual({
      lower: new Dec('1.379310'),
      upper: new Dec('1.379311'),
    });
  });

  it('bound a concepto Importe by the rounding of Cantidad and ValorUnitario', () => {
    // 0.865 kg at 23.00: [0.8645 x 22.995, 0.8655 x 23.005] = [19.879..., 19.910...]
    expect(conceptoImporteLimits('0.865', '23.00', 2)).toEqual({
      lower: new Dec('19.87'),
      upper: new Dec('19.92'),
    });
  });
});

describe('computeAmounts with prices that include tax', () => {
  it('splits a simple IVA 16 % ticket', () => {
    const amounts = computeAmounts(draft([item({})], '116.00'));
    expect(amounts.conceptos[0]).toEqual({
      cantidad: '1',
      valorUnitario: '100.00',
      importe: '100.00',
      descuento: null,
      objetoImp: '02',
      traslados: [
        { base: '100.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '16.00' },
      ],
    });
    expect(amounts).toMatchObject({
      subTotal: '100.00',
      descuento: null,
      totalImpuestosTrasladados: '16.00',
      total: '116.00',
    });
  });

  it('hits a total that natural rounding misses (10.00 at 16 %: 8.62 + 1.38)', () => {
    // 10 / 1.16 = 8.6207 -> 8.62; 8.62 x 0.16 = 1.3792 -> 1.38; 8.62 + 1.38 = 10.00.
    const amounts = computeAmounts(draft([item({ unitPrice: '10.00', quantity: '3' })], '30.00'));
    expect(amounts.conceptos[0]!.traslados[0]).toMatchObject({ base: '25.86', importe: '4.14' });
    expect(amounts.total).toBe('30.00');
  });

  it('puts IEPS inside the IVA base (beer: IEPS 26.5 % then IVA 16 %)', () => {
    const amounts = computeAmounts(
      draft([item({ quantity: '6', unitPrice: '22.90', iepsRate: '0.265000' })], '137.40'),
    );
    const [iva, ieps] = amounts.conceptos[0]!.traslados;
    expect(ieps).toMatchObject({ impuesto: '003', tipoFactor: 'Tasa', tasaOCuota: '0.265000' });
    expect(iva).toMatchObject({ impuesto: '002', tasaOCuota: '0.160000' });
    expect(new Dec(iva!.base).eq(new Dec(ieps!.base).plus(ieps!.importe!))).toBe(true);
    expect(new Dec(ieps!.base).plus(ieps!.importe!).plus(iva!.importe!).toFixed(2)).toBe('137.40');
    expect(amounts.conceptos[0]!.importe).toBe(ieps!.base);
  });

  it('handles IEPS with IVA 0 % (snacks) and nets the discount of tax', () => {
    const amounts = computeAmounts(
      draft([item({ unitPrice: '21.00', tax: 'IVA0', iepsRate: '0.080000', discount: '1.00' })], '20.00'),
    );
    const concepto = amounts.conceptos[0]!;
    // 20 / 1.08 = 18.5185 -> base 18.52, IEPS 1.48; discount 1 / 1.08 = 0.93; Importe = 18.52 + 0.93.
    expect(concepto).toMatchObject({ importe: '19.45', descuento: '0.93' });
    expect(concepto.traslados).toEqual([
      { base: '20.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.000000', importe: '0.00' },
      { base: '18.52', impuesto: '003', tipoFactor: 'Tasa', tasaOCuota: '0.080000', importe: '1.48' },
    ]);
    expect(amounts).toMatchObject({ subTotal: '19.45', descuento: '0.93', total: '20.00' });
  });

  it('writes exento traslados with Base only and omits TotalImpuestosTrasladados when all are exento', () => {
    const amounts = computeAmounts(draft([item({ tax: 'IVA_EXENTO', unitPrice: '199.00' })], '199.00'));
    expect(amounts.traslados).toEqual([
      { base: '199.00', impuesto: '002', tipoFactor: 'Exento', tasaOCuota: null, importe: null },
    ]);
    expect(amounts.totalImpuestosTrasladados).toBeNull();
  });

  it('gives NO_OBJETO lines ObjetoImp 01 and no taxes', () => {
    const amounts = computeAmounts(draft([item({ tax: 'NO_OBJETO', unitPrice: '10' })], '10.00'));
    expect(amounts.conceptos[0]).toMatchObject({ objetoImp: '01', traslados: [] });
    expect(amounts.traslados).toEqual([]);
    expect(amounts.totalImpuestosTrasladados).toBeNull();
  });

  it('groups the summary by Impuesto + TipoFactor + TasaOCuota, summing concept amounts', () => {
    const amounts = computeAmounts(
      draft(
        [
          item({ unitPrice: '10.00' }),
          item({ unitPrice: '25.50', tax: 'IVA8' }),
          item({ unitPrice: '33.33' }),
          item({ unitPrice: '5.00', tax: 'IVA_EXENTO' }),
        ],
        '73.83',
      ),
    );
    const iva16 = amounts.conceptos.filter((_, i) => i === 0 || i === 2).map((c) => c.traslados[0]!);
    expect(amounts.traslados.map((t) => `${t.impuesto} ${t.tipoFactor} ${t.tasaOCuota}`)).toEqual([
      '002 Tasa 0.080000',
      '002 Tasa 0.160000',
      '002 Exento null',
    ]);
    const summary16 = amounts.traslados[1]!;
    expect(summary16.base).toBe(new Dec(iva16[0]!.base).plus(iva16[1]!.base).toFixed(2));
    expect(summary16.importe).toBe(new Dec(iva16[0]!.importe!).plus(iva16[1]!.importe!).toFixed(2));
    expect(amounts.total).toBe('73.83');
  });

  it('rounds fractional quantities line by line to reach the printed total', () => {
    // 0.865 kg x 23.00 = 19.895 and 1.135 kg x 23.00 = 26.105: printed 19.90 + 26.11 = 46.01 or, if the
    // POS rounded the sum instead, 46.00. Both are reachable.
    const lines = [
      item({ quantity: '0.865', unitPrice: '23.00', tax: 'IVA0' }),
      item({ quantity: '1.135', unitPrice: '23.00', tax: 'IVA0' }),
    ];
    for (const total of ['46.00', '46.01']) expect(computeAmounts(draft(lines, total)).total).toBe(total);
  });

  it('rejects a ticket total its lines cannot reach', () => {
    const attempt = () => computeAmounts(draft([item({}), item({})], '233.00'));
    expect(attempt).toThrow(CfdiBuildError);
    expect(attempt).toThrow(/cannot be reached/);
  });
});

describe('computeAmounts with prices before tax', () => {
  it('keeps the unit price and adds tax on top', () => {
    const amounts = computeAmounts(draft([item({ quantity: '3', unitPrice: '10.00' })], '34.80', false));
    expect(amounts.conceptos[0]).toMatchObject({ valorUnitario: '10.00', importe: '30.00' });
    expect(amounts.total).toBe('34.80');
  });

  it('absorbs tax rounded on the whole ticket by moving one tax Importe a cent within its limits', () => {
    // Three lines of 0.33: per line 0.0528 -> 0.05 (total 1.14); on the whole ticket 0.99 x 0.16 = 0.1584 -> 0.16 (1.15).
    const lines = [1, 2, 3].map(() => item({ unitPrice: '0.33' }));
    expect(computeAmounts(draft(lines, '1.14', false)).totalImpuestosTrasladados).toBe('0.15');
    const amounts = computeAmounts(draft(lines, '1.15', false));
    expect(amounts.totalImpuestosTrasladados).toBe('0.16');
    expect(amounts.conceptos.map((c) => c.traslados[0]!.importe).sort()).toEqual(['0.05', '0.05', '0.06']);
  });

  it('rejects a total farther away than the limits allow', () => {
    expect(() => computeAmounts(draft([item({ unitPrice: '10.00' })], '11.70', false))).toThrow(
      /cannot be reached/,
    );
  });
});

describe('computeAmounts input checks', () => {
  it.each([
    ['a quantity that is not a decimal', item({ quantity: '1e3' })],
    ['a zero unit price', item({ unitPrice: '0' })],
    ['more than 6 decimals', item({ quantity: '0.1234567' })],
    ['an IEPS rate outside c_TasaOCuota', item({ iepsRate: '0.123' })],
    ['IEPS on a line that is not objeto de impuesto', item({ tax: 'NO_OBJETO', iepsRate: '0.080000' })],
    ['a discount larger than the line', item({ discount: '200' })],
    ['a taxed line discounted to nothing', item({ discount: '116.00' })],
  ])('rejects %s', (_, bad) => {
    expect(() => computeAmounts(draft([bad], '116.00'))).toThrow(CfdiBuildError);
  });

  it('finds a tax split for every gross amount of a small range, for every rate combination', () => {
    const failures: string[] = [];
    const kinds = ['IVA16', 'IVA8', 'IVA0', 'IVA_EXENTO'] as const;
    const iepsRates = [null, '0.080000', '0.265000', '0.530000', '1.600000'];
    for (let cents = 1; cents <= 3000; cents += 7) {
      const gross = new Dec(cents).dividedBy(100);
      for (const kind of kinds) {
        for (const ieps of iepsRates) {
          const split = solveForGross(gross, kind, ieps === null ? null : new Dec(ieps));
          if (!split?.gross.eq(gross)) failures.push(`${gross} ${kind} ${ieps}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
