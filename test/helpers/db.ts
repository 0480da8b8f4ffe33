/**
 * A fresh, migrated database for a test file: a new schema on the server named by DATABASE_URL
 * (CI runs the suite once that way), or an in-memory embedded PGlite when it is unset.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';

export const TEST_DATABASE_URL = process.env.DATABASE_URL || undefined;
export const DB_MODE = TEST_DATABASE_URL ? 'server' : 'embedded';

export interface TestDatabase extends Database {
  schema: string | undefined;
}

/** Opens a fresh database (migrated unless `migrated: false`); `close()` drops the test schema. */
export async function createTestDatabase(
  options: { migrated?: boolean; max?: number } = {},
): Promise<TestDatabase> {
  const schema = TEST_DATABASE_URL ? `test_${randomBytes(6).toString('hex')}` : undefined;
  const db = await openDatabase({ url: TEST_DATABASE_URL, schema, max: options.max });
  if (options.migrated !== false) await migrate(db.sql);
  return {
    ...db,
    schema,
    async close() {
      await db.close();
      if (schema && TEST_DATABASE_URL) {
        const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
        await admin.unsafe(`drop schema if exists "${schema}" cascade`);
        await admin.end();
      }
    },
  };
}
