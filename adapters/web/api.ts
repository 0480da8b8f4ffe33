/**
 * The web chat's JSON API at `/chat/api`:
 * - `POST /messages` with JSON `{text}` or `{choice}`, or multipart with a photo in `image` (and an
 *   optional `text`): the conversation's replies, `{"replies":[{text, choices?, files?}]}`, files
 *   as download links. A file that is not a photo is refused with a Spanish reply, not passed on.
 * - `GET /messages`: replies that arrived later (an invoice stamped after a delay).
 * - `GET /branding/<code>` and `GET /logo/<code>`: the shop's name, colour and logo for a ticket.
 */
import express, { type RequestHandler, type Response, Router } from 'express';
import multer from 'multer';
import type { ConversationRuntime } from '../../src/conversation/runtime.ts';
import type { InboundMessage, Reply } from '../../src/conversation/types.ts';
import type { Sql } from '../../src/db/database.ts';
import { TicketCode } from '../../src/sat/code.ts';
import { webCopy } from './copy.ts';
import { linkToken } from './files.ts';
import { imageMimeOf } from './images.ts';
import { ensureSession, sessionOf } from './session.ts';

export const MAX_TEXT = 2_000;
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;
const MAX_CHOICE = 64;

export interface WireReply {
  text: string;
  choices?: Array<{ id: string; label: string }>;
  files?: Array<{ name: string; mime: string; url: string }>;
}

export interface ChatApiOptions {
  runtime: Pick<ConversationRuntime, 'handle' | 'takePending'>;
  sql: Sql;
  limiters: RequestHandler[];
  secureCookies: boolean;
}

export function createChatApiRouter(options: ChatApiOptions): Router {
  const { runtime, sql } = options;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 4, fieldSize: 8 * 1024 },
  }).single('image');

  /** Replies as sent on the wire: files become one-month, three-download links. */
  const toWire = async (replies: Reply[]): Promise<WireReply[]> => {
    const out: WireReply[] = [];
    for (const reply of replies) {
      const files: NonNullable<WireReply['files']> = [];
      for (const file of reply.files ?? []) {
        if (!file.ref) continue;
        const token = await linkToken(sql, file.ref.invoiceUuid, file.ref.kind);
        if (token) files.push({ name: file.name, mime: file.mime, url: `/chat/files/${token}` });
      }
      out.push({
        text: reply.text,
        ...(reply.choices?.length ? { choices: reply.choices.map(({ id, label }) => ({ id, label })) } : {}),
        ...(files.length ? { files } : {}),
      });
    }
    return out;
  };

  /** multer's failures are the sender's: a photo too large is told in Spanish, the rest is a 400. */
  const readUpload: RequestHandler = (req, res, next) => {
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') {
        res.json({ replies: [{ text: webCopy.imageTooLarge }] });
        return;
      }
      const field = err instanceof multer.MulterError ? (err.field ?? 'image') : 'body';
      res.status(400).json({
        error: {
          code: 'invalid_request',
          message: `Unreadable upload: ${err instanceof Error ? err.message : String(err)}`,
          fields: [{ field, message: 'send one photo, in the multipart field "image"' }],
        },
      });
    });
  };

  /** One message from the person: text, a tapped choice or a photo (with an optional caption). */
  const postMessage: RequestHandler = async (req, res, next) => {
    try {
      const { text, choice } = fieldsOf(req.body);
      if (text === undefined && choice === undefined && !req.file) return missingContent(res);
      let image: InboundMessage['image'];
      if (req.file) {
        const bytes = new Uint8Array(req.file.buffer);
        const mime = imageMimeOf(bytes);
        if (!mime) {
          req.log?.debug(
            { claimed: req.file.mimetype, bytes: bytes.length },
            'web chat upload is not an image',
          );
          res.json({ replies: [{ text: webCopy.notAnImage }] });
          return;
        }
        image = { bytes, mime };
      }
      const message: InboundMessage = {
        channel: 'web',
        chatId: sessionOf(req, res)!,
        ...(text !== undefined ? { text } : {}),
        ...(choice !== undefined ? { choice } : {}),
        ...(image ? { image } : {}),
        receivedAt: new Date(),
      };
      res.json({ replies: await toWire(await runtime.handle(message)) });
    } catch (err) {
      next(err);
    }
  };

  // Only the conversation routes hand out sessions: the page fetches its branding at the same time
  // as it sends the first message, and two new sessions racing for the cookie would lose one.
  const session = ensureSession({ secure: options.secureCookies });
  const api = Router();
  api.post(
    '/messages',
    session,
    ...options.limiters,
    readUpload,
    express.json({ limit: '32kb' }),
    postMessage,
  );
  api.get('/messages', session, ...options.limiters, async (req, res, next) => {
    try {
      res.json({ replies: await toWire(await runtime.takePending('web', sessionOf(req, res)!)) });
    } catch (err) {
      next(err);
    }
  });
  api.get('/branding/:code', ...options.limiters, async (req, res, next) => {
    try {
      const code = TicketCode.parse(String(req.params['code'] ?? ''));
      const [row] = code
        ? await sql`
            select coalesce(s.brand_name, c.name) as name, s.brand_color as color, s.brand_logo is not null as has_logo, c.is_demo
            from tickets t join companies c on c.id = t.company_id join company_settings s on s.company_id = t.company_id
            where t.code = ${code.compact}`
        : [];
      if (!row) {
        res.status(404).json({ error: { code: 'not_found', message: 'Unknown ticket code' } });
        return;
      }
      res.json({
        name: row.name,
        color: row.color,
        logo: row.has_logo ? `/chat/api/logo/${code!.compact}` : null,
        demo: row.is_demo,
      });
    } catch (err) {
      next(err);
    }
  });
  api.get('/logo/:code', ...options.limiters, async (req, res, next) => {
    try {
      const code = TicketCode.parse(String(req.params['code'] ?? ''));
      const [row] = code
        ? await sql`select s.brand_logo, s.brand_logo_mime from tickets t join company_settings s on s.company_id = t.company_id
                    where t.code = ${code.compact} and s.brand_logo is not null`
        : [];
      if (!row) {
        res.status(404).end();
        return;
      }
      res
        .type(row.brand_logo_mime ?? 'image/png')
        .set('cache-control', 'public, max-age=3600')
        .send(row.brand_logo);
    } catch (err) {
      next(err);
    }
  });
  return api;
}

/** The text (not blank, bounded) and the choice of a JSON or multipart body. */
function fieldsOf(body: unknown): { text?: string; choice?: string } {
  const { text, choice } = (body ?? {}) as { text?: unknown; choice?: unknown };
  return {
    ...(typeof text === 'string' && text.trim() !== '' ? { text: text.slice(0, MAX_TEXT) } : {}),
    ...(typeof choice === 'string' && choice !== '' ? { choice: choice.slice(0, MAX_CHOICE) } : {}),
  };
}

function missingContent(res: Response): void {
  res.status(400).json({
    error: {
      code: 'invalid_request',
      message: 'Send text, choice or image',
      fields: [{ field: 'text', message: 'required (not blank) when there is no choice or image' }],
    },
  });
}
