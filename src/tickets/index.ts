/**
 * Tickets: what other parts (demo, conversation, admin API) use.
 */
export { computeDeadline, INVOICING_WINDOWS, type InvoicingWindow } from './deadline.ts';
export { type TicketInput, ticketInputSchema } from './input.ts';
export { ticketLinks, ticketWebUrl, whatsappRequestText } from './links.ts';
export { type FieldProblem, zodProblems } from './problems.ts';
export { renderTicketQr, type TicketQr } from './qr.ts';
export { findTicketByCode, findTicketByExternalId, listTickets } from './queries.ts';
export { checkTicket, isBorderRegion } from './rules.ts';
export { type CancelTicketResult, type CreateTicketResult, cancelTicket, createTicket } from './service.ts';
export { formatInTimeZone } from './time.ts';
export { computeTicketTotal } from './totals.ts';
export type { NewTicket, Ticket, TicketLinks, TicketStatus } from './types.ts';
export { type TicketView, toTicketView } from './view.ts';
