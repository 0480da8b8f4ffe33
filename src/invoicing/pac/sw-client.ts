/**
 * HTTP plumbing for SW sapien's REST services: bearer token (static, or obtained from
 * /security/authenticate and cached until shortly before it expires, refreshed once on a 401),
 * per-call timeout, and the mapping of SW's JSON envelope
 * `{ status: "success"|"error", message, messageDetail, data }` to PacError.
 * Sources are listed in sw.ts.
 */
import { PacError } from './errors.ts';

export const SW_PAC = 'SW';

export interface SwEnvelope {
  status?: string;
  message?: string | null;
  messageDetail?: string | null;
  data?: unknown;
}

export interface SwResponse {
  httpStatus: number;
  /** The parsed JSON body, or null when the body was empty or not JSON. */
  body: SwEnvelope | null;
  text: string;
}

export interface SwClientOptions {
  baseUrl: string;
  /** A static ("infinite") token; when set, user/password are not used. */
  token?: string;
  user?: string;
  password?: string;
  timeoutMs: number;
  fetch: typeof fetch;
  now: () => number;
}

interface CachedToken {
  value: string;
  /** Epoch ms after which the token is not used any more. */
  refreshAt: number;
}

/** Used when SW does not say when a token expires (its documented lifetime is 2 hours). */
const DEFAULT_TOKEN_LIFETIME_MS = 2 * 60 * 60 * 1000;
const REFRESH_MARGIN_MS = 60 * 1000;

export class SwClient {
  private cached: CachedToken | undefined;
  private pendingAuth: Promise<CachedToken> | undefined;

  constructor(private readonly options: SwClientOptions) {
    if (!options.token && !(options.user && options.password)) {
      throw PacError.config(SW_PAC, 'set either a token or user and password');
    }
  }

  /** Calls an authenticated SW endpoint; renews the token once when SW answers 401. */
  async call(path: string, init: { body: BodyInit; headers?: Record<string, string>; signal?: AbortSignal }) {
    let token = await this.token();
    let response = await this.send(path, { ...init, token });
    if (response.httpStatus === 401 && !this.options.token) {
      this.invalidate(token);
      token = await this.token();
      response = await this.send(path, { ...init, token });
    }
    if (response.httpStatus === 401) throw swFailure(response);
    return response;
  }

  /** Drops a cached token (e.g. after SW rejected it). */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  /** The token to use; concurrent callers share one authentication (bounded by the timeout only). */
  private async token(): Promise<string> {
    if (this.options.token) return this.options.token;
    if (this.cached && this.options.now() < this.cached.refreshAt) return this.cached.value;
    this.pendingAuth ??= this.authenticate().finally(() => {
      this.pendingAuth = undefined;
    });
    this.cached = await this.pendingAuth;
    return this.cached.value;
  }

  private async authenticate(): Promise<CachedToken> {
    const headers = { user: this.options.user!, password: this.options.password! };
    const response = await this.send('/security/authenticate', { headers });
    const data = response.body?.data as { token?: unknown; expires_in?: unknown } | null | undefined;
    if (response.body?.status !== 'success' || typeof data?.token !== 'string' || !data.token) {
      throw response.httpStatus >= 500 || !response.body ? swFailure(response) : authFailure(response);
    }
    // Never less than a minute: a skewed clock must not turn every call into an authentication.
    const refreshAt = Math.max(this.expiry(data.expires_in) - REFRESH_MARGIN_MS, this.options.now() + 60_000);
    return { value: data.token, refreshAt };
  }

  /** SW's `expires_in` is documented as an epoch timestamp in seconds; a small number is read as a lifetime. */
  private expiry(expiresIn: unknown): number {
    const now = this.options.now();
    const value = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      return now + DEFAULT_TOKEN_LIFETIME_MS;
    return value > 1e9 ? value * 1000 : now + value * 1000;
  }

  private async send(
    path: string,
    init: {
      body?: BodyInit;
      headers?: Record<string, string>;
      token?: string;
      signal?: AbortSignal | undefined;
    },
  ): Promise<SwResponse> {
    const { timeoutMs } = this.options;
    const signals = [AbortSignal.timeout(timeoutMs), ...(init.signal ? [init.signal] : [])];
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    try {
      const res = await this.options.fetch(`${this.options.baseUrl}${path}`, {
        method: 'POST',
        headers,
        ...(init.body === undefined ? {} : { body: init.body }),
        signal: AbortSignal.any(signals),
      });
      const text = await res.text();
      return { httpStatus: res.status, body: parseEnvelope(text), text };
    } catch (error) {
      if (init.signal?.aborted) throw PacError.aborted(SW_PAC, error);
      if (isTimeout(error)) throw PacError.timeout(SW_PAC, timeoutMs, error);
      throw PacError.network(SW_PAC, error);
    }
  }
}

/** Splits SW's "CODE - text" / "307. text" message into code and text. */
export function splitSwMessage(message: string | null | undefined): { code: string; text: string } {
  const full = (message ?? '').trim();
  const match = /^([A-Z]{0,10}[0-9]+[A-Z0-9]*)\s*(?:-|\.|:)\s*([\s\S]*)$/.exec(full);
  return match ? { code: match[1]!, text: match[2]!.trim() } : { code: '', text: full };
}

/** The PacError for an SW answer that is not a success. */
export function swFailure(response: SwResponse): PacError {
  const { httpStatus, body } = response;
  const message = body?.message?.trim() ?? '';
  const { code } = splitSwMessage(message);
  const detail = body?.messageDetail ?? undefined;
  const extra = { httpStatus, ...(detail ? { detail } : {}) };
  if (httpStatus === 401 || httpStatus === 403 || code.startsWith('AU')) return authFailure(response);
  if (httpStatus >= 500 || httpStatus === 429 || httpStatus === 408 || code === 'CO1000') {
    return PacError.unavailable(SW_PAC, httpStatus, code || String(httpStatus), message);
  }
  if (httpStatus === 404)
    return PacError.config(SW_PAC, `no such endpoint (HTTP 404) ${message}`.trim(), 404);
  if (!body) return PacError.protocol(SW_PAC, `HTTP ${httpStatus} without a JSON body`, { httpStatus });
  return PacError.validation(SW_PAC, code || String(httpStatus), message, extra);
}

function authFailure(response: SwResponse): PacError {
  const message = response.body?.message?.trim() ?? '';
  const code = splitSwMessage(message).code || String(response.httpStatus);
  const detail = response.body?.messageDetail ?? undefined;
  return PacError.auth(SW_PAC, code, message, {
    httpStatus: response.httpStatus,
    ...(detail ? { detail } : {}),
  });
}

function parseEnvelope(text: string): SwEnvelope | null {
  if (!text.trim().startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as SwEnvelope) : null;
  } catch {
    return null;
  }
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'TimeoutError' || (error.cause as Error)?.name === 'TimeoutError')
  );
}
