/**
 * The express application: security headers, request ids and logging, health, then the routers
 * each part contributes, then the JSON error handler.
 */
import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import helmet from 'helmet';
import type { AppContext } from '../context.ts';
import type { Logger } from '../log.ts';
import { errorHandler } from './errors.ts';

declare global {
  namespace Express {
    interface Request {
      id: string;
      log: Logger;
    }
  }
}

export interface Mount {
  path: string;
  router: Router;
}

/** Builds the app; `mounts` are the routers of the parts (admin API, web chat, metrics...). */
export function createHttpApp(ctx: AppContext, mounts: Mount[]): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy the client's IP (rate limits per person) comes from X-Forwarded-For.
  app.set('trust proxy', ctx.config.trustProxy);
  const https = ctx.config.publicUrl.startsWith('https:');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'img-src': ["'self'", 'data:', 'blob:'],
          'script-src': ["'self'"],
          // Served over plain HTTP (a LAN address, a test box) the browser would otherwise ask for
          // the page's scripts and styles over HTTPS, and the web chat would load blank.
          'upgrade-insecure-requests': https ? [] : null,
        },
      },
      strictTransportSecurity: https,
    }),
  );
  app.use((req, res, next) => {
    const incoming = req.header('x-request-id');
    req.id = incoming && /^[\w-]{1,64}$/u.test(incoming) ? incoming : randomUUID();
    req.log = ctx.log.child({ req_id: req.id });
    res.setHeader('x-request-id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log.debug({ method: req.method, url: req.originalUrl, status: res.statusCode, ms }, 'request');
    });
    next();
  });

  app.get('/healthz', async (_req, res) => {
    try {
      await ctx.sql`select 1`;
      res.json({ status: 'ok', database: ctx.db.embedded ? 'embedded' : 'server' });
    } catch (err) {
      ctx.log.warn({ err }, 'health check failed');
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });

  for (const mount of mounts) app.use(mount.path, mount.router);
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such route' } });
  });
  app.use(errorHandler);
  return app;
}
