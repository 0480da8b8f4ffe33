/**
 * The conversation runtime, channel-neutral. Per message: take the chat's lock, load its snapshot,
 * run the flow machine until it waits for the customer again, and in one transaction store the new
 * snapshot and the replies (the outbox); then hand the replies to the channel. A crash after the
 * commit still delivers them (the redelivery sweep); a step a crash interrupted runs again, with the
 * next message or by the periodic job. No live actors are kept between messages.
 */
import type { AnyActorRef } from 'xstate';
import type { Database, Sql } from '../db/database.ts';
import type { Logger } from '../log.ts';
import { type ChatLock, createChatLock } from './chat-lock.ts';
import { ReplyDelivery, type ReplySink } from './delivery.ts';
import { type FlowDefinition, restoreActor, settle } from './flow-actor.ts';
import {
  fromStored,
  insertOutbox,
  loadConversation,
  markDelivered,
  pendingReplies,
  type StoredReply,
  saveTurn,
} from './store.ts';
import type { Channel, InboundMessage, Reply } from './types.ts';

export type { ReplySink } from './delivery.ts';
export type { FlowDefinition } from './flow-actor.ts';

export interface RuntimeOptions {
  db: Database;
  flow: FlowDefinition;
  log: Logger;
  /** Reads an image into what the flow expects in `scan`; absent: images pass unscanned. */
  scanImage?: (bytes: Uint8Array) => Promise<unknown>;
  idleMinutes?: number;
  settleTimeoutMs?: number;
  now?: () => Date;
}

/** A conversation stored mid-step and untouched this long was left by a dead process. */
const STALLED_AFTER_SECONDS = 60;

export class ConversationRuntime {
  private readonly lock: ChatLock;
  private readonly sql: Sql;
  private readonly delivery: ReplyDelivery;

  constructor(private readonly options: RuntimeOptions) {
    this.lock = createChatLock(options.db);
    this.sql = options.db.sql;
    this.delivery = new ReplyDelivery(this.sql, options.log);
  }

  /** Registers how replies reach a channel. The web chat registers none: it answers in the HTTP response. */
  registerSink(channel: Channel, sink: ReplySink): void {
    this.delivery.register(channel, sink);
  }

  /**
   * Handles one inbound message; resolves with the replies (already delivered when the channel has a
   * sink). The message takes its place in the chat's queue at once, in arrival order: the duplicate
   * check and the wait for the photo's scan (started right away) happen in that place. A message
   * whose turn failed is forgotten by the duplicate check, so the channel's retry is handled.
   */
  async handle(message: InboundMessage): Promise<Reply[]> {
    const scanning = this.scan(message);
    return this.lock.run(`${message.channel}:${message.chatId}`, async () => {
      if (message.messageId && !(await this.firstSight(message))) return [];
      const event = this.options.flow.toEvent(message, await scanning);
      try {
        return await this.turn(message.channel, message.chatId, event);
      } catch (err) {
        if (message.messageId) {
          await this.sql`
            delete from inbound_messages where channel = ${message.channel} and message_id = ${message.messageId}`;
        }
        throw err;
      }
    });
  }

  /**
   * Expires conversations whose idle deadline passed (run by a scheduled job); returns how many. The
   * goodbye nobody asked for stays in the outbox for channels without a sink (`takePending`). A chat
   * that fails is logged and skipped, so one bad conversation does not stop the others. The same
   * job first resumes the steps a dead process left running (`resumeInterrupted`).
   */
  async expireIdle(): Promise<number> {
    await this.resumeInterrupted();
    const now = this.now();
    const due = await this.sql`
      select channel, chat_id from conversations where idle_deadline is not null and idle_deadline <= ${now} limit 200`;
    let expired = 0;
    for (const row of due) {
      try {
        await this.lock.run(`${row.channel}:${row.chat_id}`, async () => {
          const [still] = await this.sql`
            select 1 from conversations where channel = ${row.channel} and chat_id = ${row.chat_id}
            and idle_deadline is not null and idle_deadline <= ${now}`;
          if (!still) return;
          await this.turn(row.channel, row.chat_id, this.options.flow.expireEvent(now), false);
          expired++;
        });
      } catch (err) {
        this.options.log.error({ err, channel: row.channel }, 'expiring a conversation failed');
      }
    }
    return expired;
  }

  /**
   * Finishes the steps a dead process left running: a conversation stored while one of its actors
   * worked (stamping, say) and untouched for a while. Each is restored, which runs that step again
   * (the actors are idempotent), and the outcome goes to the customer without a message from them.
   * A turn still running holds the chat's lock, and a conversation that changed meanwhile is left
   * alone, so `olderThanSeconds: 0` is safe too (at start-up); the default spares the periodic job
   * from waiting on turns that are merely slow. Returns how many were resumed.
   */
  async resumeInterrupted(options: { olderThanSeconds?: number } = {}): Promise<number> {
    const olderThan = options.olderThanSeconds ?? STALLED_AFTER_SECONDS;
    const stalled = await this.sql`
      select channel, chat_id, updated_at::text as stamp from conversations
      where jsonb_typeof(snapshot->'children') = 'object' and snapshot->'children' <> '{}'::jsonb
        and updated_at <= now() - ${olderThan} * interval '1 second'
      order by updated_at limit 100`;
    let resumed = 0;
    for (const row of stalled) {
      try {
        await this.lock.run(`${row.channel}:${row.chat_id}`, async () => {
          const [same] = await this.sql`
            select 1 from conversations where channel = ${row.channel} and chat_id = ${row.chat_id}
            and updated_at::text = ${row.stamp}`;
          if (!same) return;
          await this.turn(row.channel, row.chat_id, null, false);
          resumed++;
        });
      } catch (err) {
        this.options.log.error({ err, channel: row.channel }, 'resuming an interrupted conversation failed');
      }
    }
    return resumed;
  }

