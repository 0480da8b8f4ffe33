/**
 * The web chat session: a random id in an httpOnly cookie, the conversation's `chatId`. Set on the
 * first answer of the chat API; a browser that never sent one has no session yet.
 */
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const SESSION_COOKIE = 'af_chat';
const SESSION_PATTERN = /^[A-Za-z0-9_-]{22,64}$/u;
const MAX_AGE_MS = 30 * 24 * 3600_000;

/** The session the request carries (or was just given), or null. */
export function sessionOf(req: Request, res: Response): string | null {
  const given = res.locals['chatSession'];
  if (typeof given === 'string') return given;
  const cookie = parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE];
  return cookie && SESSION_PATTERN.test(cookie) ? cookie : null;
}

/** Middleware: gives a request without a (well-formed) session cookie a new session and its cookie. */
export function ensureSession(options: { secure: boolean }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!sessionOf(req, res)) {
      const id = randomBytes(18).toString('base64url');
      res.cookie(SESSION_COOKIE, id, {
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secure,
        maxAge: MAX_AGE_MS,
        path: '/',
      });
      res.locals['chatSession'] = id;
    }
    next();
  };
}

function parseCookie(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    try {
      out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // A malformed %-escape in someone else's cookie is not our problem.
    }
  }
  return out;
}
