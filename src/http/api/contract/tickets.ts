/**
 * Tickets, for points of sale (role pos) and admins: register one or a batch, read, list, cancel.
 */
import { z } from 'zod';
import { ticketInputSchema, ticketItemInputSchema } from '../../../tickets/input.ts';
import { TICKET_STATUSES } from '../../../tickets/types.ts';
import { ticketItemViewSchema, ticketLinksSchema, ticketViewSchema } from '../../../tickets/view.ts';
import { endpoint } from '../endpoint.ts';
import { cursorSchema, limitSchema } from '../pagination.ts';
import {
  badRequest,
  commonErrors,
  dateBound,
  errorSchema,
  notFound,
  requestSchema,
  responseSchema,
} from '../schemas.ts';

export const MAX_BATCH = 1000;

requestSchema('TicketItemInput', ticketItemInputSchema);
export const newTicketSchema = requestSchema('TicketInput', ticketInputSchema);
responseSchema('TicketItem', ticketItemViewSchema);
responseSchema('TicketUrls', ticketLinksSchema);
export const ticketSchema = responseSchema('Ticket', ticketViewSchema);

export const ticketQrSchema = responseSchema(
  'TicketQr',
  z.object({
    png_base64: z.string().nullable().describe('PNG image, base64'),
    svg: z.string().nullable().describe('SVG document'),
  }),
);
export const ticketWithQrSchema = responseSchema(
  'TicketWithQr',
  ticketViewSchema.extend({ qr: ticketQrSchema.nullable().describe('null with ?qr=none') }),
);

export const qrQuery = z.strictObject({
  qr: z.enum(['both', 'png', 'svg', 'none']).default('both').describe('QR formats to include'),
});

export const ticketCodeParams = z.object({
  code: z.string().min(1).max(40).describe('Any format: 7KQ2-M9XD-4HPA'),
});

export const batchSchema = z.strictObject({
  tickets: z
    .array(z.unknown())
    .min(1, 'at least one ticket')
    .max(MAX_BATCH, `at most ${MAX_BATCH} tickets per batch`),
});
const batchDocSchema = requestSchema(
  'TicketBatch',
  z.object({ tickets: z.array(ticketInputSchema).min(1).max(MAX_BATCH) }),
);
export const batchResultSchema = responseSchema(
  'TicketBatchResult',
  z.object({
    results: z.array(
      z.object({
        index: z.number().int(),
        status: z.number().int().describe('201 created, 200 already registered, 400 invalid, 409 conflict'),
        ticket: ticketWithQrSchema.optional(),
        error: errorSchema.shape.error.optional(),
      }),
    ),
  }),
);

export const ticketListQuery = z.strictObject({
  status: z.enum(TICKET_STATUSES).optional(),
  from: dateBound.describe('sold_at ≥ from'),
  to: dateBound.describe('sold_at < to (a date: through that day)'),
  external_id: z.string().max(100).optional(),
  limit: limitSchema,
  cursor: cursorSchema,
});
export const ticketListSchema = responseSchema(
  'TicketList',
  z.object({ tickets: z.array(ticketViewSchema), next_cursor: z.string().nullable() }),
);

export const cancelTicketSchema = requestSchema(
  'TicketCancel',
  z.strictObject({
    reason: z.string().trim().min(1, 'required').max(500).describe('Why, e.g. "devolución"'),
  }),
);

export const createTicketEndpoint = endpoint({
  id: 'createTicket',
  method: 'post',
  path: '/tickets',
  tag: 'Tickets',
  summary: 'Register a sale; returns its code, deadline, links and QR',
  description:
    'Idempotent on external_id: the same sale again answers 200 with the same ticket; a different sale ' +
    'under the same external_id answers 409. The total is recomputed and must match to the cent.',
  roles: ['admin', 'pos'],
  query: qrQuery,
  body: newTicketSchema,
  responses: {
    201: { description: 'Registered', schema: ticketWithQrSchema },
    200: { description: 'Already registered with the same data', schema: ticketWithQrSchema },
    ...badRequest,
    409: { description: 'external_id already used for a different sale', schema: errorSchema },
    413: { description: 'Body larger than 1 MB', schema: errorSchema },
    ...commonErrors,
  },
});

export const batchTickets = endpoint({
  id: 'createTicketBatch',
  method: 'post',
  path: '/tickets/batch',
  tag: 'Tickets',
  summary: `Register up to ${MAX_BATCH} sales; each is answered on its own`,
  roles: ['admin', 'pos'],
  query: qrQuery,
  body: batchSchema,
  docBody: batchDocSchema,
  bodyLimit: '5mb',
  responses: {
    200: { description: 'One result per ticket, in order', schema: batchResultSchema },
    ...badRequest,
    413: { description: 'Body larger than 5 MB', schema: errorSchema },
    ...commonErrors,
  },
});

export const listTicketsEndpoint = endpoint({
  id: 'listTickets',
  method: 'get',
  path: '/tickets',
  tag: 'Tickets',
  summary: 'List tickets, most recently registered first',
  roles: ['admin', 'pos'],
  query: ticketListQuery,
  responses: { 200: { description: 'A page', schema: ticketListSchema }, ...badRequest, ...commonErrors },
});

export const getTicket = endpoint({
  id: 'getTicket',
  method: 'get',
  path: '/tickets/:code',
  tag: 'Tickets',
  summary: 'One ticket, with its QR',
  roles: ['admin', 'pos'],
  params: ticketCodeParams,
  query: qrQuery,
  responses: {
    200: { description: 'The ticket', schema: ticketWithQrSchema },
    ...notFound('Ticket'),
    ...commonErrors,
  },
});

export const cancelTicketEndpoint = endpoint({
  id: 'cancelTicket',
  method: 'post',
  path: '/tickets/:code/cancel',
  tag: 'Tickets',
  summary: 'Cancel a ticket (e.g. a returned sale)',
  description:
    'Refused with 409 (and the invoice UUID) once the ticket has been invoiced. Cancelling twice is harmless.',
  roles: ['admin', 'pos'],
  params: ticketCodeParams,
  body: cancelTicketSchema,
  responses: {
    200: { description: 'Cancelled', schema: ticketSchema },
    ...badRequest,
    ...notFound('Ticket'),
    409: { description: 'Already invoiced: error.invoice_uuid', schema: errorSchema },
    ...commonErrors,
  },
});
