/**
 * What the adapter remembers per WhatsApp chat, in `whatsapp_chats`: when the person last wrote
 * (replies go only to chats that wrote within 24 hours) and the options last offered (so "2"
 * still means the second option after a restart).
 */

import type { Choice } from '../../src/conversation/types.ts';
import type { Sql } from '../../src/db/database.ts';

export interface ChatState {
  lastInboundAt: Date | null;
  options: Choice[];
}

export interface ChatStore {
  get(jid: string): Promise<ChatState>;
  touchInbound(jid: string, at: Date): Promise<void>;
  /** Replaces the remembered options; an empty list forgets them. */
  setOptions(jid: string, options: Choice[]): Promise<void>;
}

export function createChatStore(sql: Sql, account: string): ChatStore {
  return {
    async get(jid) {
      const [row] = await sql`
        select last_inbound_at, last_options from whatsapp_chats where account = ${account} and jid = ${jid}`;
      return {
        lastInboundAt: row?.last_inbound_at ? new Date(row.last_inbound_at) : null,
        options: Array.isArray(row?.last_options) ? (row.last_options as Choice[]) : [],
      };
    },
    async touchInbound(jid, at) {
      await sql`
        insert into whatsapp_chats (account, jid, last_inbound_at, updated_at) values (${account}, ${jid}, ${at}, now())
        on conflict (account, jid) do update set
          last_inbound_at = greatest(whatsapp_chats.last_inbound_at, excluded.last_inbound_at), updated_at = now()`;
    },
    async setOptions(jid, options) {
      const value =
        options.length > 0 ? JSON.stringify(options.map((o) => ({ id: o.id, label: o.label }))) : null;
      await sql`
        insert into whatsapp_chats (account, jid, last_options, updated_at) values (${account}, ${jid}, ${value}::text::jsonb, now())
        on conflict (account, jid) do update set last_options = excluded.last_options, updated_at = now()`;
    },
  };
}
