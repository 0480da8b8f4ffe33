/**
 * The contract: /api/v1/openapi.json is generated from the same zod schemas the routes validate
 * with, lists every endpoint, resolves every reference; /docs renders it in a real browser under
 * the app's CSP without any external script.
 */
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENDPOINTS } from '../../src/http/api/contract/index.ts';
import { settingsPatchSchema } from '../../src/http/api/contract/settings.ts';
import { openApiPath } from '../../src/http/api/openapi.ts';
import { ticketInputSchema, ticketItemInputSchema } from '../../src/tickets/input.ts';
import { DB_MODE } from '../helpers/db.ts';
import { type Harness, startHarness } from './harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document, read freely by the assertions
type Json = Record<string, any>;

function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refs(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

const component = (schema: z.ZodType) => {
  const json = z.toJSONSchema(schema, { io: 'input' }) as Json;
  delete json.$schema;
  return json;
};

describe(`OpenAPI and docs (${DB_MODE})`, () => {
  let h: Harness;
  let doc: Json;
  beforeAll(async () => {
    h = await startHarness();
    const res = await h.call('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    doc = await res.json();
  });
  afterAll(() => h.close());

  it('describes every endpoint with its roles, parameters, body and responses', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as Json).map((method) => `${method} ${path}`),
    );
    expect(operations.sort()).toEqual(ENDPOINTS.map((e) => `${e.method} ${openApiPath(e.path)}`).sort());
    for (const e of ENDPOINTS) {
      const op = doc.paths[openApiPath(e.path)][e.method];
      expect(op.operationId).toBe(e.id);
      expect(op['x-roles']).toEqual(e.roles);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403', '429']));
      for (const param of e.path.match(/:(\w+)/gu) ?? []) {
        expect(op.parameters).toContainEqual(
          expect.objectContaining({ name: param.slice(1), in: 'path', required: true }),
        );
      }
    }
    const list = doc.paths['/tickets'].get;
    expect(list.parameters.map((p: Json) => p.name)).toEqual([
      'status',
      'from',
      'to',
      'external_id',
      'limit',
      'cursor',
    ]);
    const csd = doc.paths['/settings/csd'].put.requestBody.content['multipart/form-data'].schema;
    expect(csd.required).toEqual(['cer', 'key', 'password']);
    expect(csd.properties.cer).toEqual({ type: 'string', format: 'binary' });
  });

  it('generates the components from the validating zod schemas, and every $ref resolves', () => {
    const schemas = doc.components.schemas as Json;
    // Named sub-schemas become references; everything else is exactly the zod schema's JSON Schema.
    const ticketInput = component(ticketInputSchema);
    ticketInput.properties.items.items = { $ref: '#/components/schemas/TicketItemInput' };
    expect(schemas.TicketInput).toEqual(ticketInput);
    expect(schemas.TicketItemInput).toEqual(component(ticketItemInputSchema));
    expect(schemas.SettingsPatch).toEqual(component(settingsPatchSchema));
    expect(schemas.TicketItemInput.properties.tax.enum).toEqual([
      'IVA16',
      'IVA8',
      'IVA0',
      'IVA_EXENTO',
      'NO_OBJETO',
    ]);
    expect(schemas.TicketWithQr.properties.qr).toBeDefined();
    const unresolved = refs(doc).filter((r) => !schemas[r.replace('#/components/schemas/', '')]);
    expect(unresolved).toEqual([]);
    expect(refs(doc).length).toBeGreaterThan(40);
  });

  it('serves a self-contained docs page: same-origin script only, under the app’s CSP', async () => {
    const res = await h.call('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/gu)].map((m) => m[1]);
    expect(sources).toEqual(['/docs/docs.css', '/docs/openapi.json', '/docs/docs.js']);
    expect(html).not.toMatch(/<script>/u);
    const js = await h.call('GET', '/docs/docs.js');
    expect(js.headers.get('content-type')).toMatch(/javascript/u);
    expect(await (await h.call('GET', '/docs/openapi.json')).json()).toEqual(doc);
  });

  const browser = spawnSync('which', ['chromium']).stdout?.toString().trim();
  if (!browser) console.log('skipping the docs browser test: chromium is not installed');
  it.skipIf(!browser)('renders every route in a real browser without CSP violations', async () => {
    const b = await chromium.launch({ executablePath: browser, args: ['--no-sandbox'] });
    try {
      const page = await b.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
      });
      page.on('response', (r) => {
        if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
      });
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.goto(`${h.url}/docs`);
      await page.waitForSelector(`section.op#${ENDPOINTS[0]!.id}`);
      const ids = await page.$$eval('main h2 ~ section.op[id]', (els) => els.map((e) => e.id));
      expect(ids).toEqual(expect.arrayContaining(ENDPOINTS.map((e) => e.id)));
      const create = await page.textContent('#createTicket');
      expect(create).toContain('/tickets');
      expect(create).toContain('TicketInput');
      await page.click('#createTicket details > summary');
      expect(await page.textContent('#createTicket')).toContain('external_id');
      expect(problems).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
