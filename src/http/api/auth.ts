/**
 * Bearer API keys: who is calling (one company, one role) and whether the role may call this
 * endpoint. Unknown and revoked keys get 401; a known key with the wrong role gets 403.
 */
import type { RequestHandler } from 'express';
import { type ApiPrincipal, authenticateApiKey, type KeyRole } from '../../companies/keys.ts';
import type { Queryable } from '../../db/database.ts';
import { HttpError } from '../errors.ts';

declare global {
  namespace Express {
    interface Request {
      principal?: ApiPrincipal;
    }
  }
}

/** Resolves `Authorization: Bearer <key>` to req.principal, or answers 401. */
export function authenticate(sql: Queryable): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/iu.exec(req.header('authorization') ?? '');
    const principal = match ? await authenticateApiKey(sql, match[1]!) : null;
    if (!principal) {
      res.setHeader('www-authenticate', 'Bearer realm="autofactura"');
      throw HttpError.unauthorized();
    }
    req.principal = principal;
    next();
  };
}

/** Lets through only keys whose role is in `roles`. */
export function requireRole(roles: readonly KeyRole[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.principal || !roles.includes(req.principal.role)) {
      throw HttpError.forbidden(`This endpoint needs a key with role ${roles.join(' or ')}`);
    }
    next();
  };
}

/** The authenticated principal; only valid after `authenticate`. */
export function principalOf(req: { principal?: ApiPrincipal }): ApiPrincipal {
  if (!req.principal) throw HttpError.unauthorized();
  return req.principal;
}
