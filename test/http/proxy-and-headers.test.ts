/**
 * Deployment-dependent HTTP behaviour: HTTPS-only headers only when PUBLIC_URL is https (a plain
 * HTTP LAN install must not ask browsers to upgrade the chat's scripts), and TRUST_PROXY deciding
 * whose X-Forwarded-For names the client (rate limits count customers, not the proxy).
 */
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/log.ts';
import { listen } from './harness.ts';

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const server of opened.splice(0)) await server.close();
});

/** The app with one extra route that shows what Express believes about the request. */
async function appWith(env: Record<string, string>): Promise<string> {
  const ctx = {
    config: loadConfig({ LOG_LEVEL: 'silent', ...env }),
    log: createLogger({ level: 'silent', pretty: false }),
  } as unknown as AppContext; // no database: /healthz is not called here
  const probe = express.Router();
  probe.get('/', (req, res) => {
    res.json({ ip: req.ip, protocol: req.protocol });
  });
  const server = await listen(createHttpApp(ctx, [{ path: '/probe', router: probe }]));
  opened.push(server);
  return server.url;
}

describe('security headers follow PUBLIC_URL', () => {
  it('plain HTTP: no upgrade-insecure-requests, no HSTS', async () => {
    const url = await appWith({ PUBLIC_URL: 'http://192.168.1.20:3000' });
    const res = await fetch(`${url}/probe`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('HTTPS: both', async () => {
    const url = await appWith({ PUBLIC_URL: 'https://factura.example.mx' });
    const res = await fetch(`${url}/probe`);
    expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/u);
  });
});

describe('TRUST_PROXY', () => {
  const forwarded = { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' };

  it('by default believes a proxy on loopback (the test client is one)', async () => {
    const url = await appWith({});
    expect(await (await fetch(`${url}/probe`, { headers: forwarded })).json()).toEqual({
      ip: '203.0.113.7',
      protocol: 'https',
    });
  });

  it('false: the connection address, whatever the headers say', async () => {
    const url = await appWith({ TRUST_PROXY: 'false' });
    const seen = (await (await fetch(`${url}/probe`, { headers: forwarded })).json()) as { ip: string };
    expect(seen.ip).toMatch(/127\.0\.0\.1$/u);
  });

  it('a subnet that does not hold the proxy: headers ignored', async () => {
    const url = await appWith({ TRUST_PROXY: '10.0.0.0/8' });
    const seen = (await (await fetch(`${url}/probe`, { headers: forwarded })).json()) as {
      ip: string;
      protocol: string;
    };
    expect(seen.ip).toMatch(/127\.0\.0\.1$/u);
    expect(seen.protocol).toBe('http');
  });

  it.each([
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8', 'loopback, 10.0.0.0/8'],
  ])('reads %j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'nginx' })).toThrow(/TRUST_PROXY: expected true, false/u);
  });
});
