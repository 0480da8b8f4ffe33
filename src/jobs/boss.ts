/**
 * pg-boss (v10) on the product's own database, also in embedded mode: its single-database
 * interface (`executeSql`) is served by our `postgres` client, so one SQL code path serves both.
 */
import PgBoss from 'pg-boss';
import type { Sql } from '../db/database.ts';
import type { Logger } from '../log.ts';

export type { PgBoss };

const schemas = new WeakMap<PgBoss, string>();

/** Creates (does not start) a pg-boss instance over `sql`, in its own schema. */
export function createBoss(
  sql: Sql,
  log: Logger,
  options: { schema?: string; pollingIntervalSeconds?: number } = {},
): PgBoss {
  const schema = options.schema ?? 'pgboss';
  const boss = new PgBoss({
    db: {
      executeSql: async (text: string, values: unknown[] = []) => {
        // pg-boss sends some statements as one "BEGIN; ...; COMMIT;" text: with a pool of more than
        // one connection, the postgres client runs those only on a connection reserved for them.
        if (!/^\s*BEGIN\b/iu.test(text)) return { rows: [...(await sql.unsafe(text, values as never[]))] };
        const connection = await sql.reserve();
        try {
          return { rows: [...(await connection.unsafe(text, values as never[]))] };
        } finally {
          connection.release();
        }
      },
    },
    schema,
    supervise: true,
    schedule: true,
    migrate: true,
    monitorStateIntervalSeconds: 30,
    // Also how soon a job left active by a killed process is failed and retried (after its expiry).
    maintenanceIntervalSeconds: 30,
  });
  schemas.set(boss, schema);
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  return boss;
}

/** The schema of a pg-boss instance made by `createBoss` (for reading its job table). */
export function bossSchema(boss: PgBoss): string {
  return schemas.get(boss) ?? 'pgboss';
}

/**
 * Whether a job of `queue` for this invoice waits to run (created, or failed and due for a retry).
 * Jobs of the standard policy are not deduplicated by pg-boss, and a job left `active` by a killed
 * process must not hold back a new one, so callers check this before sending.
 */
export async function hasWaitingJob(
  sql: Sql,
  boss: PgBoss,
  queue: string,
  invoiceId: string,
): Promise<boolean> {
  const rows = await sql`
    select 1 from ${sql(bossSchema(boss))}.job
    where name = ${queue} and state in ('created', 'retry') and data->>'invoiceId' = ${invoiceId}
    limit 1`;
  return rows.length > 0;
}
