/**
 * A real HTTP server over a fresh database for API tests: the app as the composition root builds it
 * (createHttpApp + the API router at /api/v1 + docs at /docs), listening on 127.0.0.1:0.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type Company, insertCompany, type NewCompany } from '../../src/companies/companies.ts';
import { createApiKey, type KeyRole } from '../../src/companies/keys.ts';
import { loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import { type ApiDeps, type ApiOptions, createApiRouter, docsRouter } from '../../src/http/api/index.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/log.ts';
import { SecretBox } from '../../src/secrets.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

export const PUBLIC_URL = 'https://factura.example.mx';

export interface Harness {
  url: string;
  db: TestDatabase;
  ctx: AppContext;
  /** fetch against the API with an optional bearer key; JSON bodies are serialized. */
  call(
    method: string,
    path: string,
    options?: { key?: string; json?: unknown; headers?: Record<string, string>; body?: BodyInit },
  ): Promise<Response>;
  company(input?: Partial<NewCompany>): Promise<Company>;
  key(companyId: string, role: KeyRole): Promise<string>;
  close(): Promise<void>;
}

/** Fails loudly when a test reaches the invoicing core it did not expect to. */
export const unusedDeps: ApiDeps = {
  renderPdf: async () => {
    throw new Error('renderPdf not expected in this test');
  },
  cancelInvoice: async () => {
    throw new Error('cancelInvoice not expected in this test');
  },
};

/** The app as the composition root mounts it. */
export function buildApp(ctx: AppContext, deps: ApiDeps = unusedDeps, api?: ApiOptions) {
  return createHttpApp(ctx, [
    { path: '/api/v1', router: createApiRouter(ctx, deps, api) },
    { path: '/docs', router: docsRouter },
  ]);
}

/** Listens on 127.0.0.1:0; returns the base URL and a close function. */
export async function listen(
  app: ReturnType<typeof buildApp>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function startHarness(options: { deps?: ApiDeps; api?: ApiOptions } = {}): Promise<Harness> {
  const db = await createTestDatabase();
  const config = loadConfig({ PUBLIC_URL, LOG_LEVEL: 'silent' });
  const ctx: AppContext = {
    config,
    db,
    sql: db.sql,
    log: createLogger({ level: 'silent', pretty: false }),
    secrets: new SecretBox(randomBytes(32)),
  };
  const server = await listen(buildApp(ctx, options.deps ?? unusedDeps, options.api));
  const url = server.url;
  return {
    url,
    db,
    ctx,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.key) headers.authorization = `Bearer ${opts.key}`;
      let body = opts.body;
      if (opts.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(opts.json);
      }
      return fetch(`${url}${path}`, { method, headers, body });
    },
    company: (input = {}) =>
      insertCompany(db.sql, {
        rfc: 'EKU9003173C9',
        name: 'ESCUELA KEMPER URGATE',
        regimenFiscal: '601',
        lugarExpedicion: '42501',
        ...input,
      }),
    key: async (companyId, role) => (await createApiKey(db.sql, companyId, role, `test ${role}`)).key,
    async close() {
      await server.close();
      await db.close();
    },
  };
}

/** A valid ticket body (Café americano ×2 at 45.00, IVA 16% included). */
export function ticketBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    external_id: `POS1-${randomBytes(4).toString('hex')}`,
    sold_at: '2026-11-24T13:45:00-06:00',
    payment_form: '01',
    prices_include_tax: true,
    items: [
      {
        description: 'Café americano',
        quantity: '2',
        unit_price: '45.00',
        product_key: '90101501',
        unit_key: 'H87',
        tax: 'IVA16',
        ieps_rate: null,
        discount: '0',
      },
    ],
    total: '90.00',
    ...overrides,
  };
}
