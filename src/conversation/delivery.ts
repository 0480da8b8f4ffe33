/**
 * The delivery side of the outbox: replies are committed first (with the snapshot that produced
 * them, or alone for a notification) and handed to the channel's sink afterwards. What a sink could
 * not take stays undelivered for the redelivery sweep; channels without a sink (the web chat) take
 * theirs from the outbox themselves.
 */
import type { Sql } from '../db/database.ts';
import type { Logger } from '../log.ts';
import { markDelivered, markFailed, pendingReplies } from './store.ts';
import type { Channel, Reply } from './types.ts';

/** Delivers replies to one chat of a channel; throws when the channel could not take them. */
export type ReplySink = (chatId: string, replies: Reply[]) => Promise<void>;

export class ReplyDelivery {
  private readonly sinks = new Map<Channel, ReplySink>();

  constructor(
    private readonly sql: Sql,
    private readonly log: Logger,
  ) {}

  register(channel: Channel, sink: ReplySink): void {
    this.sinks.set(channel, sink);
  }

  hasSink(channel: Channel): boolean {
    return this.sinks.has(channel);
  }

  /**
   * Hands committed replies (outbox `ids`) to the channel and records the result. `answered`: the
   * caller gives the replies to the customer itself (the web chat's HTTP answer), so without a sink
   * they count as delivered; otherwise they wait in the outbox.
   */
  async deliver(channel: Channel, chatId: string, ids: string[], replies: Reply[], answered: boolean) {
    const sink = this.sinks.get(channel);
    if (!sink) {
      if (answered) await markDelivered(this.sql, ids);
      return;
    }
    if (replies.length === 0) return;
    try {
      await sink(chatId, replies);
      await markDelivered(this.sql, ids);
    } catch (err) {
      this.log.warn({ err, channel }, 'reply delivery failed; the redelivery job will retry');
      await markFailed(this.sql, ids, String(err));
    }
  }

  /**
   * Sends one chat's undelivered replies, oldest first, stopping at the first that fails again so
   * that none overtakes it; returns how many went out. The caller holds the chat's lock.
   */
  async redeliverChat(channel: Channel, chatId: string): Promise<number> {
    const sink = this.sinks.get(channel);
    if (!sink) return 0;
    let delivered = 0;
    for (const item of await pendingReplies(this.sql, { chat: { channel, chatId } })) {
      try {
        await sink(chatId, [item.reply]);
      } catch (err) {
        await markFailed(this.sql, [item.id], String(err));
        break;
      }
      await markDelivered(this.sql, [item.id]);
      delivered++;
    }
    return delivered;
  }
}
