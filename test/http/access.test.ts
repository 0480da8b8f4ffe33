/**
 * Access rules of the whole API, proven by walking the router itself: every route needs a key,
 * pos keys reach only the ticket routes, keys never see another company's data, and each key has
 * its own rate limit.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/http/api/contract/index.ts';
import { createApiRouter } from '../../src/http/api/index.ts';
import { TicketCode } from '../../src/sat/code.ts';
import { DB_MODE } from '../helpers/db.ts';
import { buildApp, type Harness, listen, startHarness, ticketBody, unusedDeps } from './harness.ts';

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every (method, path) the API router answers, read from express 5's router stack. */
function walkRoutes(h: Harness): Array<{ method: string; path: string }> {
  const router = createApiRouter(h.ctx, unusedDeps) as unknown as { stack: RouteLayer[] };
  return router.stack
    .filter((layer) => layer.route)
    .flatMap((layer) =>
      Object.keys(layer.route!.methods).map((method) => ({ method, path: layer.route!.path })),
    );
}

const PUBLIC = new Set(['get /openapi.json']);
const POS_ALLOWED = (path: string) => path === '/tickets' || path.startsWith('/tickets/');

function concrete(path: string): string {
  return path
    .replace(':code', TicketCode.generate().toString())
    .replace(':uuid', randomUUID())
    .replace(':id', '999999')
    .replace(':rfc', 'XAXX010101000');
}

const withBody = (method: string) => (method === 'get' || method === 'delete' ? {} : { json: {} });

