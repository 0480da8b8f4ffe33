/**
 * The middleware chain of one endpoint: authenticate, rate-limit, check the role, parse the body
 * (JSON with a size limit, or multipart for file uploads), validate params, query and body with the
 * contract's zod schemas, run the handler, send its reply.
 */
import express, { type RequestHandler } from 'express';
import multer from 'multer';
import type { z } from 'zod';
import type { Queryable } from '../../db/database.ts';
import { type FieldProblem, zodProblems } from '../../tickets/problems.ts';
import { HttpError } from '../errors.ts';
import { authenticate, principalOf, requireRole } from './auth.ts';
import { type Endpoint, type Implemented, sendReply, type UploadedFile } from './endpoint.ts';

export const MAX_UPLOAD_BYTES = 64 * 1024;

function parse(schema: z.ZodType | undefined, value: unknown, problems: FieldProblem[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  problems.push(...zodProblems(result.error));
  return undefined;
}

/** 415 when a body is present in another media type than `type`. */
function requireMediaType(type: string, name: string): RequestHandler {
  return (req, _res, next) => {
    const hasBody =
      Number(req.header('content-length') ?? 0) > 0 || req.header('transfer-encoding') !== undefined;
    if (hasBody && !req.is(type)) {
      throw new HttpError(415, 'unsupported_media_type', `Send the body as ${name} (Content-Type: ${type})`);
    }
    next();
  };
}

function jsonBody(e: Endpoint): RequestHandler[] {
  const parser = express.json({ limit: e.bodyLimit ?? '1mb', type: 'application/json' });
  return [requireMediaType('application/json', 'JSON'), parser];
}

function multipartBody(e: Endpoint): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: MAX_UPLOAD_BYTES,
      files: e.files!.length + 1,
      fields: 10,
      fieldSize: 4096,
      parts: 20,
    },
  }).fields(e.files!.map((name) => ({ name, maxCount: 1 })));
  return (req, res, next) => {
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') {
          return next(
            new HttpError(
              413,
              'payload_too_large',
              `${err.field} is larger than ${MAX_UPLOAD_BYTES / 1024} KB`,
            ),
          );
        }
        const field = err.field ?? 'body';
        const message = err.code === 'LIMIT_UNEXPECTED_FILE' ? 'unexpected file field' : err.message;
        return next(HttpError.badRequest([{ field, message }]));
      }
      return next(HttpError.badRequest([{ field: 'body', message: 'malformed multipart/form-data body' }]));
    });
  };
}

function uploadedFiles(
  e: Endpoint,
  raw: unknown,
  problems: FieldProblem[],
): Record<string, UploadedFile | undefined> {
  const files: Record<string, UploadedFile | undefined> = {};
  const byField = (raw ?? {}) as Record<string, UploadedFile[] | undefined>;
  for (const name of e.files ?? []) {
    const file = byField[name]?.[0];
    if (!file || file.size === 0) problems.push({ field: name, message: 'required (a file)' });
    files[name] = file;
  }
  return files;
}

/** The handlers express runs for one endpoint, in order. `limiter` is shared by all endpoints. */
export function endpointChain(sql: Queryable, impl: Implemented, limiter: RequestHandler): RequestHandler[] {
  const e = impl.endpoint;
  const body = e.files
    ? [requireMediaType('multipart/form-data', 'multipart/form-data'), multipartBody(e)]
    : e.body
      ? jsonBody(e)
      : [];
  const run: RequestHandler = async (req, res) => {
    const problems: FieldProblem[] = [];
    const params = parse(e.params, req.params, problems);
    const query = parse(e.query, req.query, problems);
    const files = e.files ? uploadedFiles(e, req.files, problems) : {};
    const parsedBody = parse(e.body, e.files ? { ...req.body } : req.body, problems);
    if (problems.length > 0) throw HttpError.badRequest(problems);
    const reply = await impl.handler({
      params,
      query,
      body: parsedBody,
      files,
      principal: principalOf(req),
      req,
    });
    sendReply(res, reply);
  };
  return [authenticate(sql), limiter, requireRole(e.roles), ...body, run];
}
