/**
 * A scripted web chat visitor over real HTTP: keeps the session cookie like a browser would and
 * checks every answer against the API contract (`{"replies":[{text, choices?, files?}]}`, nothing
 * else). `issueOverWeb` runs a whole invoice conversation and returns the file links.
 */
import { expect } from 'vitest';
import { happyPath } from '../../helpers/app.ts';

export interface WireChoice {
  id: string;
  label: string;
}
export interface WireFile {
  name: string;
  mime: string;
  url: string;
}
export interface WireReply {
  text: string;
  choices?: WireChoice[];
  files?: WireFile[];
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Fails unless `body` is exactly `{replies: [...]}` with the documented fields and types. */
export function expectContract(body: unknown): WireReply[] {
  expect(Object.keys(body as object)).toEqual(['replies']);
  const replies = (body as { replies: unknown }).replies;
  expect(Array.isArray(replies)).toBe(true);
  for (const reply of replies as Record<string, unknown>[]) {
    expect(typeof reply['text']).toBe('string');
    for (const key of Object.keys(reply)) expect(['text', 'choices', 'files']).toContain(key);
    if ('choices' in reply) {
      expect((reply['choices'] as unknown[]).length).toBeGreaterThan(0);
      for (const c of reply['choices'] as Record<string, unknown>[]) {
        expect(Object.keys(c).sort()).toEqual(['id', 'label']);
        expect(typeof c['id']).toBe('string');
        expect(typeof c['label']).toBe('string');
      }
    }
    if ('files' in reply) {
      for (const f of reply['files'] as Record<string, unknown>[]) {
        expect(Object.keys(f).sort()).toEqual(['mime', 'name', 'url']);
        expect(f['url']).toMatch(/^\/chat\/files\/[A-Za-z0-9_-]{16,64}$/u);
      }
    }
  }
  return replies as WireReply[];
}

export class WebChatClient {
  cookie: string | null = null;

  constructor(
    readonly baseUrl: string,
    /** Sent with every request (e.g. `x-forwarded-for` to play another IP address). */
    readonly headers: Record<string, string> = {},
  ) {}

  /** POSTs JSON (or a FormData) to /chat/api/messages; keeps any cookie set. */
  async post(body: unknown, init: { raw?: string; contentType?: string } = {}): Promise<Answer> {
    const isForm = body instanceof FormData;
    const res = await fetch(`${this.baseUrl}/chat/api/messages`, {
      method: 'POST',
      headers: {
        ...this.headers,
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(isForm ? {} : { 'content-type': init.contentType ?? 'application/json' }),
      },
      body: isForm ? body : (init.raw ?? JSON.stringify(body)),
    });
    return this.read(res);
  }

  async poll(): Promise<Answer> {
    const res = await fetch(`${this.baseUrl}/chat/api/messages`, {
      headers: { ...this.headers, ...(this.cookie ? { cookie: this.cookie } : {}) },
    });
    return this.read(res);
  }

  /** Sends one message and returns the replies, checking status 200 and the contract. */
  async say(body: { text?: string; choice?: string } | FormData): Promise<WireReply[]> {
    const answer = await this.post(body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return expectContract(answer.body);
  }

  /** The session id inside the cookie (the conversation's chatId). */
  get session(): string | null {
    return this.cookie?.split('=')[1] ?? null;
  }

  private async read(res: Response): Promise<Answer> {
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';', 1)[0]!;
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
  }
}

/** A whole invoice through the web chat API; returns the final replies and the PDF and XML links. */
export async function issueOverWeb(
  client: WebChatClient,
  ticket: { code: string; date: string; total: string },
): Promise<{ replies: WireReply[]; pdf: WireFile; xml: WireFile }> {
  for (const message of happyPath(ticket)) await client.say(message);
  const replies = await client.say({ choice: 'confirm' });
  const files = replies.flatMap((r) => r.files ?? []);
  const pdf = files.find((f) => f.mime === 'application/pdf');
  const xml = files.find((f) => f.mime === 'application/xml');
  if (!pdf || !xml) throw new Error(`no invoice files in ${JSON.stringify(replies)}`);
  return { replies, pdf, xml };
}
