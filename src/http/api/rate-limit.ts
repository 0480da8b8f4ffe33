/**
 * Per-key rate limiting (express-rate-limit, in memory): generous by default, configurable, and
 * answered as a JSON 429 like every other error, with the standard RateLimit headers.
 */
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HttpError } from '../errors.ts';
import { DEFAULT_RATE_LIMIT } from './deps.ts';

/** One limiter (one counter store) for the whole API; keyed by API key id, after authentication. */
export function createRateLimiter(
  options: { limit: number; windowMs: number } = DEFAULT_RATE_LIMIT,
): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => `key:${req.principal?.keyId ?? 'none'}`,
    validate: { ip: false, trustProxy: false, xForwardedForHeader: false, forwardedHeader: false },
    handler: (_req, _res, next, opts) => {
      next(
        new HttpError(
          429,
          'rate_limited',
          `Too many requests for this key: at most ${opts.limit} per ${opts.windowMs / 1000} s`,
        ),
      );
    },
  });
}
