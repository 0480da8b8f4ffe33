/**
 * The conversation runtime, channel-neutral. Per message: take the chat's lock, load its snapshot,
 * run the flow machine until it waits for the customer again, and in one transaction store the new
 * snapshot and the replies (the outbox); then hand the replies to the channel. A crash after the
 * commit still delivers them (the redelivery sweep). No live actors are kept between messages.
 */
import { type AnyActorRef, type AnyStateMachine, createActor } from 'xstate';
import type { Database, Sql } from '../db/database.ts';
import type { Logger } from '../log.ts';
import { type ChatLock, createChatLock } from './chat-lock.ts';
import {
  fromStored,
  insertOutbox,
  loadConversation,
  markDelivered,
  markFailed,
  pendingReplies,
  type StoredReply,
  saveTurn,
} from './store.ts';
import type { Channel, InboundMessage, Reply } from './types.ts';

/** Delivers replies to one chat of a channel; throws when the channel could not take them. */
export type ReplySink = (chatId: string, replies: Reply[]) => Promise<void>;

export interface FlowDefinition {
  machine: AnyStateMachine;
  version: number;
  /** The machine's input for a new conversation. */
  input(channel: Channel, chatId: string): unknown;
  /** Turns an inbound message (and the scan of its image, if any) into the machine's event. */
  toEvent(message: InboundMessage, scan: unknown): { type: string };
  expireEvent(now: Date): { type: string };
  /** Said when a stored conversation no longer fits the machine and is restarted. */
  restartNotice: Reply;
  /** Validates a stored snapshot (untrusted input); null when it does not fit this machine. */
  checkSnapshot?: (stored: unknown) => unknown | null;
}

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

export class ConversationRuntime {
  private readonly sinks = new Map<Channel, ReplySink>();
  private readonly lock: ChatLock;
  private readonly sql: Sql;

  constructor(private readonly options: RuntimeOptions) {
    this.lock = createChatLock(options.db);
    this.sql = options.db.sql;
  }

  /** Registers how replies reach a channel. The web chat registers none: it answers in the HTTP response. */
  registerSink(channel: Channel, sink: ReplySink): void {
    this.sinks.set(channel, sink);
  }

  /** Handles one inbound message; resolves with the replies (already delivered when the channel has a sink). */
  async handle(message: InboundMessage): Promise<Reply[]> {
    if (message.messageId && !(await this.firstSight(message))) return [];
    const scan =
      message.image && this.options.scanImage ? await this.options.scanImage(message.image.bytes) : undefined;
    const event = this.options.flow.toEvent(message, scan);
    return this.lock.run(`${message.channel}:${message.chatId}`, () =>
      this.turn(message.channel, message.chatId, event),
    );
  }

  /** Expires conversations whose idle deadline passed (run by a scheduled job); returns how many. */
  async expireIdle(): Promise<number> {
    const now = this.now();
    const due = await this.sql`
      select channel, chat_id from conversations where idle_deadline is not null and idle_deadline <= ${now} limit 200`;
    for (const row of due) {
      await this.lock.run(`${row.channel}:${row.chat_id}`, async () => {
        const [still] = await this.sql`
          select 1 from conversations where channel = ${row.channel} and chat_id = ${row.chat_id}
          and idle_deadline is not null and idle_deadline <= ${now}`;
        if (still) await this.turn(row.channel, row.chat_id, this.options.flow.expireEvent(now));
      });
    }
    return due.length;
  }

  /** Delivers replies committed but not delivered (crash after commit, channel outage). */
  async redeliver(): Promise<number> {
    let delivered = 0;
    const pending = await pendingReplies(this.sql);
    for (const item of pending) {
      const sink = this.sinks.get(item.channel);
      if (!sink) continue;
      try {
        await sink(item.chatId, [item.reply]);
        await markDelivered(this.sql, [item.id]);
        delivered++;
      } catch (err) {
        await markFailed(this.sql, [item.id], String(err));
      }
    }
    return delivered;
  }

