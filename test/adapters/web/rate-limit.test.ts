/**
 * Web chat rate limits over real HTTP, with a low budget (4 requests a minute per session, five
 * sessions' worth per IP address). Addresses are played with X-Forwarded-For, which the app trusts
 * from loopback only (its proxy).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IP_BUDGET_SESSIONS } from '../../../adapters/web/limits.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { DB_MODE } from '../../helpers/db.ts';
import { WebChatClient } from './client.ts';

const PER_SESSION = 4;
const PER_IP = PER_SESSION * IP_BUDGET_SESSIONS;

describe(`web chat rate limits (${DB_MODE})`, () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ webRateLimitPerMinute: PER_SESSION });
  });
  afterAll(() => app?.close());

  const from = (ip: string) => new WebChatClient(app.url, { 'x-forwarded-for': ip });

  it('limits one session, wherever it comes from, and answers 429 in Spanish', async () => {
    const ana = from('203.0.113.10');
    expect((await ana.post({ text: 'hola' })).status).toBe(200);
    for (let i = 2; i <= PER_SESSION; i++) expect((await ana.poll()).status, `request ${i}`).toBe(200);

    const over = await ana.post({ text: 'hola otra vez' });
    expect(over.status).toBe(429);
    expect(over.body).toEqual({
      error: { code: 'rate_limited', message: expect.stringContaining('Espera un minuto') },
    });
    expect(over.headers.get('ratelimit-policy')).toBe(`${PER_SESSION};w=60`);

    // The same session from another address (a phone leaving Wi-Fi) is still over its budget...
    const moved = new WebChatClient(app.url, { 'x-forwarded-for': '198.51.100.7' });
    moved.cookie = ana.cookie;
    expect((await moved.poll()).status).toBe(429);
    // ...while another person on Ana's address has a budget of their own.
    const beto = from('203.0.113.10');
    expect((await beto.post({ text: 'hola' })).status).toBe(200);
    expect(beto.cookie).not.toBe(ana.cookie);
  });

  it('limits one address however many sessions it opens', async () => {
    const ip = '192.0.2.55';
    const statuses: number[] = [];
    // A script that drops its cookie: every request is a new session.
    for (let i = 0; i < PER_IP + 1; i++) statuses.push((await from(ip).poll()).status);
    expect(statuses.slice(0, PER_IP).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // File links count against the same budget.
    expect(
      (
        await fetch(`${app.url}/chat/files/AAAAAAAAAAAAAAAAAAAAAAAA`, {
          headers: { 'x-forwarded-for': ip },
        })
      ).status,
    ).toBe(429);
    // Other addresses are not affected.
    expect((await from('192.0.2.56').poll()).status).toBe(200);
  });
});
