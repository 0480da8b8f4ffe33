/**
 * One endpoint = one contract (method, path, who may call it, the zod schemas of its params,
 * query and body, its responses) plus one handler. The router and the OpenAPI document are both
 * built from the same contracts, so the documentation cannot drift from what is validated.
 */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { ApiPrincipal, KeyRole } from '../../companies/keys.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Schema = z.ZodType | undefined;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ResponseSpec {
  description: string;
  /** A named response schema (see schemas.ts); JSON unless `contentType` says otherwise. */
  schema?: z.ZodType;
  contentType?: string;
}

export interface Endpoint<P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema> {
  /** OpenAPI operationId. */
  id: string;
  method: Method;
  /** Express path relative to /api/v1, e.g. `/tickets/:code`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Key roles allowed to call it. */
  roles: readonly KeyRole[];
  params?: P;
  query?: Q;
  /** JSON body (or the text fields of a multipart body when `files` is set). */
  body?: B;
  /** What the documentation shows as the body when it differs from what is validated as a whole. */
  docBody?: z.ZodType;
  /** multipart/form-data file fields. */
  files?: readonly string[];
  /** express.json limit, default 1mb. */
  bodyLimit?: string;
  responses: Record<number, ResponseSpec>;
}

/** Declares a contract with its schema types kept for the handler. */
export function endpoint<
  P extends Schema = undefined,
  Q extends Schema = undefined,
  B extends Schema = undefined,
>(def: Endpoint<P, Q, B>): Endpoint<P, Q, B> {
  return def;
}

/** A file of a multipart body, held in memory. */
export interface UploadedFile {
  buffer: Buffer;
  originalname: string;
  size: number;
}

export interface HandlerInput<P extends Schema, Q extends Schema, B extends Schema> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  principal: ApiPrincipal;
  files: Record<string, UploadedFile | undefined>;
  req: Request;
}

/** What a handler answers: JSON, or bytes of a given type, or nothing (204). */
export type Reply =
  | { status?: number; json: unknown }
  | { status?: number; type: string; data: Buffer | string; filename?: string }
  | { status: 204 };

export type Handler<P extends Schema, Q extends Schema, B extends Schema> = (
  input: HandlerInput<P, Q, B>,
) => Promise<Reply>;

export interface Implemented {
  endpoint: Endpoint;
  handler: Handler<Schema, Schema, Schema>;
}

/** Binds a handler to its contract. */
export function implement<P extends Schema, Q extends Schema, B extends Schema>(
  contract: Endpoint<P, Q, B>,
  handler: Handler<P, Q, B>,
): Implemented {
  return { endpoint: contract as Endpoint, handler: handler as unknown as Handler<Schema, Schema, Schema> };
}

/** Sends a handler's reply. */
export function sendReply(res: Response, reply: Reply): void {
  if ('json' in reply) {
    res.status(reply.status ?? 200).json(reply.json);
  } else if ('data' in reply) {
    if (reply.filename) res.setHeader('content-disposition', `inline; filename="${reply.filename}"`);
    res
      .status(reply.status ?? 200)
      .type(reply.type)
      .send(reply.data);
  } else {
    res.status(204).end();
  }
}
