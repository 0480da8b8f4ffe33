/**
 * A ticket's total, recomputed from its lines with exact decimals. With prices that include tax
 * the total is Σ(quantity × unit_price − discount); otherwise each line adds its IEPS (on the line
 * amount) and its IVA (on the line amount plus IEPS). The sum is rounded once, half up, to cents.
 */
import { Decimal } from 'decimal.js';
import type { TaxKind, TicketItem } from '../invoicing/types.ts';

export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof Dec>;

/** IVA rate per tax kind; null when the line carries no IVA (exento, no objeto). */
export const IVA_RATES: Record<TaxKind, string | null> = {
  IVA16: '0.16',
  IVA8: '0.08',
  IVA0: '0',
  IVA_EXENTO: null,
  NO_OBJETO: null,
};

/** quantity × unit_price − discount, unrounded. */
export function lineAmount(item: TicketItem): Dec {
  return new Dec(item.quantity).times(item.unitPrice).minus(item.discount || '0');
}

/** What the customer pays for one line, unrounded. */
export function lineTotal(item: TicketItem, pricesIncludeTax: boolean): Dec {
  const amount = lineAmount(item);
  if (pricesIncludeTax) return amount;
  const ieps = item.iepsRate ? amount.times(item.iepsRate) : new Dec(0);
  const ivaRate = IVA_RATES[item.tax];
  const iva = ivaRate ? amount.plus(ieps).times(ivaRate) : new Dec(0);
  return amount.plus(ieps).plus(iva);
}

/** The ticket total as a string with two decimals ("90.00"). Items must hold valid decimals. */
export function computeTicketTotal(items: TicketItem[], pricesIncludeTax: boolean): string {
  const sum = items.reduce((acc, item) => acc.plus(lineTotal(item, pricesIncludeTax)), new Dec(0));
  return sum.toFixed(2, Decimal.ROUND_HALF_UP);
}
