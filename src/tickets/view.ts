/**
 * The public JSON of a ticket (what the API answers and the demo prints): code as XXXX-XXXX-XXXX,
 * times as ISO 8601 with the company's UTC offset, decimals as strings.
 */
import { z } from 'zod';
import { TAX_KINDS } from './input.ts';
import { formatInTimeZone } from './time.ts';
import { TICKET_STATUSES, type Ticket, type TicketLinks } from './types.ts';

const isoWithOffset = z.string().describe('ISO 8601 with the company time zone offset');

export const ticketItemViewSchema = z.object({
  description: z.string(),
  quantity: z.string(),
  unit_price: z.string(),
  product_key: z.string(),
  unit_key: z.string(),
  unit_name: z.string().nullable(),
  tax: z.enum(TAX_KINDS),
  ieps_rate: z.string().nullable(),
  discount: z.string(),
});

export const ticketLinksSchema = z.object({
  web: z.string().describe('PUBLIC_URL/t/<code>: also what the QR holds'),
  whatsapp: z.string().nullable().describe('wa.me link with the request prefilled; null when not configured'),
  telegram: z.string().nullable().describe('t.me deep link ?start=<code>; null when not configured'),
});

export const ticketViewSchema = z.object({
  code: z.string().describe('XXXX-XXXX-XXXX'),
  external_id: z.string(),
  status: z.enum(TICKET_STATUSES),
  sold_at: isoWithOffset,
  deadline: isoWithOffset.describe('Last moment to invoice: 23:59:59 local time'),
  payment_form: z.string(),
  prices_include_tax: z.boolean(),
  total: z.string(),
  items: z.array(ticketItemViewSchema),
  invoice: z.object({ uuid: z.string().nullable(), status: z.string() }).nullable(),
  cancelled_at: isoWithOffset.nullable(),
  cancel_reason: z.string().nullable(),
  created_at: isoWithOffset,
  urls: ticketLinksSchema,
});

export type TicketView = z.output<typeof ticketViewSchema>;

/** The ticket as the public JSON, with times in `timeZone` (the company's). */
export function toTicketView(ticket: Ticket, timeZone: string, links: TicketLinks): TicketView {
  const at = (d: Date) => formatInTimeZone(d, timeZone);
  return {
    code: ticket.code.toString(),
    external_id: ticket.externalId,
    status: ticket.status,
    sold_at: at(ticket.soldAt),
    deadline: at(ticket.deadline),
    payment_form: ticket.paymentForm,
    prices_include_tax: ticket.pricesIncludeTax,
    total: ticket.total,
    items: ticket.items.map((i) => ({
      description: i.description,
      quantity: i.quantity,
      unit_price: i.unitPrice,
      product_key: i.productKey,
      unit_key: i.unitKey,
      unit_name: i.unitName ?? null,
      tax: i.tax,
      ieps_rate: i.iepsRate,
      discount: i.discount,
    })),
    invoice: ticket.invoice
      ? { uuid: ticket.invoice.uuid?.toUpperCase() ?? null, status: ticket.invoice.status }
      : null,
    cancelled_at: ticket.cancelledAt ? at(ticket.cancelledAt) : null,
    cancel_reason: ticket.cancelReason,
    created_at: at(ticket.createdAt),
    urls: links,
  };
}
