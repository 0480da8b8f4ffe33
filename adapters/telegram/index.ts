/**
 * The Telegram channel (grammY): long polling with @grammyjs/runner by default, or a webhook at
 * `/telegram/webhook` when `webhookUrl` is set. It only translates: updates -> `InboundMessage`
 * -> `runtime.handle`, and the runtime's replies -> Bot API calls through the registered sink.
 * 429 and 5xx answers are retried by @grammyjs/auto-retry.
 */
import { createHmac } from 'node:crypto';
import { autoRetry } from '@grammyjs/auto-retry';
import { type RunnerHandle, run, sequentialize } from '@grammyjs/runner';
import { Bot, type Context, GrammyError } from 'grammy';
import type { ConversationRuntime } from '../../src/conversation/runtime.ts';
import type { InboundMessage } from '../../src/conversation/types.ts';
import type { Mount } from '../../src/http/app.ts';
import type { Logger } from '../../src/log.ts';
import { telegramCopy } from './copy.ts';
import { createFileFetcher, type FileFetcher, TelegramFileError } from './files.ts';
import { fromCallback, fromMessage, type InboundOutcome } from './inbound.ts';
import { sendReplies } from './outbound.ts';
import { createWebhookRouter, WEBHOOK_PATH } from './webhook.ts';

export const DEFAULT_API_ROOT = 'https://api.telegram.org';

export interface TelegramAdapterOptions {
  runtime: Pick<ConversationRuntime, 'handle' | 'registerSink'>;
  log: Logger;
  /** Bot token from @BotFather. */
  token: string;
  /** Bot API root; tests point it at a fake server. */
  apiRoot?: string;
  /** Public HTTPS URL of `/telegram/webhook`; set: webhook mode, unset: long polling. */
  webhookUrl?: string;
  /** Webhook secret; default derived from the token, so every process of one bot agrees. */
  secretToken?: string;
  /** Long-polling wait per getUpdates call, in seconds (default 30). */
  pollTimeoutSeconds?: number;
  /** Retries of a Bot API call answered 429/5xx before the call fails (default 5). */
  maxRetryAttempts?: number;
  maxFileBytes?: number;
  now?: () => Date;
  /** Called when an update was fully handled (replies sent or failure reported); for tests and metrics. */
  onUpdateDone?: (updateId: number) => void;
}

export interface ChannelAdapter {
  start(): Promise<void>;
  stop(): Promise<void>;
  mounts?: Mount[];
  notes: string[];
}

const TYPING_REFRESH_MS = 4_500;

