/**
 * pg-boss (v10) on the product's own database, also in embedded mode: its single-database
 * interface (`executeSql`) is served by our `postgres` client, so one SQL code path serves both.
 */
import PgBoss from 'pg-boss';
import type { Sql } from '../db/database.ts';
import type { Logger } from '../log.ts';

export type { PgBoss };

/** Creates (does not start) a pg-boss instance over `sql`, in its own schema. */
export function createBoss(
  sql: Sql,
  log: Logger,
  options: { schema?: string; pollingIntervalSeconds?: number } = {},
): PgBoss {
  const boss = new PgBoss({
    db: {
      executeSql: async (text: string, values: unknown[] = []) => {
        const rows = await sql.unsafe(text, values as never[]);
        return { rows: [...rows] };
      },
    },
    schema: options.schema ?? 'pgboss',
    supervise: true,
    schedule: true,
    migrate: true,
    monitorStateIntervalSeconds: 30,
    maintenanceIntervalSeconds: 120,
  });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  return boss;
}
