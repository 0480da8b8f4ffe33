/**
 * HTTP errors as JSON: `{"error":{"code","message","fields"?}}`. Never a stack trace.
 */
import type { ErrorRequestHandler } from 'express';

export interface FieldProblem {
  field: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }

  static badRequest(fields: FieldProblem[], message = 'Invalid request'): HttpError {
    return new HttpError(400, 'invalid_request', message, fields);
  }
  static unauthorized(message = 'Missing or invalid API key'): HttpError {
    return new HttpError(401, 'unauthorized', message);
  }
  static forbidden(message = 'This key may not do that'): HttpError {
    return new HttpError(403, 'forbidden', message);
  }
  static notFound(what = 'Resource'): HttpError {
    return new HttpError(404, 'not_found', `${what} not found`);
  }
  static conflict(code: string, message: string, extra?: Record<string, unknown>): HttpError {
    return new HttpError(409, code, message, undefined, extra);
  }
}

/** Turns any error into a JSON answer; unexpected ones are logged and answered 500 without details. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (err instanceof HttpError) {
    res
      .status(err.status)
      .json({ error: { code: err.code, message: err.message, fields: err.fields, ...err.extra } });
    return;
  }
  const status =
    typeof err?.status === 'number' ? err.status : typeof err?.statusCode === 'number' ? err.statusCode : 500;
  if (status === 413) {
    res.status(413).json({ error: { code: 'payload_too_large', message: 'Request body too large' } });
    return;
  }
  if (status === 400 && err?.type === 'entity.parse.failed') {
    res.status(400).json({
      error: {
        code: 'invalid_json',
        message: 'Request body is not valid JSON',
        fields: [{ field: 'body', message: 'invalid JSON' }],
      },
    });
    return;
  }
  if (status >= 400 && status < 500) {
    res
      .status(status)
      .json({ error: { code: 'bad_request', message: String(err?.message ?? 'Bad request') } });
    return;
  }
  req.log?.error({ err }, 'unhandled error');
  res.status(500).json({ error: { code: 'internal', message: 'Internal error', request_id: req.id } });
};
