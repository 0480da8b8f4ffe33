/**
 * The web chat: a responsive page at `/` (and `/t/<code>`, what the ticket's QR opens, with the code
 * already sent) and a small JSON API at `/chat/api` that the page uses and others can script.
 * It only translates HTTP <-> neutral messages; the conversation lives in the runtime.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express, { type Request, type Response, Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import multer from 'multer';
import type { ConversationRuntime } from '../../src/conversation/runtime.ts';
import type { InboundMessage, Reply } from '../../src/conversation/types.ts';
import type { Sql } from '../../src/db/database.ts';
import type { Mount } from '../../src/http/app.ts';
import { fileBaseName, loadInvoiceRecord } from '../../src/invoices/files.ts';
import type { Logger } from '../../src/log.ts';
import { TicketCode } from '../../src/sat/code.ts';
import { linkToken, takeDownload } from './files.ts';

const PUBLIC = new URL('./public/', import.meta.url);
const COOKIE = 'af_chat';
const MAX_TEXT = 2_000;
const MAX_IMAGE_BYTES = 15 * 1024 * 1024;

export interface WebChatOptions {
  runtime: Pick<ConversationRuntime, 'handle' | 'takePending'>;
  sql: Sql;
  log: Logger;
  renderPdf(xml: string, invoiceId: string): Promise<Buffer>;
  /** Requests per minute per IP and per session. */
  rateLimitPerMinute?: number;
  secureCookies?: boolean;
}

interface WireReply {
  text: string;
  choices?: Array<{ id: string; label: string }>;
  files?: Array<{ name: string; mime: string; url: string }>;
}

export function createWebChat(options: WebChatOptions): { mounts: Mount[]; notes: string[] } {
  const { runtime, sql, log } = options;
  const page = readFileSync(new URL('index.html', PUBLIC), 'utf8');
  const assets: Record<string, { type: string; body: string }> = {
    'app.js': {
      type: 'text/javascript; charset=utf-8',
      body: readFileSync(new URL('app.js', PUBLIC), 'utf8'),
    },
    'app.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('app.css', PUBLIC), 'utf8') },
  };
  const perMinute = options.rateLimitPerMinute ?? 60;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 4 },
  });

  const session = (req: Request, res: Response): string => {
    const existing = parseCookie(req.headers.cookie ?? '')[COOKIE];
    if (existing && /^[A-Za-z0-9_-]{22,64}$/u.test(existing)) return existing;
    const id = randomBytes(18).toString('base64url');
    res.cookie(COOKIE, id, {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookies ?? false,
      maxAge: 30 * 24 * 3600_000,
      path: '/',
    });
    return id;
  };

  const toWire = async (replies: Reply[]): Promise<WireReply[]> => {
    const out: WireReply[] = [];
    for (const reply of replies) {
      const files: WireReply['files'] = [];
      for (const file of reply.files ?? []) {
        if (!file.ref) continue;
        const token = await linkToken(sql, file.ref.invoiceUuid, file.ref.kind);
        if (token) files.push({ name: file.name, mime: file.mime, url: `/chat/files/${token}` });
      }
      out.push({
        text: reply.text,
        ...(reply.choices?.length ? { choices: reply.choices } : {}),
        ...(files.length ? { files } : {}),
      });
    }
    return out;
  };

  const limiter = rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${parseCookie(req.headers.cookie ?? '')[COOKIE] ?? ''}`,
    handler: (_req, res) => {
      res.status(429).json({
        error: { code: 'rate_limited', message: 'Demasiados mensajes; espera un minuto, por favor.' },
      });
    },
  });

  const api = Router();
  api.use(limiter);
  api.post('/messages', upload.single('image'), express.json({ limit: '32kb' }), async (req, res, next) => {
    try {
      const chatId = session(req, res);
      const body = (req.body ?? {}) as { text?: unknown; choice?: unknown };
      const text = typeof body.text === 'string' ? body.text.slice(0, MAX_TEXT) : undefined;
      const choice = typeof body.choice === 'string' ? body.choice.slice(0, 64) : undefined;
      const image = req.file
        ? { bytes: new Uint8Array(req.file.buffer), mime: req.file.mimetype }
        : undefined;
      if (text === undefined && choice === undefined && !image) {
        res.status(400).json({
          error: {
            code: 'invalid_request',
            message: 'Send text, choice or image',
            fields: [{ field: 'text', message: 'required when there is no choice or image' }],
          },
        });
        return;
      }
      const message: InboundMessage = {
        channel: 'web',
        chatId,
        ...(text !== undefined ? { text } : {}),
        ...(choice !== undefined ? { choice } : {}),
        ...(image ? { image } : {}),
        receivedAt: new Date(),
      };
      const replies = await runtime.handle(message);
      res.json({ replies: await toWire(replies) });
    } catch (err) {
      next(err);
    }
  });
  api.get('/messages', async (req, res, next) => {
    try {
      const chatId = session(req, res);
      res.json({ replies: await toWire(await runtime.takePending('web', chatId)) });
    } catch (err) {
      next(err);
    }
  });
  api.get('/branding/:code', async (req, res, next) => {
    try {
      const code = TicketCode.parse(req.params.code);
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
  api.get('/logo/:code', async (req, res, next) => {
    try {
      const code = TicketCode.parse(req.params.code);
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

  const files = Router();
  files.use(limiter);
  files.get('/:token', async (req, res, next) => {
    try {
      const taken = await takeDownload(sql, req.params.token);
      if (!taken.ok) {
        const message = {
          unknown: 'Este enlace no existe.',
          expired:
            'Este enlace ya venció: los archivos se pueden descargar durante un mes desde que se emitió la factura.',
          limit: 'Este enlace ya se usó 3 veces. Pide un reenvío en el chat escribiendo "reenviar".',
        }[taken.reason];
        res.status(taken.reason === 'unknown' ? 404 : 410).json({ error: { code: taken.reason, message } });
        return;
      }
      const record = await loadInvoiceRecord(sql, { id: taken.invoiceId });
      const base = record ? fileBaseName(record.companyRfc, record.serie, record.folio) : 'factura';
      if (taken.kind === 'xml') {
        res.type('application/xml').attachment(`${base}.xml`).send(taken.xml);
      } else {
        res
          .type('application/pdf')
          .attachment(`${base}.pdf`)
          .send(await options.renderPdf(taken.xml, taken.invoiceId));
      }
    } catch (err) {
      next(err);
    }
  });

  const pages = Router();
  const sendPage = (_req: Request, res: Response) => {
    res.type('html').set('cache-control', 'no-store').send(page);
  };
  pages.get('/', sendPage);
  pages.get('/t/:code', sendPage);
  pages.get('/chat/assets/:name', (req, res) => {
    const asset = assets[req.params.name];
    if (!asset) {
      res.status(404).end();
      return;
    }
    res.type(asset.type).set('cache-control', 'public, max-age=300').send(asset.body);
  });
  log.debug('web chat ready');

  return {
    mounts: [
      { path: '/chat/api', router: api },
      { path: '/chat/files', router: files },
      { path: '/', router: pages },
    ],
    notes: ['Web chat: open / (or a ticket link /t/<code>) in a browser.'],
  };
}

function parseCookie(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}
