/**
 * `/chat/files/<token>`: the PDF or XML behind a web chat file link, as an attachment named
 * `<RFC emisor>_<serie>-<folio>.pdf|xml`. A link that no longer works answers 404/410 with a
 * Spanish message: a small page for a browser that opened it, JSON for scripts. HEAD requests
 * answer the same status without counting a download.
 */
import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { Sql } from '../../src/db/database.ts';
import { fileBaseName, loadInvoiceRecord } from '../../src/invoices/files.ts';
import { webCopy } from './copy.ts';
import { checkLink, type LinkRefusal, takeDownload } from './files.ts';

export interface DownloadsOptions {
  sql: Sql;
  renderPdf(xml: string, invoiceId: string): Promise<Buffer>;
  limiters: RequestHandler[];
}

export function createDownloadsRouter(options: DownloadsOptions): Router {
  const { sql } = options;
  const router = Router();
  router.use(...options.limiters);
  router.head('/:token', async (req, res, next) => {
    try {
      const refused = await checkLink(sql, req.params.token);
      res.status(refused ? statusOf(refused) : 200).end();
    } catch (err) {
      next(err);
    }
  });
  router.get('/:token', async (req, res, next) => {
    try {
      const taken = await takeDownload(sql, req.params.token);
      if (!taken.ok) return refuse(req, res, taken.reason);
      const record = await loadInvoiceRecord(sql, { id: taken.invoiceId });
      const base = record ? fileBaseName(record.companyRfc, record.serie, record.folio) : 'factura';
      res.set('cache-control', 'private, no-store');
      if (taken.kind === 'xml') {
        res.type('application/xml').attachment(`${base}.xml`).send(taken.xml);
      } else {
        const pdf = await options.renderPdf(taken.xml, taken.invoiceId);
        res.type('application/pdf').attachment(`${base}.pdf`).send(pdf);
      }
    } catch (err) {
      next(err);
    }
  });
  return router;
}

function statusOf(reason: LinkRefusal): number {
  return reason === 'unknown' ? 404 : 410;
}

function refuse(req: Request, res: Response, reason: LinkRefusal): void {
  const message = webCopy.link[reason];
  res.status(statusOf(reason)).set('cache-control', 'no-store');
  res.format({
    json: () => res.json({ error: { code: reason, message } }),
    html: () => res.send(refusalPage(message)),
    default: () => res.json({ error: { code: reason, message } }),
  });
  req.log?.debug({ reason }, 'file link refused');
}

/** A minimal page in the chat's style; the text is ours, escaped anyway. */
function refusalPage(message: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/gu, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(webCopy.link.title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/chat/assets/app.css"></head>
<body class="notice"><main><h1>${esc(webCopy.link.title)}</h1><p>${esc(message)}</p>
<p><a href="/">${esc(webCopy.link.back)}</a></p></main></body></html>
`;
}
