import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { migrate, readMigrations } from '../../src/db/migrate.ts';
import { createTestDatabase, DB_MODE, TEST_DATABASE_URL, type TestDatabase } from '../helpers/db.ts';

describe(`migrations (${DB_MODE})`, () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('applies every migration once and is idempotent', async () => {
    db = await createTestDatabase({ migrated: false });
    const all = readMigrations().map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`);
    expect(await migrate(db.sql)).toEqual(all);
    expect(await migrate(db.sql)).toEqual([]);
    const rows = await db.sql`select version from schema_migrations order by version`;
    expect(rows.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
  });

  it('rolls back a failing migration completely and records nothing', async () => {
    db = await createTestDatabase({ migrated: false });
    const broken = [
      ...readMigrations(),
      { version: 9998, name: 'half', sql: 'create table half_done (id int); select 1/0;' },
    ];
    await expect(migrate(db.sql, broken)).rejects.toThrow(/9998_half failed/u);
    const [tbl] = await db.sql`select to_regclass('half_done') as t`;
    expect(tbl!.t).toBeNull();
    const [rec] = await db.sql`select count(*)::int as n from schema_migrations where version = 9998`;
    expect(rec!.n).toBe(0);
  });

  it.skipIf(!TEST_DATABASE_URL)(
    'two runners starting together apply each migration exactly once',
    async () => {
      db = await createTestDatabase({ migrated: false });
      const second = await openDatabase({ url: TEST_DATABASE_URL, schema: db.schema });
      try {
        const [a, b] = await Promise.all([migrate(db.sql), migrate(second.sql)]);
        expect([...a, ...b].sort()).toEqual(
          readMigrations().map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`),
        );
        const [rec] = await db.sql`select count(*)::int as n from schema_migrations`;
        expect(rec!.n).toBe(readMigrations().length);
      } finally {
        await second.close();
      }
    },
  );
});
