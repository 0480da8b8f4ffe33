/**
 * The composition root: config -> database -> secrets -> demo -> services -> HTTP -> channels.
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting, finish in-flight work, close the database.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { openDatabase } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { createDemo, demoBanner, readDemo } from './demo.ts';
import { createHttpApp } from './http/app.ts';
import { createLogger } from './log.ts';
import { resolveMasterKey } from './master-key.ts';
import { isRefused, TicketScanner } from './scan/index.ts';
import { SecretBox } from './secrets.ts';
import { wireServices } from './wiring.ts';

/** Runs the server until a signal stops it; resolves -1 (the process exits from the signal handler). */
export async function serve(config: Config): Promise<number> {
  const log = createLogger({ level: config.logLevel });
  mkdirSync(config.dataDir, { recursive: true });
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const applied = await migrate(db.sql);
  if (applied.length) log.info({ applied }, 'migrations applied');

  const [counts] = await db.sql`
    select count(*) filter (where not is_demo)::int as real, count(*) filter (where is_demo)::int as demos from companies`;
  const real = Number(counts?.real ?? 0);
  const demos = Number(counts?.demos ?? 0);
  const demoMode = config.demo === 'on' || (config.demo === 'auto' && real === 0);
  const master = resolveMasterKey(config.masterKey, config.dataDir, demoMode);
  if (master.generatedAt) log.warn(`MASTER_KEY not set: demo mode generated one into ${master.generatedAt}`);
  else if (!config.masterKey) log.warn(`MASTER_KEY not set: demo mode uses ${master.file}`);

  const ctx: AppContext = { config, db, sql: db.sql, log, secrets: new SecretBox(master.key) };
  const scanner = new TicketScanner({
    ocrWorkers: config.ocrWorkers,
    queueDepth: config.scan.queueDepth,
    timeBudgetMs: config.scan.timeLimitMs,
  });
  const services = await wireServices(ctx, {
    scanImage: async (bytes) => {
      const result = await scanner.scan(bytes);
      if (isRefused(result)) return { code: null, date: null, total: null, via: 'none' };
      return { code: result.code, date: result.date, total: result.total, via: result.via };
    },
  });
  const app = createHttpApp(ctx, services.mounts);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ port, database: db.embedded ? 'embedded' : 'server' }, 'autofactura listening');

  if (demoMode) {
    const info = demos === 0 ? await createDemo(ctx) : readDemo(config.dataDir);
    if (info) process.stdout.write(demoBanner(info, config.dataDir));
  }
  await services.start();
  for (const line of services.notes) log.info(line);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 5_000).unref();
    await closed;
    await services.stop();
    await scanner.close();
    await db.close();
    log.info('bye');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return -1;
}