describe(`API access (${DB_MODE})`, () => {
  let h: Harness;
  let adminA: string;
  let posA: string;
  let adminB: string;
  beforeAll(async () => {
    h = await startHarness();
    const a = await h.company();
    const b = await h.company({
      rfc: 'CACX7605101P8',
      name: 'XOCHILT CASAS CHAVEZ',
      regimenFiscal: '612',
      lugarExpedicion: '22000',
    });
    adminA = await h.key(a.id, 'admin');
    posA = await h.key(a.id, 'pos');
    adminB = await h.key(b.id, 'admin');
  });
  afterAll(() => h.close());

  it('the router holds exactly the documented endpoints', () => {
    const routes = walkRoutes(h).map((r) => `${r.method} ${r.path}`);
    expect(routes.length).toBeGreaterThanOrEqual(19);
    expect(new Set(routes)).toEqual(new Set([...PUBLIC, ...ENDPOINTS.map((e) => `${e.method} ${e.path}`)]));
  });

  it('every route except the OpenAPI document answers 401 without a key, or with an unknown one', async () => {
    const routes = walkRoutes(h).filter((r) => !PUBLIC.has(`${r.method} ${r.path}`));
    for (const { method, path } of routes) {
      for (const key of [undefined, 'af_admin_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'not-even-a-key']) {
        const res = await h.call(method.toUpperCase(), `/api/v1${concrete(path)}`, {
          key,
          ...withBody(method),
        });
        expect(res.status, `${method} ${path} key=${key}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/u);
        expect((await res.json()).error.code).toBe('unauthorized');
      }
    }
    const open = await h.call('GET', '/api/v1/openapi.json');
    expect(open.status).toBe(200);
  });

  it('a pos key gets 403 on every route but the ticket routes', async () => {
    const routes = walkRoutes(h).filter((r) => !PUBLIC.has(`${r.method} ${r.path}`));
    let forbidden = 0;
    for (const { method, path } of routes) {
      const res = await h.call(method.toUpperCase(), `/api/v1${concrete(path)}`, {
        key: posA,
        ...withBody(method),
      });
      if (POS_ALLOWED(path)) {
        expect([401, 403], `${method} ${path}`).not.toContain(res.status);
      } else {
        expect(res.status, `${method} ${path}`).toBe(403);
        expect((await res.json()).error.code).toBe('forbidden');
        forbidden++;
      }
    }
    expect(forbidden).toBeGreaterThanOrEqual(13);
  });

  it('a revoked key is refused', async () => {
    const created = await h.call('POST', '/api/v1/keys', {
      key: adminA,
      json: { role: 'pos', label: 'caja 9' },
    });
    const { id, key } = await created.json();
    expect((await h.call('GET', '/api/v1/tickets', { key })).status).toBe(200);
    expect((await h.call('DELETE', `/api/v1/keys/${id}`, { key: adminA })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/tickets', { key })).status).toBe(401);
  });

  it('a key never sees another company’s tickets, invoices, customers or keys', async () => {
    const created = await (await h.call('POST', '/api/v1/tickets', { key: posA, json: ticketBody() })).json();
    const [ticket] = await h.db
      .sql`select id, company_id from tickets where code = ${created.code.replace(/-/gu, '')}`;
    const uuid = randomUUID();
    await h.db
      .sql`insert into invoices (company_id, ticket_id, serie, folio, uuid, status, channel, receptor, total, xml)
                   values (${ticket!.company_id}, ${ticket!.id}, 'AF', 1, ${uuid}, 'vigente', 'web',
                           ${h.db.sql.json({ rfc: 'PEAM800101AB1', nombre: 'MARIA' })}, 90, '<cfdi/>')`;
    await h.db.sql`insert into customers (company_id, rfc, nombre, codigo_postal, regimen_fiscal, uso_cfdi)
                   values (${ticket!.company_id}, 'PEAM800101AB1', 'MARIA', '06600', '612', 'G03')`;
    const keysOfA = await (await h.call('GET', '/api/v1/keys', { key: adminA })).json();

    // Company A sees its own data...
    expect((await h.call('GET', `/api/v1/tickets/${created.code}`, { key: adminA })).status).toBe(200);
    expect((await h.call('GET', `/api/v1/invoices/${uuid}`, { key: adminA })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/customers/PEAM800101AB1', { key: adminA })).status).toBe(200);
    // ...company B does not, by any route.
    const hidden: Array<[string, string, unknown?]> = [
      ['GET', `/api/v1/tickets/${created.code}`],
      ['POST', `/api/v1/tickets/${created.code}/cancel`, { reason: 'ajeno' }],
      ['GET', `/api/v1/invoices/${uuid}`],
      ['GET', `/api/v1/invoices/${uuid}/xml`],
      ['GET', `/api/v1/invoices/${uuid}/pdf`],
      ['POST', `/api/v1/invoices/${uuid}/cancel`, { motivo: '02' }],
      ['GET', '/api/v1/customers/PEAM800101AB1'],
      ['DELETE', `/api/v1/keys/${keysOfA.keys[0].id}`],
    ];
    for (const [method, path, json] of hidden) {
      const res = await h.call(method, path, { key: adminB, ...(json ? { json } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const lists = await Promise.all(
      ['/api/v1/tickets', '/api/v1/invoices', '/api/v1/customers', '/api/v1/keys'].map(async (p) =>
        (await h.call('GET', p, { key: adminB })).json(),
      ),
    );
    expect(lists[0].tickets).toEqual([]);
    expect(lists[1].invoices).toEqual([]);
    expect(lists[2].customers).toEqual([]);
    expect(lists[3].keys.map((k: { prefix: string }) => k.prefix)).toEqual([adminB.slice(0, 12)]);
    // The same external_id is free in the other company.
    const again = await h.call('POST', '/api/v1/tickets', {
      key: adminB,
      json: { ...ticketBody(), external_id: created.external_id },
    });
    expect(again.status).toBe(201);
    const settingsB = await (await h.call('GET', '/api/v1/settings', { key: adminB })).json();
    expect(settingsB.issuer.rfc).toBe('CACX7605101P8');
  });

  it('limits requests per key and answers 429 as JSON', async () => {
    const server = await listen(buildApp(h.ctx, unusedDeps, { rateLimit: { limit: 3, windowMs: 60_000 } }));
    try {
      const get = (key: string) =>
        fetch(`${server.url}/api/v1/tickets?limit=1`, { headers: { authorization: `Bearer ${key}` } });
      for (let i = 0; i < 3; i++) expect((await get(posA)).status).toBe(200);
      const limited = await get(posA);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('ratelimit-policy')).toMatch(/^3;w=60/u);
      expect((await limited.json()).error.code).toBe('rate_limited');
      expect((await get(adminA)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