  /**
   * Delivers replies committed but not delivered (crash after commit, channel outage), chat by chat
   * under the chat's lock (so never while a turn is still delivering them) and in order: a reply
   * that fails again holds back the later ones of its chat until the next sweep.
   */
  async redeliver(): Promise<number> {
    const chats = new Map<string, { channel: Channel; chatId: string }>();
    for (const item of await pendingReplies(this.sql)) {
      if (this.delivery.hasSink(item.channel)) chats.set(`${item.channel}:${item.chatId}`, item);
    }
    let delivered = 0;
    for (const [key, { channel, chatId }] of chats) {
      delivered += await this.lock.run(key, () => this.delivery.redeliverChat(channel, chatId));
    }
    return delivered;
  }

  /**
   * Sends replies that no inbound message asked for just now (an invoice stamped after a delay):
   * stored in the outbox first, then delivered, after any turn of the chat in progress; channels
   * without a sink collect them with `takePending`.
   */
  async notify(channel: Channel, chatId: string, replies: Reply[]): Promise<void> {
    await this.lock.run(`${channel}:${chatId}`, async () => {
      const ids = await this.sql.begin((tx) => insertOutbox(tx, channel, chatId, replies));
      await this.delivery.deliver(channel, chatId, ids, replies, false);
    });
  }

  /** Undelivered replies of one chat (the web chat polls for them), marked delivered as they are taken. */
  async takePending(channel: Channel, chatId: string): Promise<Reply[]> {
    return this.sql.begin(async (tx) => {
      const rows = await tx`
        select id, payload from outbox where channel = ${channel} and chat_id = ${chatId} and delivered_at is null
        order by id for update skip locked`;
      await markDelivered(
        tx,
        rows.map((r) => String(r.id)),
      );
      return rows.map((r) => fromStored(r.payload as StoredReply));
    });
  }

  async close(): Promise<void> {
    await this.lock.close();
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** The scan of the message's image; a scanner failure counts as a photo where nothing was found. */
  private async scan(message: InboundMessage): Promise<unknown> {
    const { scanImage, log } = this.options;
    if (!message.image || !scanImage) return undefined;
    try {
      return await scanImage(message.image.bytes);
    } catch (err) {
      log.warn({ err, channel: message.channel }, 'image scan failed; handled as unreadable');
      return undefined;
    }
  }

  private async firstSight(message: InboundMessage): Promise<boolean> {
    const rows = await this.sql`
      insert into inbound_messages (channel, message_id) values (${message.channel}, ${message.messageId!})
      on conflict do nothing returning 1`;
    return rows.length > 0;
  }

  /**
   * Runs one event through the chat's conversation (none: just let a restored step finish) and
   * commits the result. `answered`: the caller hands the replies to the customer itself (an inbound
   * message's HTTP answer), so on a channel without a sink they count as delivered; otherwise they
   * wait in the outbox for `takePending`.
   */
  private async turn(
    channel: Channel,
    chatId: string,
    event: { type: string } | null,
    answered = true,
  ): Promise<Reply[]> {
    const { flow, log } = this.options;
    const stored = await loadConversation(this.sql, channel, chatId);
    const replies: Reply[] = [];
    let actor: AnyActorRef;
    try {
      actor = restoreActor(flow, channel, chatId, stored, replies);
    } catch (err) {
      log.warn({ err, channel }, 'stored conversation does not fit the flow; restarting it');
      replies.push(flow.restartNotice);
      actor = restoreActor(flow, channel, chatId, null, replies);
    }
    const flushed: Reply[] = [];
    let flushing = Promise.resolve();
    const sub = actor.subscribe((snapshot) => {
      if (snapshot.hasTag?.('busy') && replies.length > flushed.length) {
        const batch = replies.slice(flushed.length);
        flushed.push(...batch);
        const persisted = actor.getPersistedSnapshot();
        flushing = flushing.then(() =>
          this.commitAndDeliver(channel, chatId, persisted, batch, true, answered),
        );
      }
    });
    try {
      if (event) actor.send(event);
      await settle(actor, this.options.settleTimeoutMs ?? 120_000);
    } catch (err) {
      // Nothing of this turn may happen after it gave up (the next message restores the busy step).
      sub.unsubscribe();
      actor.stop();
      await flushing.catch(() => {});
      throw err;
    }
    sub.unsubscribe();
    await flushing;
    const snapshot = actor.getPersistedSnapshot();
    const idle = actor.getSnapshot().hasTag?.('idle') === true || actor.getSnapshot().status !== 'active';
    actor.stop();
    const rest = replies.slice(flushed.length);
    await this.commitAndDeliver(channel, chatId, snapshot, rest, !idle, answered);
    return replies;
  }

  private async commitAndDeliver(
    channel: Channel,
    chatId: string,
    snapshot: unknown,
    replies: Reply[],
    active: boolean,
    answered: boolean,
  ): Promise<void> {
    const idleDeadline = active
      ? new Date(this.now().getTime() + (this.options.idleMinutes ?? 30) * 60_000)
      : null;
    const ids = await this.sql.begin((tx) =>
      saveTurn(tx, {
        channel,
        chatId,
        flowVersion: this.options.flow.version,
        snapshot,
        idleDeadline,
        replies,
      }),
    );
    await this.delivery.deliver(channel, chatId, ids, replies, answered);
  }
}
