/**
 * A ticket as a point of sale sends it (the public JSON, snake_case, decimals as strings), its
 * schema, and its translation into the typed NewTicket the rules and the database use.
 */
import { z } from 'zod';
import type { TaxKind } from '../invoicing/types.ts';
import { AMOUNT_PATTERN, MAX_ITEMS, TOTAL_PATTERN } from './rules.ts';
import type { NewTicket } from './types.ts';

export const TAX_KINDS = [
  'IVA16',
  'IVA8',
  'IVA0',
  'IVA_EXENTO',
  'NO_OBJETO',
] as const satisfies readonly TaxKind[];

const amount = (description: string) =>
  z
    .string({ error: 'expected a decimal string, e.g. "45.00"' })
    .regex(AMOUNT_PATTERN, 'expected a non-negative decimal string with at most 6 decimals, e.g. "45.00"')
    .describe(description);

export const ticketItemInputSchema = z.strictObject({
  description: z.string().trim().min(1, 'required').max(1000).describe('Descripción printed on the CFDI'),
  quantity: amount('Cantidad, > 0'),
  unit_price: amount('Unit price as printed on the ticket (tax included when prices_include_tax)'),
  product_key: z
    .string()
    .regex(/^\d{8}$/u, 'expected 8 digits from c_ClaveProdServ')
    .describe('c_ClaveProdServ'),
  unit_key: z
    .string()
    .regex(/^[A-Z0-9]{1,3}$/u, 'expected a c_ClaveUnidad key, e.g. H87')
    .describe('c_ClaveUnidad'),
  unit_name: z.string().trim().min(1).max(20).optional().describe('Optional Unidad text'),
  tax: z.enum(TAX_KINDS).describe('IVA8 only when the lugar de expedición is in the border region'),
  ieps_rate: amount('IEPS tasa as a fraction, e.g. "0.265"; null when none').nullable().default(null),
  discount: amount('Discount for the whole line, same tax basis as unit_price').default('0'),
});

export const ticketInputSchema = z.strictObject({
  external_id: z
    .string()
    .trim()
    .min(1, 'required')
    .max(100)
    .describe("The POS's own id for the sale; sending it again returns the same ticket"),
  sold_at: z.iso
    .datetime({
      offset: true,
      error: 'expected an ISO 8601 date-time with offset, e.g. 2026-11-24T13:45:00-06:00',
    })
    .describe('When the sale happened, with its UTC offset'),
  payment_form: z
    .string()
    .regex(/^\d{2}$/u, 'expected a c_FormaPago key, e.g. "01"')
    .describe('c_FormaPago'),
  prices_include_tax: z.boolean().default(true),
  items: z.array(ticketItemInputSchema).min(1, 'at least one item is required').max(MAX_ITEMS),
  total: z
    .string({ error: 'expected a decimal string, e.g. "90.00"' })
    .regex(TOTAL_PATTERN, 'expected a decimal string with at most 2 decimals, e.g. "90.00"')
    .describe('Must equal the total recomputed from the items, to the cent'),
});

/** The ticket JSON as callers write it (defaults optional). */
export type TicketInput = z.input<typeof ticketInputSchema>;
export type ParsedTicketInput = z.output<typeof ticketInputSchema>;

/** Parsed public JSON -> the typed sale. */
export function toNewTicket(input: ParsedTicketInput): NewTicket {
  return {
    externalId: input.external_id,
    soldAt: new Date(input.sold_at),
    paymentForm: input.payment_form,
    pricesIncludeTax: input.prices_include_tax,
    items: input.items.map((item) => ({
      description: item.description,
      quantity: item.quantity,
      unitPrice: item.unit_price,
      productKey: item.product_key,
      unitKey: item.unit_key,
      ...(item.unit_name ? { unitName: item.unit_name } : {}),
      tax: item.tax,
      iepsRate: item.ieps_rate,
      discount: item.discount,
    })),
    total: input.total,
  };
}
