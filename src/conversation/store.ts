/**
 * Conversation persistence: one snapshot row per chat (with its machine version and idle deadline)
 * and the outbox of replies committed in the same transaction.
 */
import type { Queryable, TransactionSql } from '../db/database.ts';
import type { Channel, Reply } from './types.ts';

export interface StoredConversation {
  flowVersion: number;
  snapshot: unknown;
}

export async function loadConversation(
  sql: Queryable,
  channel: Channel,
  chatId: string,
): Promise<StoredConversation | null> {
  const [row] =
    await sql`select flow_version, snapshot from conversations where channel = ${channel} and chat_id = ${chatId}`;
  return row ? { flowVersion: Number(row.flow_version), snapshot: row.snapshot } : null;
}

/** Replies as stored in the outbox: file bytes as base64 (rows are pruned of them once delivered). */
export interface StoredReply {
  text: string;
  choices?: Reply['choices'];
  files?: Array<{
    name: string;
    mime: string;
    base64: string;
    ref?: { invoiceUuid: string; kind: 'pdf' | 'xml' };
  }>;
}

export function toStored(reply: Reply): StoredReply {
  return {
    text: reply.text,
    ...(reply.choices?.length ? { choices: reply.choices } : {}),
    ...(reply.files?.length
      ? {
          files: reply.files.map((f) => ({
            name: f.name,
            mime: f.mime,
            base64: Buffer.from(f.bytes).toString('base64'),
            ...(f.ref ? { ref: f.ref } : {}),
          })),
        }
      : {}),
  };
}

export function fromStored(stored: StoredReply): Reply {
  return {
    text: stored.text,
    ...(stored.choices ? { choices: stored.choices } : {}),
    ...(stored.files
      ? {
          files: stored.files.map((f) => ({
            name: f.name,
            mime: f.mime,
            bytes: Buffer.from(f.base64, 'base64'),
            ...(f.ref ? { ref: f.ref } : {}),
          })),
        }
      : {}),
  };
}

/** Stores the snapshot and the replies it produced, atomically; returns the outbox ids. */
export async function saveTurn(
  tx: TransactionSql,
  turn: {
    channel: Channel;
    chatId: string;
    flowVersion: number;
    snapshot: unknown;
    idleDeadline: Date | null;
    replies: Reply[];
  },
): Promise<string[]> {
  await tx`
    insert into conversations (channel, chat_id, flow_version, snapshot, idle_deadline, updated_at)
    values (${turn.channel}, ${turn.chatId}, ${turn.flowVersion}, ${tx.json(turn.snapshot as never)}, ${turn.idleDeadline}, now())
    on conflict (channel, chat_id) do update set flow_version = excluded.flow_version, snapshot = excluded.snapshot,
      idle_deadline = excluded.idle_deadline, updated_at = now()`;
  return insertOutbox(tx, turn.channel, turn.chatId, turn.replies);
}

/** Adds replies to the outbox; returns their ids in order. */
export async function insertOutbox(
  tx: TransactionSql,
  channel: Channel,
  chatId: string,
  replies: Reply[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const reply of replies) {
    const [row] = await tx`
      insert into outbox (channel, chat_id, payload) values (${channel}, ${chatId}, ${tx.json(toStored(reply) as never)})
      returning id`;
    ids.push(String(row!.id));
  }
  return ids;
}

export async function markDelivered(sql: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    update outbox set delivered_at = now(), payload = payload - 'files' || jsonb_build_object('files_delivered', payload ? 'files')
    where id = any(${ids}::bigint[])`;
}

export async function markFailed(sql: Queryable, ids: string[], error: string): Promise<void> {
  if (ids.length === 0) return;
  await sql`update outbox set attempts = attempts + 1, last_error = ${error.slice(0, 500)} where id = any(${ids}::bigint[])`;
}

export interface PendingReply {
  id: string;
  channel: Channel;
  chatId: string;
  reply: Reply;
  attempts: number;
}

/**
 * Undelivered replies, oldest first (for the redelivery job after a crash or a channel outage), of
 * every chat or of one.
 */
export async function pendingReplies(
  sql: Queryable,
  options: { limit?: number; maxAttempts?: number; chat?: { channel: Channel; chatId: string } } = {},
): Promise<PendingReply[]> {
  const { limit = 100, maxAttempts = 20, chat } = options;
  const rows = await sql`
    select id, channel, chat_id, payload, attempts from outbox
    where delivered_at is null and attempts < ${maxAttempts}
      ${chat ? sql`and channel = ${chat.channel} and chat_id = ${chat.chatId}` : sql``}
    order by id limit ${limit}`;
  return rows.map((r) => ({
    id: String(r.id),
    channel: r.channel,
    chatId: r.chat_id,
    reply: fromStored(r.payload as StoredReply),
    attempts: Number(r.attempts),
  }));
}
