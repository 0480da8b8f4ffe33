/**
 * Webhook mode: an express router for `/telegram/webhook`. Requests without Telegram's
 * `X-Telegram-Bot-Api-Secret-Token` header, or with a wrong one, are refused before the body is
 * read. An update still being handled after 9 s is acknowledged and finishes in the background,
 * so Telegram does not resend it (a resent one would be dropped as a duplicate anyway).
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import { type Bot, webhookCallback } from 'grammy';
import type { Logger } from '../../src/log.ts';

export const WEBHOOK_PATH = '/telegram/webhook';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export function createWebhookRouter(bot: Bot, secretToken: string, log: Logger): Router {
  const expected = Buffer.from(secretToken, 'utf8');
  const handle = webhookCallback(bot, 'express', {
    secretToken,
    onTimeout: 'return',
    timeoutMilliseconds: 9_000,
  });
  const router = express.Router();
  router.post(
    '/',
    (req, res, next) => {
      const given = Buffer.from(req.header(SECRET_HEADER) ?? '', 'utf8');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        log.warn('telegram webhook request with a missing or wrong secret token');
        res.status(401).json({ error: { code: 'unauthorized', message: 'Wrong or missing secret token' } });
        return;
      }
      next();
    },
    express.json({ limit: '1mb' }),
    async (req, res) => {
      try {
        await handle(req, res);
      } catch (err) {
        log.error({ err }, 'telegram webhook update failed');
        if (!res.headersSent) res.status(200).end();
      }
    },
  );
  return router;
}
