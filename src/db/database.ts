/**
 * One SQL code path for both deployments: `DATABASE_URL` set means that server; unset means an
 * embedded PGlite persisted under DATA_DIR and served to the same `postgres` client over
 * @electric-sql/pglite-socket on a loopback port (one connection).
 *
 * With the embedded database there is exactly one connection: code running inside a transaction
 * must use that transaction's `tx`, never the outer `sql`, or it waits for itself.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;
/** Either the pool or a transaction: what query helpers accept. */
export type Queryable = postgres.Sql | postgres.TransactionSql;

export interface Database {
  sql: Sql;
  embedded: boolean;
  /** A connection string for this database (the loopback socket in embedded mode). */
  url: string;
  /** Maximum connections of `sql`; 1 in embedded mode. */
  maxConnections: number;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Server URL; when absent the embedded database is used. */
  url?: string;
  /** Directory for the embedded database files; `undefined` keeps it in memory (tests). */
  dataDir?: string;
  /** Postgres schema to use (created when missing); server mode only. Tests use one per run. */
  schema?: string;
  max?: number;
}

const clientOptions = {
  onnotice: () => {},
  types: {},
  transform: { undefined: null },
} satisfies postgres.Options<Record<string, postgres.PostgresType>>;

/** Opens the database named by the options; the caller owns `close()`. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.url) return openServer(options.url, options.schema, options.max ?? 10);
  return openEmbedded(options.dataDir);
}

async function openServer(url: string, schema: string | undefined, max: number): Promise<Database> {
  if (schema) {
    const admin = postgres(url, { ...clientOptions, max: 1 });
    await admin.unsafe(`create schema if not exists "${schema.replace(/"/gu, '')}"`);
    await admin.end();
  }
  const sql = postgres(url, {
    ...clientOptions,
    max,
    connection: schema ? { search_path: schema } : {},
  });
  return { sql, embedded: false, url, maxConnections: max, close: () => sql.end({ timeout: 5 }) };
}

async function openEmbedded(dataDir: string | undefined): Promise<Database> {
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-socket'),
  ]);
  let dir: string | undefined;
  if (dataDir) {
    dir = path.join(dataDir, 'pgdata');
    mkdirSync(dir, { recursive: true });
  }
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  const conn = server.getServerConn();
  const url = `postgres://postgres@${conn}/postgres`;
  const sql = postgres(url, { ...clientOptions, max: 1, idle_timeout: 0, max_lifetime: null });
  return {
    sql,
    embedded: true,
    url,
    maxConnections: 1,
    async close() {
      await sql.end({ timeout: 5 });
      await server.stop();
      await db.close();
    },
  };
}
