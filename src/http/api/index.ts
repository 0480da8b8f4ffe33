/**
 * The admin and POS API, mounted by the composition root at /api/v1: one router built from the
 * endpoint contracts, each behind API-key authentication, a per-key rate limit and its role check.
 * /api/v1/openapi.json (public) describes it; /docs renders that description (docs.ts).
 */
import express, { type Router } from 'express';
import type { AppContext } from '../../context.ts';
import { ENDPOINTS } from './contract/index.ts';
import { type ApiDeps, type ApiOptions, DEFAULT_RATE_LIMIT } from './deps.ts';
import type { Implemented } from './endpoint.ts';
import { customerHandlers } from './handlers/customers.ts';
import { invoiceHandlers } from './handlers/invoices.ts';
import { keyHandlers } from './handlers/keys.ts';
import { settingsHandlers } from './handlers/settings.ts';
import { ticketHandlers } from './handlers/tickets.ts';
import { buildOpenApi } from './openapi.ts';
import { endpointChain } from './pipeline.ts';
import { createRateLimiter } from './rate-limit.ts';

export type { ApiDeps, ApiOptions } from './deps.ts';
export { createDocsRouter, docsRouter } from './docs.ts';

/** Binds every contract to its handler; throws when one is missing or bound twice. */
function bindAll(ctx: AppContext, deps: ApiDeps): Implemented[] {
  const bound = [
    ...ticketHandlers(ctx),
    ...invoiceHandlers(ctx, deps),
    ...customerHandlers(ctx),
    ...settingsHandlers(ctx),
    ...keyHandlers(ctx),
  ];
  const byEndpoint = new Map(bound.map((b) => [b.endpoint, b]));
  if (byEndpoint.size !== bound.length) throw new Error('An API endpoint has two handlers');
  return ENDPOINTS.map((e) => {
    const impl = byEndpoint.get(e);
    if (!impl) throw new Error(`API endpoint ${e.method.toUpperCase()} ${e.path} has no handler`);
    return impl;
  });
}

/** The /api/v1 router. */
export function createApiRouter(ctx: AppContext, deps: ApiDeps, options: ApiOptions = {}): Router {
  const router = express.Router();
  const limiter = createRateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  router.get('/openapi.json', (_req, res) => {
    res.json(buildOpenApi());
  });
  for (const impl of bindAll(ctx, deps)) {
    router[impl.endpoint.method](impl.endpoint.path, ...endpointChain(ctx.sql, impl, limiter));
  }
  return router;
}
