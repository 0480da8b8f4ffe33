import { describe, expect, it } from 'vitest';
import type { TicketItem } from '../../src/invoicing/types.ts';
import { checkTicket, isBorderRegion } from '../../src/tickets/rules.ts';
import { computeTicketTotal } from '../../src/tickets/totals.ts';
import type { NewTicket } from '../../src/tickets/types.ts';

const item = (over: Partial<TicketItem> = {}): TicketItem => ({
  description: 'Café americano',
  quantity: '2',
  unitPrice: '45.00',
  productKey: '90101501',
  unitKey: 'H87',
  tax: 'IVA16',
  iepsRate: null,
  discount: '0',
  ...over,
});

const NOW = new Date('2026-11-25T12:00:00-06:00');
const ticket = (over: Partial<NewTicket> = {}): NewTicket => ({
  externalId: 'POS1-000123',
  soldAt: new Date('2026-11-24T13:45:00-06:00'),
  paymentForm: '01',
  pricesIncludeTax: true,
  items: [item()],
  total: '90.00',
  ...over,
});

describe('computeTicketTotal', () => {
  // [items, prices include tax, expected]
  const cases: Array<[string, TicketItem[], boolean, string]> = [
    ['prices with tax: Σ quantity × price', [item()], true, '90.00'],
    ['IVA 16% added', [item()], false, '104.40'],
    ['IVA 8% added', [item({ tax: 'IVA8', quantity: '1', unitPrice: '100' })], false, '108.00'],
    [
      'IVA 0%, exento and no objeto add nothing',
      [
        item({ tax: 'IVA0', quantity: '1', unitPrice: '10' }),
        item({ tax: 'IVA_EXENTO', quantity: '1', unitPrice: '10' }),
        item({ tax: 'NO_OBJETO', quantity: '1', unitPrice: '10' }),
      ],
      false,
      '30.00',
    ],
    [
      'IEPS 26.5% then IVA on base + IEPS',
      [item({ quantity: '1', unitPrice: '100', iepsRate: '0.265' })],
      false,
      '146.74',
    ],
    ['discount before tax', [item({ quantity: '3', unitPrice: '10', discount: '5' })], false, '29.00'],
    [
      'discount with prices including tax',
      [item({ quantity: '3', unitPrice: '10', discount: '5' })],
      true,
      '25.00',
    ],
    ['rounded half up once, at the end', [item({ quantity: '3', unitPrice: '0.333' })], false, '1.16'],
    [
      'half-cent lines are summed before rounding',
      [item({ quantity: '1', unitPrice: '0.005' }), item({ quantity: '1', unitPrice: '0.005' })],
      true,
      '0.01',
    ],
    [
      'fractional quantities (kg)',
      [item({ quantity: '0.750', unitPrice: '189.90', unitKey: 'KGM' })],
      true,
      '142.43',
    ],
  ];
  it.each(cases)('%s', (_name, items, include, expected) => {
    expect(computeTicketTotal(items, include)).toBe(expected);
  });
});

describe('checkTicket', () => {
  const fields = (t: NewTicket, cp = '06600') => checkTicket(t, cp, NOW).map((p) => p.field);

  it('accepts the issue’s example ticket', () => {
    expect(checkTicket(ticket(), '06600', NOW)).toEqual([]);
  });

  it('rejects codes missing from SAT catalogs, naming each field', () => {
    const t = ticket({
      paymentForm: '77',
      items: [item({ productKey: '99999999' }), item({ unitKey: 'ZZZ' })],
      total: '180.00',
    });
    expect(fields(t)).toEqual(['payment_form', 'items[0].product_key', 'items[1].unit_key']);
  });

  it('allows IVA 8% only in the border region', () => {
    expect(isBorderRegion('22000')).toBe(true);
    expect(isBorderRegion('30700')).toBe(true);
    expect(isBorderRegion('06600')).toBe(false);
    const t = ticket({ items: [item({ tax: 'IVA8' })] });
    expect(fields(t, '06600')).toEqual(['items[0].tax']);
    expect(fields(t, '22000')).toEqual([]);
  });

  it('accepts IEPS tasas from c_TasaOCuota only, and never on a line that is not objeto de impuesto', () => {
    expect(fields(ticket({ items: [item({ iepsRate: '0.265' })] }))).toEqual([]);
    expect(fields(ticket({ items: [item({ iepsRate: '0.12' })] }))).toEqual(['items[0].ieps_rate']);
    expect(fields(ticket({ items: [item({ iepsRate: '0.08', tax: 'NO_OBJETO' })] }))).toEqual([
      'items[0].ieps_rate',
    ]);
  });

  it('checks quantities, discounts and decimals', () => {
    expect(fields(ticket({ items: [item({ quantity: '0' })] }))).toEqual(['items[0].quantity']);
    expect(fields(ticket({ items: [item({ discount: '90.01' })] }))).toEqual(['items[0].discount']);
    expect(fields(ticket({ items: [item({ unitPrice: '4.5e1' })] }))).toEqual(['items[0].unit_price']);
  });

  it('recomputes the total and names the expected one', () => {
    const problems = checkTicket(ticket({ total: '91.00' }), '06600', NOW);
    expect(problems).toEqual([{ field: 'total', message: 'does not match the items: expected 90.00' }]);
    expect(fields(ticket({ items: [item({ unitPrice: '0' })], total: '0.00' }))).toEqual(['total']);
  });

  it('rejects sales in the future beyond a small clock skew', () => {
    expect(fields(ticket({ soldAt: new Date(NOW.getTime() + 10 * 60_000) }))).toEqual([]);
    expect(fields(ticket({ soldAt: new Date(NOW.getTime() + 60 * 60_000) }))).toEqual(['sold_at']);
  });
});
