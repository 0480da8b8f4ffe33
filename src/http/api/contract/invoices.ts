/**
 * Invoices (read side) and their cancellation through the PAC.
 */
import { z } from 'zod';
import { INVOICE_CHANNELS, INVOICE_STATUSES } from '../../../invoices/queries.ts';
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

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/u;
export const uuidString = z.string().regex(UUID, 'expected a UUID (folio fiscal)');

export const invoiceSchema = responseSchema(
  'Invoice',
  z.object({
    uuid: z.string().nullable().describe('Folio fiscal; null until stamped'),
    serie: z.string(),
    folio: z.string(),
    status: z.enum(INVOICE_STATUSES),
    channel: z.enum(INVOICE_CHANNELS),
    self_invoiced: z.boolean(),
    ticket_code: z.string(),
    total: z.string(),
    receptor: z.object({
      rfc: z.string().nullable(),
      nombre: z.string().nullable(),
      codigo_postal: z.string().nullable(),
      regimen_fiscal: z.string().nullable(),
      uso_cfdi: z.string().nullable(),
    }),
    issued_at: z.string(),
    stamped_at: z.string().nullable(),
    email: z.object({ to: z.string().nullable(), status: z.string().nullable() }),
    pac_error: z.object({ code: z.string().nullable(), message: z.string().nullable() }).nullable(),
    cancellation: z
      .object({
        motivo: z.string().nullable(),
        folio_sustitucion: z.string().nullable(),
        requested_at: z.string().nullable(),
        cancelled_at: z.string().nullable(),
      })
      .nullable(),
    urls: z
      .object({ xml: z.string(), pdf: z.string() })
      .nullable()
      .describe('Relative to /api/v1; null until stamped'),
  }),
);

export const invoiceListSchema = responseSchema(
  'InvoiceList',
  z.object({ invoices: z.array(invoiceSchema), next_cursor: z.string().nullable() }),
);

export const invoiceListQuery = z.strictObject({
  from: dateBound.describe('issued_at ≥ from'),
  to: dateBound.describe('issued_at < to (a date: through that day)'),
  status: z.enum(INVOICE_STATUSES).optional(),
  channel: z.enum(INVOICE_CHANNELS).optional(),
  rfc: z.string().trim().min(12).max(13).optional().describe('Receptor RFC'),
  limit: limitSchema,
  cursor: cursorSchema,
});

export const uuidParams = z.object({ uuid: uuidString });

export const cancelInvoiceSchema = requestSchema(
  'InvoiceCancel',
  z
    .strictObject({
      motivo: z.enum(['01', '02', '03', '04']).describe('c_MotivoCancelacion; 01 needs folio_sustitucion'),
      folio_sustitucion: uuidString
        .optional()
        .describe('UUID of the CFDI that replaces this one (motivo 01 only)'),
    })
    .superRefine((v, ctx) => {
      if (v.motivo === '01' && !v.folio_sustitucion) {
        ctx.addIssue({ code: 'custom', path: ['folio_sustitucion'], message: 'required with motivo 01' });
      }
      if (v.motivo !== '01' && v.folio_sustitucion) {
        ctx.addIssue({ code: 'custom', path: ['folio_sustitucion'], message: 'only allowed with motivo 01' });
      }
    }),
);

export const cancelOutcomeSchema = responseSchema(
  'InvoiceCancelOutcome',
  z.object({
    invoice: invoiceSchema,
    cancellation: z.object({
      status: z.enum(['cancelled', 'pending_acceptance']),
      message: z.string().nullable(),
    }),
  }),
);

export const listInvoicesEndpoint = endpoint({
  id: 'listInvoices',
  method: 'get',
  path: '/invoices',
  tag: 'Invoices',
  summary: 'List invoices, most recently created first',
  roles: ['admin'],
  query: invoiceListQuery,
  responses: { 200: { description: 'A page', schema: invoiceListSchema }, ...badRequest, ...commonErrors },
});

export const getInvoice = endpoint({
  id: 'getInvoice',
  method: 'get',
  path: '/invoices/:uuid',
  tag: 'Invoices',
  summary: 'One invoice',
  roles: ['admin'],
  params: uuidParams,
  responses: {
    200: { description: 'The invoice', schema: invoiceSchema },
    ...badRequest,
    ...notFound('Invoice'),
    ...commonErrors,
  },
});

export const getInvoiceXml = endpoint({
  id: 'getInvoiceXml',
  method: 'get',
  path: '/invoices/:uuid/xml',
  tag: 'Invoices',
  summary: 'The stamped CFDI XML',
  roles: ['admin'],
  params: uuidParams,
  responses: {
    200: { description: 'CFDI 4.0 with its TimbreFiscalDigital', contentType: 'application/xml' },
    ...badRequest,
    ...notFound('Invoice'),
    ...commonErrors,
  },
});

export const getInvoicePdf = endpoint({
  id: 'getInvoicePdf',
  method: 'get',
  path: '/invoices/:uuid/pdf',
  tag: 'Invoices',
  summary: 'The representación impresa (PDF)',
  roles: ['admin'],
  params: uuidParams,
  responses: {
    200: { description: 'PDF', contentType: 'application/pdf' },
    ...badRequest,
    ...notFound('Invoice'),
    ...commonErrors,
  },
});

export const cancelInvoiceEndpoint = endpoint({
  id: 'cancelInvoice',
  method: 'post',
  path: '/invoices/:uuid/cancel',
  tag: 'Invoices',
  summary: 'Ask SAT (through the PAC) to cancel an invoice',
  description:
    'Answers the new state: cancelled, or pending_acceptance while the receptor has to accept (status ' +
    'cancel_pending). 409 when the invoice cannot be cancelled or the PAC/SAT refused; 502 when the PAC failed.',
  roles: ['admin'],
  params: uuidParams,
  body: cancelInvoiceSchema,
  responses: {
    200: { description: 'Cancelled or awaiting acceptance', schema: cancelOutcomeSchema },
    ...badRequest,
    ...notFound('Invoice'),
    409: { description: 'Not cancellable now, or refused by the PAC/SAT', schema: errorSchema },
    502: { description: 'The PAC failed; try again later', schema: errorSchema },
    ...commonErrors,
  },
});
