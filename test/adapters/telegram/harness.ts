/**
 * Runs the real Telegram adapter against the fake Bot API, in polling or webhook mode, for any
 * runtime: `const h = await startTelegramHarness({ runtime }); const chat = h.chat();
 * const answer = await chat.sendText('/start 7KQ2M9XD4HPA');` ... `await h.close()`.
 * The whole-invoice conversation test can use it with the real flow's runtime.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { type ChannelAdapter, createTelegramAdapter } from '../../../adapters/telegram/index.ts';
import type { ConversationRuntime } from '../../../src/conversation/runtime.ts';
import type { Logger } from '../../../src/log.ts';
import { FakeBotApi, FakeTelegramChat } from '../../fakes/telegram-bot-api.ts';
import { testLogger } from './echo-flow.ts';

export interface TelegramHarness {
  api: FakeBotApi;
  adapter: ChannelAdapter;
  /** Base URL of the local HTTP server holding the webhook route (webhook mode only). */
  httpUrl: string | undefined;
  chat(chatId?: number): FakeTelegramChat;
  close(): Promise<void>;
}

export async function startTelegramHarness(options: {
  runtime: Pick<ConversationRuntime, 'handle' | 'registerSink'>;
  webhook?: boolean;
  log?: Logger;
  maxRetryAttempts?: number;
}): Promise<TelegramHarness> {
  const api = await FakeBotApi.start({ maxPollMs: 500 });
  let server: Server | undefined;
  let httpUrl: string | undefined;
  let webhookUrl: string | undefined;
  if (options.webhook) {
    // Listen first so the webhook URL is known before the adapter is built; routes added below.
    const app = express();
    const router = express.Router();
    app.use(router);
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    httpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    webhookUrl = `${httpUrl}/telegram/webhook`;
    const adapter = build(webhookUrl);
    for (const m of adapter.mounts ?? []) router.use(m.path, m.router);
    return finish(adapter);
  }
  return finish(build(undefined));

  function build(url: string | undefined): ChannelAdapter {
    return createTelegramAdapter({
      runtime: options.runtime,
      log: options.log ?? testLogger(),
      token: api.token,
      apiRoot: api.apiRoot,
      pollTimeoutSeconds: 1,
      maxRetryAttempts: options.maxRetryAttempts ?? 3,
      onUpdateDone: api.updateDone,
      ...(url ? { webhookUrl: url } : {}),
    });
  }

  async function finish(adapter: ChannelAdapter): Promise<TelegramHarness> {
    await adapter.start();
    return {
      api,
      adapter,
      httpUrl,
      chat: (chatId) => new FakeTelegramChat(api, chatId),
      async close() {
        await adapter.stop();
        await api.close();
        if (server) {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server!.close(() => resolve()));
        }
      },
    };
  }
}
