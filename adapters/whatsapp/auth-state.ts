/**
 * Baileys auth state in Postgres instead of files: the credentials in `whatsapp_creds` and the
 * signal keys (sessions, pre-keys, sender keys, app-state keys, LID mappings, device lists,
 * tctokens...) in `whatsapp_keys`. Values are JSON written with Baileys' `BufferJSON` replacer
 * and read back with its reviver, so Buffers survive. `keys.set` applies a whole batch (upserts
 * and deletes, a null value meaning delete) in one transaction.
 */
import {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  initAuthCreds,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
} from '@whiskeysockets/baileys';
import type { Sql } from '../../src/db/database.ts';

export interface PostgresAuthState {
  state: AuthenticationState;
  /** Stores `state.creds` (call on every `creds.update`). */
  saveCreds(): Promise<void>;
  /** Deletes this account's credentials and keys (after a logout); load again for fresh ones. */
  clear(): Promise<void>;
}

/** JSON text, bound as `text` and cast in SQL (bound as jsonb, postgres.js would encode it again). */
const toJson = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);
const fromJson = <T>(text: string): T => JSON.parse(text, BufferJSON.reviver) as T;

/** Loads (or initialises) the auth state of `account`. */
export async function usePostgresAuthState(sql: Sql, account: string): Promise<PostgresAuthState> {
  const [row] = await sql`select creds::text as creds from whatsapp_creds where account = ${account}`;
  const creds: AuthenticationCreds = row ? fromJson<AuthenticationCreds>(row.creds) : initAuthCreds();

  async function get<T extends keyof SignalDataTypeMap>(
    type: T,
    ids: string[],
  ): Promise<{ [id: string]: SignalDataTypeMap[T] }> {
    const out: { [id: string]: SignalDataTypeMap[T] } = {};
    if (ids.length === 0) return out;
    const rows = await sql`
      select id, value::text as value from whatsapp_keys
      where account = ${account} and type = ${type} and id = any(${ids}::text[])`;
    for (const r of rows) {
      let value: unknown = fromJson(r.value);
      if (type === 'app-state-sync-key' && value) {
        value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
      }
      out[r.id as string] = value as SignalDataTypeMap[T];
    }
    return out;
  }

  async function set(data: SignalDataSet): Promise<void> {
    const upsert = { types: [] as string[], ids: [] as string[], values: [] as string[] };
    const remove = { types: [] as string[], ids: [] as string[] };
    for (const [type, entries] of Object.entries(data)) {
      for (const [id, value] of Object.entries(entries ?? {})) {
        if (value === null || value === undefined) {
          remove.types.push(type);
          remove.ids.push(id);
        } else {
          upsert.types.push(type);
          upsert.ids.push(id);
          upsert.values.push(toJson(value));
        }
      }
    }
    if (upsert.ids.length === 0 && remove.ids.length === 0) return;
    await sql.begin(async (tx) => {
      if (upsert.ids.length > 0) {
        await tx`
          insert into whatsapp_keys (account, type, id, value)
          select ${account}, t, i, v::jsonb
          from unnest(${upsert.types}::text[], ${upsert.ids}::text[], ${upsert.values}::text[]) as k(t, i, v)
          on conflict (account, type, id) do update set value = excluded.value`;
      }
      if (remove.ids.length > 0) {
        await tx`
          delete from whatsapp_keys w
          using unnest(${remove.types}::text[], ${remove.ids}::text[]) as k(t, i)
          where w.account = ${account} and w.type = k.t and w.id = k.i`;
      }
    });
  }

  return {
    state: { creds, keys: { get, set } },
    async saveCreds() {
      await sql`
        insert into whatsapp_creds (account, creds, updated_at) values (${account}, ${toJson(creds)}::text::jsonb, now())
        on conflict (account) do update set creds = excluded.creds, updated_at = now()`;
    },
    async clear() {
      await sql.begin(async (tx) => {
        await tx`delete from whatsapp_keys where account = ${account}`;
        await tx`delete from whatsapp_creds where account = ${account}`;
      });
    },
  };
}
