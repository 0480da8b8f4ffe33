/**
 * Tickets: a sale registered by a shop's point of sale, later turned into a CFDI by its customer.
 */
import type { TicketItem } from '../invoicing/types.ts';
import type { TicketCode } from '../sat/code.ts';

export type TicketStatus = 'open' | 'invoiced' | 'cancelled';
export const TICKET_STATUSES = ['open', 'invoiced', 'cancelled'] as const;

export type { FieldProblem } from './problems.ts';

/** A sale as the point of sale reports it. Decimals are strings. */
export interface NewTicket {
  /** The POS's own id for the sale; registering it again is idempotent. */
  externalId: string;
  soldAt: Date;
  /** c_FormaPago */
  paymentForm: string;
  pricesIncludeTax: boolean;
  items: TicketItem[];
  /** The POS's total; when given it must equal the recomputed total to the cent. */
  total?: string;
}

export interface TicketInvoiceRef {
  uuid: string | null;
  status: string;
}

export interface Ticket {
  id: string;
  companyId: string;
  code: TicketCode;
  externalId: string;
  soldAt: Date;
  paymentForm: string;
  pricesIncludeTax: boolean;
  items: TicketItem[];
  /** "90.00" */
  total: string;
  status: TicketStatus;
  deadline: Date;
  cancelledAt: Date | null;
  cancelReason: string | null;
  createdAt: Date;
  /** The invoice made from this ticket, if any (any status). */
  invoice: TicketInvoiceRef | null;
}

/** Where a customer goes to invoice a ticket; a channel is null when the company has not set it up. */
export interface TicketLinks {
  web: string;
  whatsapp: string | null;
  telegram: string | null;
}
