import { randomBytes } from 'node:crypto';
import { DisconnectReason } from '@whiskeysockets/baileys';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConversationRuntime } from '../../../src/conversation/runtime.ts';
import { FakeWhatsApp } from '../../fakes/baileys-socket.ts';
import { createTestDatabase, DB_MODE, TEST_DATABASE_URL, type TestDatabase } from '../../helpers/db.ts';
import { echoRuntime } from '../telegram/echo-flow.ts';
import { startWhatsAppHarness, type WhatsAppHarness } from './harness.ts';

let db: TestDatabase;
let runtime: ConversationRuntime;
const running: WhatsAppHarness[] = [];

function harness(extra: Partial<Parameters<typeof startWhatsAppHarness>[0]> = {}): WhatsAppHarness {
  const h = startWhatsAppHarness({ db, runtime, ...extra });
  running.push(h);
  return h;
}

const credsRow = async (account: string) =>
  (await db.sql`select creds::text as creds from whatsapp_creds where account = ${account}`)[0];

beforeAll(async () => {
  db = await createTestDatabase();
  runtime = echoRuntime(db);
});
afterEach(async () => {
  for (const h of running.splice(0)) await h.adapter.stop();
});
afterAll(async () => {
  await runtime?.close();
  await db?.close();
});

describe('WhatsApp reconnection by DisconnectReason', () => {
  it('restartRequired reconnects at once; other reasons back off exponentially, capped, with jitter', async () => {
    const h = harness({ backoff: { baseMs: 1000, capMs: 3000 } });
    await h.adapter.start();
    const first = await h.fake.socket(1);
    first.showQr('2@qr');
    first.close(DisconnectReason.restartRequired);
    const second = await h.fake.socket(2);
    expect(h.sleeps).toEqual([]);

    second.close(DisconnectReason.connectionLost);
    (await h.fake.socket(3)).close(DisconnectReason.unavailableService);
    (await h.fake.socket(4)).close(DisconnectReason.connectionClosed);
    (await h.fake.socket(5)).close(DisconnectReason.badSession);
    await h.fake.socket(6);
    // random() = 0.5: half the step plus a quarter of it; steps 1000, 2000, 3000 (cap), 3000
    expect(h.sleeps).toEqual([750, 1500, 2250, 2250]);

    const sixth = h.fake.latest;
    sixth.open();
    sixth.close(DisconnectReason.timedOut);
    await h.fake.socket(7);
    expect(h.sleeps.at(-1)).toBe(750); // an opened connection resets the attempts
    expect(
      h.logs.some((l) => l.msg === 'whatsapp connection closed; reconnecting later' && l['status'] === 503),
    ).toBe(true);
  });

  it('loggedOut wipes the stored credentials and pairs again with fresh ones', async () => {
    const h = harness();
    await h.adapter.start();
    const sock = await h.connected();
    await vi.waitFor(async () => expect(await credsRow(h.account)).toBeDefined());
    const oldNoise = Buffer.from(sock.options.auth.creds.noiseKey.public).toString('hex');
    expect(JSON.parse((await credsRow(h.account))!.creds).registered).toBe(true);

    sock.close(DisconnectReason.loggedOut);
    const next = await h.fake.socket(2);
    expect(await credsRow(h.account)).toBeUndefined();
    expect(next.options.auth.creds.registered).toBe(false);
    expect(Buffer.from(next.options.auth.creds.noiseKey.public).toString('hex')).not.toBe(oldNoise);
    next.showQr('2@new-qr');
    expect(h.adapter.status()).toMatchObject({ state: 'qr', qr: '2@new-qr' });
  });

  it('connectionReplaced stops and says so, without reconnecting', async () => {
    const h = harness();
    await h.adapter.start();
    const sock = await h.connected();
    sock.close(DisconnectReason.connectionReplaced);
    await vi.waitFor(() => expect(h.adapter.status().state).toBe('replaced'));
    expect(h.fake.sockets).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
    expect(h.logs.some((l) => l.level === 50 && String(l.msg).includes('replaced this connection'))).toBe(
      true,
    );
  });

  it('stop() ends the socket and no reconnection follows', async () => {
    const h = harness();
    await h.adapter.start();
    const sock = await h.connected();
    await h.adapter.stop();
    expect(sock.ended).toBe(true);
    expect(h.fake.sockets).toHaveLength(1);
    expect(h.adapter.status().state).toBe('stopped');
  });
});

