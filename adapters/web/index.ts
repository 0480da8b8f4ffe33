/**
 * The web chat: a responsive page at `/` (and `/t/<code>`, what the ticket's QR opens, with the code
 * already sent), its JSON API at `/chat/api` (api.ts) and the invoice file links at `/chat/files`
 * (downloads.ts). It only translates HTTP <-> neutral messages; the conversation lives in the runtime.
 * The page is plain HTML, CSS and JavaScript served from `/chat/assets`, nothing inline, so
 * helmet's Content-Security-Policy (`script-src 'self'`) applies unchanged.
 */
import { readFileSync } from 'node:fs';
import { type Request, type Response, Router } from 'express';
import type { ConversationRuntime } from '../../src/conversation/runtime.ts';
import type { Sql } from '../../src/db/database.ts';
import type { Mount } from '../../src/http/app.ts';
import type { Logger } from '../../src/log.ts';
import { createChatApiRouter } from './api.ts';
import { createDownloadsRouter } from './downloads.ts';
import { chatLimiters } from './limits.ts';

const PUBLIC = new URL('./public/', import.meta.url);

export interface WebChatOptions {
  runtime: Pick<ConversationRuntime, 'handle' | 'takePending'>;
  sql: Sql;
  log: Logger;
  renderPdf(xml: string, invoiceId: string): Promise<Buffer>;
  /** Requests per minute per session (default 60); an IP address may make five times as many. */
  rateLimitPerMinute?: number;
  /** Requests per minute per IP address (default five times `rateLimitPerMinute`). */
  ipRateLimitPerMinute?: number;
  secureCookies?: boolean;
}

/** Builds the web chat's routers; nothing runs until the HTTP server mounts them. */
export function createWebChat(options: WebChatOptions): { mounts: Mount[]; notes: string[] } {
  const page = readFileSync(new URL('index.html', PUBLIC), 'utf8');
  const assets: Record<string, { type: string; body: string }> = {
    'app.js': {
      type: 'text/javascript; charset=utf-8',
      body: readFileSync(new URL('app.js', PUBLIC), 'utf8'),
    },
    'app.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('app.css', PUBLIC), 'utf8') },
  };
  // One pair of limiters for the API and the file links: a download counts as a request.
  const limiters = chatLimiters(options.rateLimitPerMinute ?? 60, options.ipRateLimitPerMinute);

  const pages = Router();
  const sendPage = (_req: Request, res: Response) => {
    res.type('html').set('cache-control', 'no-store').send(page);
  };
  pages.get('/', sendPage);
  pages.get('/t/:code', sendPage);
  pages.get('/chat/assets/:name', (req, res) => {
    const asset = assets[req.params.name];
    if (!asset) {
      res.status(404).end();
      return;
    }
    res.type(asset.type).set('cache-control', 'public, max-age=300').send(asset.body);
  });
  options.log.debug('web chat ready');

  return {
    mounts: [
      {
        path: '/chat/api',
        router: createChatApiRouter({
          runtime: options.runtime,
          sql: options.sql,
          limiters,
          secureCookies: options.secureCookies ?? false,
        }),
      },
      {
        path: '/chat/files',
        router: createDownloadsRouter({ sql: options.sql, renderPdf: options.renderPdf, limiters }),
      },
      { path: '/', router: pages },
    ],
    notes: ['Web chat: open / (or a ticket link /t/<code>) in a browser.'],
  };
}
