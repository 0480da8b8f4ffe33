/**
 * Exactly one process holds the WhatsApp connection: a session-level Postgres advisory lock
 * (`pg_try_advisory_lock`) taken on a connection reserved for the adapter's lifetime. If that
 * connection dies the lock is gone with it; a heartbeat notices and reports the loss. With the
 * embedded database there is one process and one connection: the lock is taken on it all the
 * same (trivially granted) without reserving it. Within one process a second lock object for the
 * same account is refused too (one session would grant Postgres' lock to both).
 */
import postgres from 'postgres';
import type { Database } from '../../src/db/database.ts';

export interface ConnectionLock {
  readonly held: boolean;
  /** Takes the lock if free; true when this process holds it. */
  tryAcquire(): Promise<boolean>;
  /** Checks that the lock's connection is alive; false (and not held) when it died. */
  check(): Promise<boolean>;
  release(): Promise<void>;
}

/** Lock keys held by lock objects of this process. */
const heldHere = new Set<string>();

/**
 * `onLost` is called as soon as the lock's connection closes while the lock is held (server mode).
 * A closed reserved connection is never queried again (postgres.js would crash writing to it).
 */
export function createConnectionLock(db: Database, name: string, onLost?: () => void): ConnectionLock {
  const key = `autofactura:whatsapp:${name}`;
  let held = false;
  let current: { client: postgres.Sql; conn: postgres.ReservedSql; closed: boolean } | null = null;

  async function session(): Promise<postgres.Sql | postgres.ReservedSql> {
    if (db.embedded) return db.sql;
    if (current?.closed) await dropSession();
    if (!current) {
      const state = { closed: false };
      const client = postgres(db.url, {
        max: 1,
        idle_timeout: 0,
        max_lifetime: null,
        onnotice: () => {},
        connection: { application_name: 'autofactura-whatsapp-lock' },
        onclose: () => {
          state.closed = true;
          if (current?.client !== client || !held) return;
          held = false;
          heldHere.delete(key);
          onLost?.();
        },
      });
      const conn = await client.reserve();
      current = Object.assign(state, { client, conn });
    }
    return current.conn;
  }

  async function dropSession(): Promise<void> {
    const s = current;
    current = null;
    if (!s) return;
    if (!s.closed) s.conn.release();
    await s.client.end({ timeout: 1 }).catch(() => {});
  }

  return {
    get held() {
      return held;
    },
    async tryAcquire() {
      if (held) return true;
      if (heldHere.has(key)) return false;
      heldHere.add(key);
      try {
        const s = await session();
        const [row] = await s`select pg_try_advisory_lock(hashtextextended(${key}, 0)) as ok`;
        held = row?.ok === true;
      } catch (err) {
        heldHere.delete(key);
        await dropSession();
        throw err;
      }
      if (!held) {
        heldHere.delete(key);
        if (!db.embedded) await dropSession();
      }
      return held;
    },
    async check() {
      if (!held) return false;
      try {
        const s = await session();
        await s`select 1`;
        return true;
      } catch {
        held = false;
        heldHere.delete(key);
        await dropSession();
        return false;
      }
    },
    async release() {
      if (held) {
        const s = await session().catch(() => null);
        if (s) await s`select pg_advisory_unlock(hashtextextended(${key}, 0))`.catch(() => {});
        heldHere.delete(key);
      }
      held = false;
      if (!db.embedded) await dropSession();
    },
  };
}
