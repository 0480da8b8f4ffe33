/**
 * PacError: every failure of a PAC driver, with the PAC's own code and message and whether
 * repeating the same call can help. Callers decide on retries from `retryable` and `kind` only;
 * they never parse messages.
 *
 * - validation: the PAC (or our own pre-check) rejected the request (SAT CFDI40xxx, SW 30x,
 *   a cancel without folioSustitucion...). Retrying the same input fails again.
 * - auth: bad credentials or token. Not retryable, but distinct: an operator must fix config.
 * - duplicate: the PAC says the CFDI was stamped before and did not hand back that stamp.
 * - unavailable: 5xx, 429. timeout / network: no (complete) answer. aborted: the caller gave up.
 *   All retryable: drivers are idempotent, so a retry never yields a second UUID.
 * - protocol: an answer we could not understand (not JSON, missing TFD...). Retryable, except a
 *   TFD whose SelloCFD belongs to another CFDI, which is never accepted.
 * - config: wrong driver setup (missing credentials, 404 path). Not retryable.
 */

export type PacErrorKind =
  | 'validation'
  | 'auth'
  | 'duplicate'
  | 'unavailable'
  | 'timeout'
  | 'network'
  | 'aborted'
  | 'protocol'
  | 'config';

export interface PacErrorInit {
  kind: PacErrorKind;
  /** The PAC's code ("307", "CFDI40102", "AU2000"), an HTTP status, or one of ours (UPPER_SNAKE). */
  code: string;
  /** The PAC's own message text (Spanish as sent), or '' when there was no answer. */
  pacMessage: string;
  retryable: boolean;
  /** SW's `messageDetail` or similar extra text. */
  detail?: string;
  httpStatus?: number;
  cause?: unknown;
}

export class PacError extends Error {
  override readonly name = 'PacError';
  readonly kind: PacErrorKind;
  readonly code: string;
  readonly pacMessage: string;
  readonly retryable: boolean;
  readonly detail?: string;
  readonly httpStatus?: number;

  constructor(message: string, init: PacErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.code = init.code;
    this.pacMessage = init.pacMessage;
    this.retryable = init.retryable;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
  }

  /** The PAC refused the content (SAT/PAC validation code). */
  static validation(
    pac: string,
    code: string,
    pacMessage: string,
    extra: { detail?: string; httpStatus?: number } = {},
  ): PacError {
    return new PacError(`${pac} rejected the request: ${code} ${pacMessage}`.trim(), {
      kind: 'validation',
      code,
      pacMessage,
      retryable: false,
      ...extra,
    });
  }

  /** Our own check failed before calling the PAC (bad UUID, motivo 01 without folio...). */
  static invalidRequest(message: string): PacError {
    return new PacError(message, {
      kind: 'validation',
      code: 'INVALID_REQUEST',
      pacMessage: '',
      retryable: false,
    });
  }

  /** Credentials or token refused. */
  static auth(
    pac: string,
    code: string,
    pacMessage: string,
    extra: { detail?: string; httpStatus?: number } = {},
  ): PacError {
    return new PacError(`${pac} authentication failed: ${code} ${pacMessage}`.trim(), {
      kind: 'auth',
      code,
      pacMessage,
      retryable: false,
      ...extra,
    });
  }

  /** The PAC reports a previous stamp but did not return it. */
  static duplicate(pac: string, code: string, pacMessage: string): PacError {
    return new PacError(`${pac} says the CFDI was already stamped and returned no TFD: ${pacMessage}`, {
      kind: 'duplicate',
      code,
      pacMessage,
      retryable: false,
    });
  }

  /** 5xx / 429: the PAC is down or overloaded. */
  static unavailable(pac: string, httpStatus: number, code: string, pacMessage: string): PacError {
    return new PacError(`${pac} unavailable (HTTP ${httpStatus}) ${pacMessage}`.trim(), {
      kind: 'unavailable',
      code,
      pacMessage,
      retryable: true,
      httpStatus,
    });
  }

  static timeout(pac: string, timeoutMs: number, cause?: unknown): PacError {
    return new PacError(`${pac} did not answer within ${timeoutMs} ms`, {
      kind: 'timeout',
      code: 'TIMEOUT',
      pacMessage: '',
      retryable: true,
      cause,
    });
  }

  /** Connection refused/reset, DNS failure, socket closed mid-answer. */
  static network(pac: string, cause: unknown): PacError {
    const code = networkCode(cause);
    return new PacError(`${pac} connection failed (${code})`, {
      kind: 'network',
      code,
      pacMessage: '',
      retryable: true,
      cause,
    });
  }

  static aborted(pac: string, cause?: unknown): PacError {
    return new PacError(`${pac} call aborted by the caller`, {
      kind: 'aborted',
      code: 'ABORTED',
      pacMessage: '',
      retryable: true,
      cause,
    });
  }

  /** An answer we could not use. */
  static protocol(
    pac: string,
    message: string,
    extra: { retryable?: boolean; httpStatus?: number } = {},
  ): PacError {
    return new PacError(`${pac} answered unexpectedly: ${message}`, {
      kind: 'protocol',
      code: 'BAD_RESPONSE',
      pacMessage: '',
      retryable: extra.retryable ?? true,
      ...(extra.httpStatus === undefined ? {} : { httpStatus: extra.httpStatus }),
    });
  }

  static config(pac: string, message: string, httpStatus?: number): PacError {
    return new PacError(`${pac} misconfigured: ${message}`, {
      kind: 'config',
      code: httpStatus === undefined ? 'CONFIG' : String(httpStatus),
      pacMessage: '',
      retryable: false,
      ...(httpStatus === undefined ? {} : { httpStatus }),
    });
  }
}

/** Best-effort error code of a failed fetch (undici wraps the socket error in `cause`). */
function networkCode(cause: unknown): string {
  let current: unknown = cause;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return 'NETWORK';
}
