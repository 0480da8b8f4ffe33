/**
 * Customers (receptores) the company has invoiced, searchable by RFC or name.
 */
import { z } from 'zod';
import { endpoint } from '../endpoint.ts';
import { cursorSchema, limitSchema } from '../pagination.ts';
import { badRequest, commonErrors, notFound, responseSchema } from '../schemas.ts';

export const customerSchema = responseSchema(
  'Customer',
  z.object({
    rfc: z.string(),
    nombre: z.string(),
    codigo_postal: z.string(),
    regimen_fiscal: z.string(),
    uso_cfdi: z.string(),
    email: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  }),
);

export const customerListSchema = responseSchema(
  'CustomerList',
  z.object({ customers: z.array(customerSchema), next_cursor: z.string().nullable() }),
);

export const customerListQuery = z.strictObject({
  q: z.string().trim().max(100).optional().describe('Part of the RFC or name; case and accents ignored'),
  limit: limitSchema,
  cursor: cursorSchema,
});

export const rfcParams = z.object({ rfc: z.string().trim().min(12).max(13).describe('Receptor RFC') });

export const listCustomersEndpoint = endpoint({
  id: 'listCustomers',
  method: 'get',
  path: '/customers',
  tag: 'Customers',
  summary: 'Search customers by RFC or name, alphabetically',
  roles: ['admin'],
  query: customerListQuery,
  responses: { 200: { description: 'A page', schema: customerListSchema }, ...badRequest, ...commonErrors },
});

export const getCustomer = endpoint({
  id: 'getCustomer',
  method: 'get',
  path: '/customers/:rfc',
  tag: 'Customers',
  summary: 'One customer by RFC',
  roles: ['admin'],
  params: rfcParams,
  responses: {
    200: { description: 'The customer', schema: customerSchema },
    ...badRequest,
    ...notFound('Customer'),
    ...commonErrors,
  },
});
