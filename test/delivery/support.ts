/**
 * Small helpers shared by the delivery tests: polling with a deadline (never a fixed sleep as an
 * assertion), a PAC wrapper that records every answer, and a chat driven through the runtime.
 */
import { createServer as createNetServer } from 'node:net';
import type { Channel, Reply, ReplyFile } from '../../src/conversation/types.ts';
import type { PacDriver, StampResult } from '../../src/invoicing/pac/index.ts';
import { rfcCheckDigit } from '../../src/sat/rfc.ts';
import { DEFAULT_RECEPTOR, type TestApp } from '../helpers/app.ts';

/** Polls `probe` until it returns a value other than undefined/false/null, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 45_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let pause = 100;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= until) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 1000);
  }
}

/** A PAC driver that records each stamp it hands out (and each failure). */
export interface RecordingPac extends PacDriver {
  stamps: StampResult[];
  failures: unknown[];
}

export function recording(driver: PacDriver, options: { delayMs?: number } = {}): RecordingPac {
  const stamps: StampResult[] = [];
  const failures: unknown[] = [];
  return {
    name: driver.name,
    stamps,
    failures,
    async stamp(xml, opts) {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      try {
        const result = await driver.stamp(xml, opts);
        stamps.push(result);
        return result;
      } catch (err) {
        failures.push(err);
        throw err;
      }
    },
    cancel: (req) => driver.cancel(req),
    status: (req) => driver.status(req),
  };
}

/** One chat of a channel, spoken to through the runtime as its adapter would. */
export function chat(app: TestApp, channel: Channel, chatId: string) {
  return {
    channel,
    chatId,
    say(message: { text?: string; choice?: string }): Promise<Reply[]> {
      return app.services.runtime.handle({ channel, chatId, ...message, receivedAt: new Date() });
    },
    /** Notices stored for this chat after the conversation moved on (what the web chat polls). */
    pending(): Promise<Reply[]> {
      return app.services.runtime.takePending(channel, chatId);
    },
  };
}

export function filesOf(replies: Reply[]): ReplyFile[] {
  return replies.flatMap((r) => r.files ?? []);
}

export function textOf(replies: Reply[]): string {
  return replies.map((r) => r.text).join('\n');
}

export function hasChoice(replies: Reply[], id: string): boolean {
  return replies.some((r) => r.choices?.some((c) => c.id === id));
}

export function xmlOf(files: ReplyFile[]): string | undefined {
  const file = files.find((f) => f.mime === 'application/xml');
  return file ? Buffer.from(file.bytes).toString('utf8') : undefined;
}

/** The value of one sample in a Prometheus text exposition (0 when absent). */
export function sample(metrics: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of metrics.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)/u.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',').filter(Boolean);
    if (wanted.every((w) => have.includes(w))) return Number(match[3]);
  }
  return 0;
}

/** GET with the admin key of the demo company; parsed JSON. */
export async function adminGet(app: TestApp, path: string): Promise<unknown> {
  const res = await fetch(`${app.url}/api/v1${path}`, {
    headers: { authorization: `Bearer ${app.demo.keys.admin}` },
  });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

const HOMOCLAVE = '123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * A receptor of its own for chat number `n` (a persona física with a valid RFC), so that no chat
 * meets a customer another chat created (which would change the questions asked).
 */
export function receptorFor(n: number, email: string | null = null): typeof DEFAULT_RECEPTOR {
  const homoclave =
    HOMOCLAVE[Math.floor(n / HOMOCLAVE.length) % HOMOCLAVE.length]! + HOMOCLAVE[n % HOMOCLAVE.length]!;
  const base = `GOMA850101${homoclave}`;
  return {
    ...DEFAULT_RECEPTOR,
    rfc: `${base}${rfcCheckDigit(base)}`,
    nombre: `Ana Gómez Prueba ${n}`,
    email,
  };
}

/** The sum of every sample of a metric, whatever its labels. */
export function total(metrics: string, name: string): number {
  let sum = 0;
  for (const line of metrics.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/u.exec(line);
    if (match?.[1] === name) sum += Number(match[2]);
  }
  return sum;
}

/** A free loopback port (nothing listens on it until someone does). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
