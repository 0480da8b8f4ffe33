/**
 * /docs: a readable page over the generated OpenAPI document. Public, like /healthz. The page, its
 * script and stylesheet, and a copy of the document are all served from this router.
 */
import express, { type Router } from 'express';
import { DOCS_CSS, DOCS_JS, docsHtml } from './docs-assets.ts';
import { buildOpenApi } from './openapi.ts';

/** A router to mount at /docs. */
export function createDocsRouter(): Router {
  const router = express.Router();
  router.get('/', (req, res) => {
    res.type('html').send(docsHtml(req.baseUrl));
  });
  router.get('/docs.js', (_req, res) => {
    res.type('application/javascript').send(DOCS_JS);
  });
  router.get('/docs.css', (_req, res) => {
    res.type('text/css').send(DOCS_CSS);
  });
  router.get('/openapi.json', (_req, res) => {
    res.json(buildOpenApi());
  });
  return router;
}

/** The /docs router (stateless, so one instance serves any app). */
export const docsRouter: Router = createDocsRouter();
