/**
 * Rate limits of the web chat, per minute: one budget per session and a larger one per IP address
 * (customers on a shop's Wi-Fi or behind a carrier's NAT share one address; a script that drops
 * its cookie still meets the IP budget). Counted in memory, per process.
 */
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { webCopy } from './copy.ts';
import { sessionOf } from './session.ts';

/** How many sessions' worth of requests one IP address may make. */
export const IP_BUDGET_SESSIONS = 5;

/** The two limiters, IP first; answered 429 with a Spanish message when exceeded. */
export function chatLimiters(perSessionPerMinute: number, perIpPerMinute?: number): RequestHandler[] {
  const common = {
    windowMs: 60_000,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({ error: { code: 'rate_limited', message: webCopy.rateLimited } });
    },
  } satisfies Parameters<typeof rateLimit>[0];
  const perIp = rateLimit({
    ...common,
    limit: perIpPerMinute ?? perSessionPerMinute * IP_BUDGET_SESSIONS,
    keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? '')}`,
  });
  const perSession = rateLimit({
    ...common,
    limit: perSessionPerMinute,
    skip: (req, res) => sessionOf(req, res) === null,
    keyGenerator: (req, res) => `session:${sessionOf(req, res)}`,
  });
  return [perIp, perSession];
}
