/**
 * API keys: admins create keys for their points of sale (role pos) or other admins, list them
 * (never their secret) and revoke them.
 */
import { z } from 'zod';
import { endpoint } from '../endpoint.ts';
import {
  badRequest,
  commonErrors,
  errorSchema,
  notFound,
  requestSchema,
  responseSchema,
} from '../schemas.ts';

export const apiKeySchema = responseSchema(
  'ApiKey',
  z.object({
    id: z.string(),
    role: z.enum(['admin', 'pos']),
    label: z.string().nullable(),
    prefix: z.string().describe('First characters of the key, to recognise it'),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  }),
);

export const newApiKeySchema = requestSchema(
  'NewApiKey',
  z.strictObject({
    role: z.enum(['admin', 'pos']).describe('pos: tickets only; admin: everything'),
    label: z.string().trim().min(1).max(100).nullable().optional().describe('e.g. "Caja 1, sucursal Centro"'),
  }),
);

export const createdApiKeySchema = responseSchema(
  'CreatedApiKey',
  apiKeySchema.extend({
    key: z.string().describe('The secret key. Shown only in this answer: store it now.'),
  }),
);

export const apiKeyListSchema = responseSchema('ApiKeyList', z.object({ keys: z.array(apiKeySchema) }));

export const keyIdParams = z.object({ id: z.string().regex(/^\d{1,18}$/u, 'expected a key id') });

export const createKey = endpoint({
  id: 'createApiKey',
  method: 'post',
  path: '/keys',
  tag: 'API keys',
  summary: 'Create an API key (the secret is returned once)',
  roles: ['admin'],
  body: newApiKeySchema,
  responses: { 201: { description: 'Created', schema: createdApiKeySchema }, ...badRequest, ...commonErrors },
});

export const listKeys = endpoint({
  id: 'listApiKeys',
  method: 'get',
  path: '/keys',
  tag: 'API keys',
  summary: 'List the company’s API keys (without secrets)',
  roles: ['admin'],
  responses: { 200: { description: 'The keys, newest first', schema: apiKeyListSchema }, ...commonErrors },
});

export const revokeKey = endpoint({
  id: 'revokeApiKey',
  method: 'delete',
  path: '/keys/:id',
  tag: 'API keys',
  summary: 'Revoke an API key',
  description: 'Revoking twice is harmless. The last active admin key cannot be revoked (409).',
  roles: ['admin'],
  params: keyIdParams,
  responses: {
    200: { description: 'Revoked', schema: apiKeySchema },
    ...badRequest,
    ...notFound('Key'),
    409: { description: 'The last active admin key', schema: errorSchema },
    ...commonErrors,
  },
});
