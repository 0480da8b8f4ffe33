/**
 * The whole product on a test database, as `npm start` wires it: services, HTTP on a loopback
 * port, the demo company (SAT test CSD, sandbox PAC) with its keys and one open ticket.
 * `ticket()` registers more tickets for that company.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findCompanyByRfc } from '../../src/companies/companies.ts';
import { loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import { createDemo, type DemoInfo } from '../../src/demo.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/log.ts';
import { SecretBox } from '../../src/secrets.ts';
import { createTicket } from '../../src/tickets/service.ts';
import { type Services, type WireOptions, wireServices } from '../../src/wiring.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export interface TestApp {
  url: string;
  ctx: AppContext;
  db: TestDatabase;
  services: Services;
  demo: DemoInfo;
  companyId: string;
  /** Registers a ticket for the demo company; returns its code (XXXX-XXXX-XXXX), date and total. */
  ticket(overrides?: Record<string, unknown>): Promise<{ code: string; date: string; total: string }>;
  close(): Promise<void>;
}

export interface TestAppOptions extends WireOptions {
  /** Start pg-boss jobs (stamping retries, e-mail, maintenance); default false. */
  jobs?: boolean;
  env?: Record<string, string>;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'af-test-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', ...options.env });
  const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', pretty: false });
  const ctx: AppContext = { config, db, sql: db.sql, log, secrets: new SecretBox(randomBytes(32)) };
  const services = await wireServices(ctx, {
    bossSchema: db.schema ? `${db.schema}_boss` : 'pgboss',
    retryDelaySeconds: 1,
    ...options,
  });
  const app = createHttpApp(ctx, services.mounts);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  ctx.config.publicUrl = url;
  const demo = await createDemo(ctx);
  const company = await findCompanyByRfc(db.sql, demo.company.rfc);
  if (options.jobs) await services.start();
  let n = 0;
  return {
    url,
    ctx,
    db,
    services,
    demo,
    companyId: company!.id,
    async ticket(overrides = {}) {
      n++;
      const soldAt = new Date(Date.now() - 60 * 60_000);
      const result = await createTicket(
        db.sql,
        company!,
        {
          external_id: `T-${n}-${randomBytes(3).toString('hex')}`,
          sold_at: soldAt.toISOString(),
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
        } as never,
        url,
      );
      if (result.kind !== 'created') throw new Error(`ticket not created: ${JSON.stringify(result)}`);
      const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Mexico_City' }).format(
        result.record.soldAt,
      );
      return { code: result.ticket.code, date, total: result.ticket.total };
    },
    async close() {
      if (options.jobs) await services.stop();
      else await services.runtime.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await db.close();
    },
  };
}

/** The messages of a whole conversation for a ticket, up to (not including) the confirmation. */
export function happyPath(
  ticket: { code: string; date: string; total: string },
  receptor = DEFAULT_RECEPTOR,
) {
  return [
    { text: ticket.code },
    { text: ticket.date },
    { text: ticket.total },
    { text: receptor.rfc },
    { text: receptor.nombre },
    { text: receptor.codigoPostal },
    { text: receptor.regimenFiscal },
    { text: receptor.usoCfdi },
    { text: receptor.email ?? 'omitir' },
  ];
}

export const DEFAULT_RECEPTOR = {
  rfc: 'COSC8001137NA',
  nombre: 'Carlos Cortés Soto',
  codigoPostal: '52000',
  regimenFiscal: '612',
  usoCfdi: 'G03',
  email: null as string | null,
};