  /**
   * Sends replies that no inbound message asked for just now (an invoice stamped after a delay):
   * stored in the outbox first, then delivered; channels without a sink collect them with `takePending`.
   */
  async notify(channel: Channel, chatId: string, replies: Reply[]): Promise<void> {
    const ids = await this.sql.begin((tx) => insertOutbox(tx, channel, chatId, replies));
    const sink = this.sinks.get(channel);
    if (!sink) return;
    try {
      await sink(chatId, replies);
      await markDelivered(this.sql, ids);
    } catch (err) {
      this.options.log.warn({ err, channel }, 'notification delivery failed; the redelivery job will retry');
      await markFailed(this.sql, ids, String(err));
    }
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

  private async firstSight(message: InboundMessage): Promise<boolean> {
    const rows = await this.sql`
      insert into inbound_messages (channel, message_id) values (${message.channel}, ${message.messageId!})
      on conflict do nothing returning 1`;
    return rows.length > 0;
  }

  private async turn(channel: Channel, chatId: string, event: { type: string }): Promise<Reply[]> {
    const { flow, log } = this.options;
    const stored = await loadConversation(this.sql, channel, chatId);
    const replies: Reply[] = [];
    let actor: AnyActorRef;
    try {
      actor = this.restore(channel, chatId, stored, replies);
    } catch (err) {
      log.warn({ err, channel }, 'stored conversation does not fit the flow; restarting it');
      replies.push(flow.restartNotice);
      actor = this.restore(channel, chatId, null, replies);
    }
    const flushed: Reply[] = [];
    let flushing = Promise.resolve();
    const sub = actor.subscribe((snapshot) => {
      if (snapshot.hasTag?.('busy') && replies.length > flushed.length) {
        const batch = replies.slice(flushed.length);
        flushed.push(...batch);
        const persisted = actor.getPersistedSnapshot();
        flushing = flushing.then(() => this.commitAndDeliver(channel, chatId, persisted, batch, true));
      }
    });
    try {
      actor.send(event);
      await this.settle(actor);
    } finally {
      sub.unsubscribe();
    }
    await flushing;
    const snapshot = actor.getPersistedSnapshot();
    const idle = actor.getSnapshot().hasTag?.('idle') === true || actor.getSnapshot().status !== 'active';
    actor.stop();
    const rest = replies.slice(flushed.length);
    await this.commitAndDeliver(channel, chatId, snapshot, rest, !idle);
    return replies;
  }

  private restore(
    channel: Channel,
    chatId: string,
    stored: { flowVersion: number; snapshot: unknown } | null,
    replies: Reply[],
  ): AnyActorRef {
    const { flow } = this.options;
    const fits = stored && stored.flowVersion === flow.version;
    if (stored && !fits) throw new Error(`flow version ${stored.flowVersion} != ${flow.version}`);
    if (fits && flow.checkSnapshot && flow.checkSnapshot(stored.snapshot) === null) {
      throw new Error('stored snapshot does not fit the flow');
    }
    const actor = createActor(flow.machine, {
      input: flow.input(channel, chatId),
      ...(fits ? { snapshot: stored.snapshot as never } : {}),
    });
    actor.on('reply', (e: { reply: Reply }) => {
      replies.push(e.reply);
    });
    actor.start();
    if (actor.getSnapshot().status === 'error') throw new Error('restored snapshot is in error');
    return actor;
  }

  /** Resolves when the machine waits for the customer (tag 'awaiting') or stopped. */
  private settle(actor: AnyActorRef): Promise<void> {
    const timeoutMs = this.options.settleTimeoutMs ?? 120_000;
    return new Promise((resolve, reject) => {
      const done = (s: { status: string; hasTag?: (t: string) => boolean }) =>
        s.status !== 'active' || s.hasTag?.('awaiting') === true;
      if (done(actor.getSnapshot())) return resolve();
      const timer = setTimeout(() => {
        sub.unsubscribe();
        reject(new Error('conversation did not settle in time'));
      }, timeoutMs);
      const sub = actor.subscribe({
        next: (s) => {
          if (done(s)) {
            clearTimeout(timer);
            sub.unsubscribe();
            resolve();
          }
        },
        error: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  }

  private async commitAndDeliver(
    channel: Channel,
    chatId: string,
    snapshot: unknown,
    replies: Reply[],
    active: boolean,
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
    const sink = this.sinks.get(channel);
    if (!sink) {
      await markDelivered(this.sql, ids);
      return;
    }
    try {
      await sink(chatId, replies);
      await markDelivered(this.sql, ids);
    } catch (err) {
      this.options.log.warn({ err, channel }, 'reply delivery failed; the redelivery job will retry');
      await markFailed(this.sql, ids, String(err));
    }
  }
}
