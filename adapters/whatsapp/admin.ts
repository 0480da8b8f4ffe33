/**
 * The operator's pairing page, `/admin/whatsapp`: the current QR as an SVG (or the pairing code,
 * or "Conectado"). One WhatsApp number serves every company of the installation, so the page is
 * the operator's: it opens with OPERATOR_KEY when that is set, and otherwise with a company's admin
 * API key only while the installation has a single company (a shop running its own copy, the demo).
 * The key goes as `Authorization: Bearer <key>` or as the password of HTTP Basic auth, so a browser
 * can open it (it asks for the key and resends it on refresh).
 * `?format=json` (or `Accept: application/json`) answers the status as JSON.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import QRCode from 'qrcode';
import { authenticateApiKey } from '../../src/companies/keys.ts';
import type { Sql } from '../../src/db/database.ts';
import type { WhatsAppStatus } from './connection.ts';
import { whatsappCopy } from './copy.ts';

export const ADMIN_PATH = '/admin/whatsapp';

function presentedKey(req: Request): string | null {
  const header = req.header('authorization') ?? '';
  const bearer = /^Bearer\s+(\S+)$/iu.exec(header);
  if (bearer) return bearer[1]!;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/iu.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    return password || null;
  }
  return null;
}

function refuse(res: Response, status: 401 | 403, message: string): void {
  if (status === 401)
    res.setHeader('WWW-Authenticate', 'Basic realm="Autofactura WhatsApp", charset="UTF-8"');
  res.status(status).json({ error: { code: status === 401 ? 'unauthorized' : 'forbidden', message } });
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/gu,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const digest = (s: string) => createHash('sha256').update(s).digest();

export function createWhatsAppAdminRouter(options: {
  sql: Sql;
  status: () => WhatsAppStatus;
  operatorKey?: string;
}): Router {
  const router = express.Router();
  const operator = options.operatorKey ? digest(options.operatorKey) : null;
  router.get('/', async (req, res) => {
    const key = presentedKey(req);
    if (!key) return refuse(res, 401, 'Missing or invalid API key');
    if (operator) {
      if (!timingSafeEqual(digest(key), operator)) return refuse(res, 401, 'Missing or invalid operator key');
    } else {
      const principal = await authenticateApiKey(options.sql, key);
      if (!principal) return refuse(res, 401, 'Missing or invalid API key');
      if (principal.role !== 'admin') return refuse(res, 403, 'Only admin keys may see the WhatsApp pairing');
      const [row] = await options.sql`select count(*)::int as companies from companies`;
      if (Number(row?.companies) > 1)
        return refuse(
          res,
          403,
          'This installation serves several companies: open the WhatsApp pairing with OPERATOR_KEY',
        );
    }
    const status = options.status();
    const svg = status.qr ? await QRCode.toString(status.qr, { type: 'svg', margin: 2, width: 320 }) : null;
    res.setHeader('Cache-Control', 'no-store');
    if (req.query['format'] === 'json' || req.accepts(['html', 'json']) === 'json') {
      res.json({
        state: status.state,
        ...(svg ? { qr_svg: svg } : {}),
        ...(status.pairingCode ? { pairing_code: status.pairingCode } : {}),
        ...(status.user ? { user: status.user } : {}),
      });
      return;
    }
    res.type('html').send(page(status, svg));
  });
  return router;
}

function page(status: WhatsAppStatus, svg: string | null): string {
  const t = whatsappCopy.admin;
  let body: string;
  if (status.state === 'open')
    body = `<p class="ok">${t.open}${status.user ? ` (${escapeHtml(status.user)})` : ''}</p>`;
  else if (svg) body = `<p>${t.qr}</p>${svg}`;
  else if (status.pairingCode)
    body = `<p>${t.pairingCode}</p><p class="code">${escapeHtml(status.pairingCode)}</p>`;
  else if (status.state === 'waiting-lock') body = `<p>${t.waitingLock}</p>`;
  else if (status.state === 'replaced') body = `<p>${t.replaced}</p>`;
  else if (status.state === 'stopped') body = `<p>${t.stopped}</p>`;
  else body = `<p>${t.connecting}</p>`;
  return `<!doctype html>
<html lang="es"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${t.title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;text-align:center}
.code{font-size:2rem;letter-spacing:.2em;font-family:monospace}.ok{color:#15803d;font-weight:600}</style>
</head><body><h1>${t.title}</h1>
<div data-state="${status.state}">${body}</div></body></html>`;
}