describe('WhatsApp pairing and version', () => {
  it('asks for a pairing code once the socket is ready, instead of showing the QR', async () => {
    const h = harness({ pairingNumber: '5215512345678' });
    await h.adapter.start();
    const sock = await h.fake.socket(1);
    sock.showQr('2@qr-one');
    sock.showQr('2@qr-two');
    await vi.waitFor(() =>
      expect(h.adapter.status()).toEqual({ state: 'pairing-code', pairingCode: 'ABCD1234' }),
    );
    expect(sock.pairingRequests).toEqual(['5215512345678']);
    expect(h.qrs).toEqual([]);
  });

  it("uses Baileys' bundled version unless a look-up is given; a failing look-up falls back", async () => {
    const plain = harness();
    await plain.adapter.start();
    expect((await plain.fake.socket(1)).options.version).toBeUndefined();
    await plain.adapter.stop();

    const looked = harness({ versionLookup: async () => [2, 3000, 1111111111] });
    await looked.adapter.start();
    expect((await looked.fake.socket(1)).options.version).toEqual([2, 3000, 1111111111]);
    await looked.adapter.stop();

    const failing = harness({
      versionLookup: async () => {
        throw new Error('offline');
      },
    });
    await failing.adapter.start();
    expect((await failing.fake.socket(1)).options.version).toBeUndefined();
    expect(failing.logs.some((l) => l.level === 40 && String(l.msg).includes('version look-up failed'))).toBe(
      true,
    );
  });
});

describe(`WhatsApp connection lock (${DB_MODE} database)`, () => {
  it('lets only one adapter of an account connect; the other waits and takes over after', async () => {
    const account = `lock-${randomBytes(4).toString('hex')}`;
    const a = harness({ account });
    await a.adapter.start();
    await a.connected();

    const gates: Array<() => void> = [];
    const b = harness({
      account,
      fake: new FakeWhatsApp(),
      lockRetryMs: 5_000,
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          b.sleeps.push(ms);
          gates.push(resolve);
        }),
    });
    await b.adapter.start();
    await vi.waitFor(() => expect(b.adapter.status().state).toBe('waiting-lock'));
    expect(b.sleeps).toEqual([5_000]);
    expect(b.fake.sockets).toHaveLength(0);
    expect(b.logs.some((l) => String(l.msg).includes('another process holds the WhatsApp connection'))).toBe(
      true,
    );

    await a.adapter.stop();
    gates.shift()!();
    await b.connected();
    expect(b.adapter.status().state).toBe('open');
    expect(a.fake.sockets).toHaveLength(1);
  });

  it.skipIf(!TEST_DATABASE_URL)(
    'waits while another Postgres session holds the lock (server only)',
    async () => {
      const account = `lock-${randomBytes(4).toString('hex')}`;
      const other = postgres(TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
      const conn = await other.reserve();
      try {
        await conn`select pg_advisory_lock(hashtextextended(${`autofactura:whatsapp:${account}`}, 0))`;
        const gates: Array<() => void> = [];
        const h = harness({
          account,
          sleep: () => new Promise<void>((resolve) => gates.push(resolve)),
        });
        await h.adapter.start();
        await vi.waitFor(() => expect(gates).toHaveLength(1));
        expect(h.adapter.status().state).toBe('waiting-lock');
        expect(h.fake.sockets).toHaveLength(0);

        await conn`select pg_advisory_unlock(hashtextextended(${`autofactura:whatsapp:${account}`}, 0))`;
        gates.shift()!();
        await h.connected();
        expect(h.adapter.status().state).toBe('open');
      } finally {
        conn.release();
        await other.end();
      }
    },
  );

  it.skipIf(!TEST_DATABASE_URL)(
    'notices a lost lock connection, disconnects and takes the lock again',
    async () => {
      const h = harness({ heartbeatMs: 50 });
      await h.adapter.start();
      await h.connected();
      const key = `autofactura:whatsapp:${h.account}`;
      const holder = async () =>
        (
          await db.sql`
          select l.pid from pg_locks l
          where l.locktype = 'advisory' and l.objsubid = 1 and l.granted
            and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(${key}, 0)`
        )[0]?.pid as number | undefined;
      const first = await holder();
      expect(first).toBeDefined();
      await db.sql`select pg_terminate_backend(${first!})`;
      const again = await h.fake.socket(2);
      expect(h.fake.sockets[0]!.ended).toBe(true);
      expect(h.logs.some((l) => String(l.msg).includes('lost the WhatsApp lock'))).toBe(true);
      const second = await holder();
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
      again.open();
      expect(h.adapter.status().state).toBe('open');
    },
  );

  if (!TEST_DATABASE_URL) {
    console.log(
      'whatsapp lock: cross-session tests skipped on the embedded database (one process, one connection); ' +
        'run with DATABASE_URL to exercise pg_try_advisory_lock between sessions',
    );
  }
});
