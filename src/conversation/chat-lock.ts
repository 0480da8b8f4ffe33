/**
 * Per-chat serialization: messages of one chat are handled one at a time, in arrival order.
 * Within a process a promise chain per chat keeps the order; across processes (server mode) a
 * Postgres advisory lock, held on a connection of a separate small pool so that the work done
 * under the lock can still use the main pool. The embedded database lives inside one process,
 * so there the in-process chain is the whole story.
 */
import postgres from 'postgres';
import type { Database } from '../db/database.ts';

export interface ChatLock {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function createChatLock(db: Database, options: { poolSize?: number } = {}): ChatLock {
  const tails = new Map<string, Promise<unknown>>();
  const lockSql = db.embedded
    ? null
    : postgres(db.url, { max: options.poolSize ?? 8, onnotice: () => {}, idle_timeout: 30 });

  async function withDbLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    if (!lockSql) return work();
    // A transaction-scoped lock: released by commit or by the server when the connection drops
    // (no unlock query on a possibly dead reserved connection, which crashes postgres.js 3.4).
    let result: T | undefined;
    await lockSql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtextextended(${`chat:${key}`}, 0))`;
      result = await work();
    });
    return result as T;
  }

  return {
    run<T>(key: string, work: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const next = previous.catch(() => {}).then(() => withDbLock(key, work));
      tails.set(key, next);
      void next
        .finally(() => {
          if (tails.get(key) === next) tails.delete(key);
        })
        .catch(() => {});
      return next;
    },
    async close() {
      await Promise.allSettled([...tails.values()]);
      await lockSql?.end({ timeout: 5 });
    },
  };
}
