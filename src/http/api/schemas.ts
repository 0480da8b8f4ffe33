/**
 * Named schemas: every request body and response of the API is a zod schema registered here under
 * the name it has in the OpenAPI components. Requests are documented as their input type, responses
 * as their output type.
 */
import { z } from 'zod';

export const requestSchemas = z.registry<{ id: string }>();
export const responseSchemas = z.registry<{ id: string }>();

/** Registers a request schema under `id` and returns it unchanged. */
export function requestSchema<T extends z.ZodType>(id: string, schema: T): T {
  requestSchemas.add(schema, { id });
  return schema;
}

/** Registers a response schema under `id` and returns it unchanged. */
export function responseSchema<T extends z.ZodType>(id: string, schema: T): T {
  responseSchemas.add(schema, { id });
  return schema;
}

export const errorSchema = responseSchema(
  'Error',
  z.object({
    error: z
      .object({
        code: z
          .string()
          .describe('Stable machine-readable code, e.g. invalid_request, not_found, ticket_invoiced'),
        message: z.string(),
        fields: z
          .array(
            z.object({ field: z.string().describe('Path such as items[0].unit_price'), message: z.string() }),
          )
          .optional()
          .describe('Each invalid field and why (400)'),
      })
      .catchall(z.unknown()),
  }),
);

/** The error responses every authenticated endpoint can give. */
export const commonErrors = {
  401: { description: 'Missing, unknown or revoked API key', schema: errorSchema },
  403: { description: 'The key’s role may not call this endpoint', schema: errorSchema },
  429: { description: 'Too many requests for this key', schema: errorSchema },
} as const;

export const badRequest = {
  400: { description: 'Invalid request: see error.fields', schema: errorSchema },
} as const;
export const notFound = (what: string) =>
  ({ 404: { description: `${what} not found`, schema: errorSchema } }) as const;

/** ISO 8601 date-time with offset, or a YYYY-MM-DD local date in the company’s time zone. */
export const dateBound = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'expected an ISO 8601 date-time with offset or a date YYYY-MM-DD',
  })
  .optional();