/** Builds the Telegram channel; nothing talks to Telegram until `start()`. */
export function createTelegramAdapter(options: TelegramAdapterOptions): ChannelAdapter {
  const { runtime, log } = options;
  const apiRoot = (options.apiRoot ?? DEFAULT_API_ROOT).replace(/\/+$/u, '');
  const now = options.now ?? (() => new Date());
  const secretToken = options.secretToken ?? deriveSecretToken(options.token);
  const bot = new Bot(options.token, { client: { apiRoot } });
  // Inner transformer: reports every failed attempt (a 409 from a second poller, a 429...), never the payload.
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      const res = await prev(method, payload, signal);
      if (!res.ok)
        log.warn({ method, code: res.error_code, description: res.description }, 'telegram api call failed');
      return res;
    } catch (err) {
      if (!signal?.aborted) log.warn({ err, method }, 'telegram api call failed');
      throw err;
    }
  });
  bot.api.config.use(autoRetry({ maxRetryAttempts: options.maxRetryAttempts ?? 5, maxDelaySeconds: 300 }));
  const fetchFile: FileFetcher = createFileFetcher({
    api: bot.api,
    token: options.token,
    apiRoot,
    maxBytes: options.maxFileBytes,
  });

  bot.use(async (ctx, next) => {
    try {
      await next();
    } finally {
      options.onUpdateDone?.(ctx.update.update_id);
    }
  });
  bot.use(sequentialize((ctx: Context) => (ctx.chat ? String(ctx.chat.id) : undefined)));
  bot.on('message', async (ctx) => {
    const outcome = await translate(ctx, () => fromMessage(ctx.message, fetchFile, now));
    if (outcome) await deliver(outcome);
  });
  bot.on('callback_query', async (ctx) => {
    await ctx.answerCallbackQuery().catch((err) => log.warn({ err }, 'answerCallbackQuery failed'));
    const outcome = fromCallback(ctx.callbackQuery, now);
    if (outcome.kind === 'message' && ctx.callbackQuery.message) {
      await ctx
        .editMessageReplyMarkup({ reply_markup: undefined })
        .catch((err) => log.debug({ err }, 'could not remove the inline keyboard'));
    }
    await deliver(outcome);
  });
  bot.catch((err) =>
    log.error({ err: err.error, updateId: err.ctx.update.update_id }, 'telegram update failed'),
  );

  /** Runs a translation; a file that cannot be read is explained to the person instead. */
  async function translate(
    ctx: Context,
    work: () => Promise<InboundOutcome>,
  ): Promise<InboundOutcome | null> {
    try {
      return await work();
    } catch (err) {
      const tooLarge = err instanceof TelegramFileError && err.code === 'too_large';
      log.warn({ err }, 'could not read a Telegram file');
      if (ctx.chat) {
        await bot.api
          .sendMessage(ctx.chat.id, tooLarge ? telegramCopy.fileTooLarge : telegramCopy.downloadFailed)
          .catch((e) => log.warn({ err: e }, 'could not tell the person about the file'));
      }
      return null;
    }
  }

  async function deliver(outcome: InboundOutcome): Promise<void> {
    if (outcome.kind === 'ignored') {
      log.debug({ reason: outcome.reason }, 'telegram update ignored');
      return;
    }
    const message: InboundMessage = outcome.message;
    const stopTyping = keepTyping(message.chatId);
    try {
      await runtime.handle(message);
    } catch (err) {
      log.error({ err }, 'conversation failed for a Telegram message');
      await bot.api
        .sendMessage(message.chatId, telegramCopy.failure)
        .catch((e) => log.warn({ err: e }, 'could not report the failure'));
    } finally {
      stopTyping();
    }
  }

  /** "typing…" until the work is done (Telegram shows it for about five seconds per call). */
  function keepTyping(chatId: string): () => void {
    const send = () =>
      void bot.api
        .sendChatAction(chatId, 'typing')
        .catch((err) => log.debug({ err }, 'sendChatAction failed'));
    send();
    const timer = setInterval(send, TYPING_REFRESH_MS);
    timer.unref();
    return () => clearInterval(timer);
  }

  runtime.registerSink('telegram', (chatId, replies) => sendReplies(bot.api, chatId, replies, log));

  const webhook = options.webhookUrl ? createWebhookRouter(bot, secretToken, log) : null;
  let runner: RunnerHandle | null = null;
  let stopping = false;

  async function startPolling(): Promise<void> {
    await bot.api.deleteWebhook();
    runner = run(bot, {
      runner: {
        fetch: { timeout: options.pollTimeoutSeconds ?? 30, allowed_updates: ['message', 'callback_query'] },
        retryInterval: 'exponential',
        silent: true,
      },
    });
    void runner.task()?.then(() => {
      if (stopping) return;
      log.error('telegram polling stopped unexpectedly; restarting in 30 s');
      setTimeout(() => {
        if (!stopping) startPolling().catch((err) => log.error({ err }, 'telegram polling restart failed'));
      }, 30_000).unref();
    });
  }

  /** Identifies the bot and starts receiving updates; a network failure is retried in the background. */
  async function connect(): Promise<void> {
    await bot.init();
    if (options.webhookUrl) {
      await bot.api.setWebhook(options.webhookUrl, {
        secret_token: secretToken,
        allowed_updates: ['message', 'callback_query'],
      });
    } else {
      await startPolling();
    }
    log.info(
      { bot: bot.botInfo.username, mode: options.webhookUrl ? 'webhook' : 'polling' },
      'telegram ready',
    );
  }

  function connectInBackground(delayMs: number): void {
    setTimeout(() => {
      if (stopping) return;
      connect().catch((err) => {
        if (isUnauthorized(err))
          return log.error({ err }, 'Telegram refused the bot token; check TELEGRAM_BOT_TOKEN');
        log.error({ err }, 'telegram start failed; retrying');
        connectInBackground(Math.min(delayMs * 2, 300_000));
      });
    }, delayMs).unref();
  }

  return {
    mounts: webhook ? [{ path: WEBHOOK_PATH, router: webhook }] : [],
    notes: [
      options.webhookUrl
        ? `Telegram: webhook mode at ${WEBHOOK_PATH}`
        : 'Telegram: long polling (set TELEGRAM_WEBHOOK_URL for webhook mode)',
    ],
    async start() {
      stopping = false;
      try {
        await connect();
      } catch (err) {
        if (isUnauthorized(err)) {
          log.error({ err }, 'Telegram refused the bot token; check TELEGRAM_BOT_TOKEN');
          return;
        }
        log.error({ err }, 'telegram start failed; retrying in the background');
        connectInBackground(5_000);
      }
    },
    async stop() {
      stopping = true;
      if (runner?.isRunning()) await runner.stop();
      runner = null;
    },
  };
}

function isUnauthorized(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 401;
}

/** A webhook secret that all processes of one bot compute alike: HMAC of the token. */
export function deriveSecretToken(token: string): string {
  return createHmac('sha256', token).update('autofactura telegram webhook').digest('base64url');
}
