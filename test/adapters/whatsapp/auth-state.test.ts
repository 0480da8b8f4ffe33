import { randomBytes } from 'node:crypto';
import { addTransactionCapability, proto } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePostgresAuthState } from '../../../adapters/whatsapp/auth-state.ts';
import { createTestDatabase, DB_MODE, type TestDatabase } from '../../helpers/db.ts';
import { capturingLogger } from './harness.ts';

let db: TestDatabase;
const account = () => `acct-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe(`usePostgresAuthState (${DB_MODE} database)`, () => {
  it('starts with fresh credentials and stores them with their Buffers intact', async () => {
    const name = account();
    const first = await usePostgresAuthState(db.sql, name);
    const { creds } = first.state;
    expect(creds.registered).toBe(false);
    creds.me = { id: '5215550000000:3@s.whatsapp.net', name: 'Tienda' };
    creds.routingInfo = Buffer.from([1, 2, 3, 250]);
    await first.saveCreds();

    const again = await usePostgresAuthState(db.sql, name);
    const loaded = again.state.creds;
    expect(loaded.me).toEqual(creds.me);
    expect(Buffer.isBuffer(loaded.noiseKey.private)).toBe(true);
    expect(Buffer.from(loaded.noiseKey.private)).toEqual(Buffer.from(creds.noiseKey.private));
    expect(Buffer.from(loaded.signedIdentityKey.public)).toEqual(Buffer.from(creds.signedIdentityKey.public));
    expect(loaded.signedPreKey.signature).toEqual(Buffer.from(creds.signedPreKey.signature));
    expect(loaded.routingInfo).toEqual(Buffer.from([1, 2, 3, 250]));
    expect(loaded.registrationId).toBe(creds.registrationId);
    const [row] = await db.sql`select jsonb_typeof(creds) as t from whatsapp_creds where account = ${name}`;
    expect(row!.t).toBe('object');
  });

  it('round-trips every key type Baileys 7 uses, including the LID mapping', async () => {
    const { state } = await usePostgresAuthState(db.sql, account());
    const keyPair = { public: randomBytes(32), private: randomBytes(32) };
    const appStateKey = proto.Message.AppStateSyncKeyData.fromObject({
      keyData: randomBytes(32),
      fingerprint: { rawId: 7, currentIndex: 1, deviceIndexes: [0, 1] },
      timestamp: 1_700_000_000,
    });
    const session = randomBytes(64);
    await state.keys.set({
      'pre-key': { '1': keyPair },
      session: { '5215550000000.0': session },
      'sender-key': { 'group@g.us::5215550000000::0': randomBytes(20) },
      'sender-key-memory': { 'group@g.us': { '5215550000000@s.whatsapp.net': true } },
      'app-state-sync-key': { AAAAAQ: appStateKey },
      'app-state-sync-version': {
        regular: {
          version: 3,
          hash: randomBytes(128),
          indexValueMap: { abc: { valueMac: randomBytes(32) } },
        },
      },
      'lid-mapping': { '5215550000000': '123456789012345', '123456789012345_reverse': '5215550000000' },
      'device-list': { '5215550000000': ['0', '7'] },
      tctoken: { '123456789012345@lid': { token: randomBytes(16), timestamp: '1700000000' } },
      'identity-key': { '123456789012345.0': randomBytes(33) },
    });

    expect((await state.keys.get('pre-key', ['1', '2']))['1']).toEqual(keyPair);
    expect(await state.keys.get('pre-key', ['2'])).toEqual({});
    expect((await state.keys.get('session', ['5215550000000.0']))['5215550000000.0']).toEqual(session);
    const app = (await state.keys.get('app-state-sync-key', ['AAAAAQ']))['AAAAAQ']!;
    expect(app).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(app.keyData!)).toEqual(Buffer.from(appStateKey.keyData!));
    expect(app.fingerprint?.rawId).toBe(7);
    const version = (await state.keys.get('app-state-sync-version', ['regular']))['regular']!;
    expect(version.version).toBe(3);
    expect(Buffer.isBuffer(version.hash)).toBe(true);
    expect(Buffer.isBuffer(version.indexValueMap['abc']!.valueMac)).toBe(true);
    expect(await state.keys.get('lid-mapping', ['5215550000000', '123456789012345_reverse'])).toEqual({
      '5215550000000': '123456789012345',
      '123456789012345_reverse': '5215550000000',
    });
    expect((await state.keys.get('device-list', ['5215550000000']))['5215550000000']).toEqual(['0', '7']);
    const tc = (await state.keys.get('tctoken', ['123456789012345@lid']))['123456789012345@lid']!;
    expect(Buffer.isBuffer(tc.token)).toBe(true);
    expect(tc.timestamp).toBe('1700000000');
    expect((await state.keys.get('sender-key-memory', ['group@g.us']))['group@g.us']).toEqual({
      '5215550000000@s.whatsapp.net': true,
    });
  });

  it('deletes keys whose value is null, in the same batch as upserts', async () => {
    const { state } = await usePostgresAuthState(db.sql, account());
    await state.keys.set({ 'pre-key': { '1': { public: randomBytes(32), private: randomBytes(32) } } });
    await state.keys.set({
      'pre-key': { '1': null, '2': { public: randomBytes(32), private: randomBytes(32) } },
    });
    expect(Object.keys(await state.keys.get('pre-key', ['1', '2']))).toEqual(['2']);
  });

  it('applies a batch in one transaction: a failing delete undoes the upserts before it', async () => {
    const name = account();
    const { state } = await usePostgresAuthState(db.sql, name);
    await expect(
      state.keys.set({
        'lid-mapping': { '5215551111111': '999' },
        // Postgres text cannot hold NUL: the delete statement fails after the upsert ran.
        session: { 'bad\u0000id': null },
      }),
    ).rejects.toThrow();
    const [row] = await db.sql`select count(*)::int as n from whatsapp_keys where account = ${name}`;
    expect(row!.n).toBe(0);
  });

  it('keeps accounts apart and clears one without touching another', async () => {
    const [nameA, nameB] = [account(), account()];
    const a = await usePostgresAuthState(db.sql, nameA);
    const b = await usePostgresAuthState(db.sql, nameB);
    await a.state.keys.set({ 'lid-mapping': { x: 'from-a' } });
    await b.state.keys.set({ 'lid-mapping': { x: 'from-b' } });
    await a.saveCreds();
    await b.saveCreds();
    expect(await a.state.keys.get('lid-mapping', ['x'])).toEqual({ x: 'from-a' });
    await a.clear();
    expect(await a.state.keys.get('lid-mapping', ['x'])).toEqual({});
    expect(await b.state.keys.get('lid-mapping', ['x'])).toEqual({ x: 'from-b' });
    const rows = await db.sql`select account from whatsapp_creds where account in (${nameA}, ${nameB})`;
    expect(rows.map((r) => r.account)).toEqual([nameB]);
  });

  it("works under Baileys' own transaction layer (what the socket wraps it in)", async () => {
    const { log } = capturingLogger();
    const { state } = await usePostgresAuthState(db.sql, account());
    const keys = addTransactionCapability(state.keys, log, { maxCommitRetries: 2, delayBetweenTriesMs: 10 });
    await keys.transaction(async () => {
      await keys.set({ 'device-list': { u1: ['0'] }, 'lid-mapping': { u1: 'l1' } });
      expect((await keys.get('device-list', ['u1']))['u1']).toEqual(['0']);
    }, 'test');
    expect(await state.keys.get('lid-mapping', ['u1'])).toEqual({ u1: 'l1' });
  });
});
