import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { resolveMasterKey } from '../src/master-key.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.operatorKey).toBeUndefined();
    expect(config.scan).toEqual({ queueDepth: 4, timeLimitMs: 8000 });
    expect(loadConfig({ OPERATOR_KEY: '' }).operatorKey).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, /PORT: expected a TCP port/u],
    [{ PORT: '70000' }, /PORT/u],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL/u],
    [{ MASTER_KEY: 'short' }, /MASTER_KEY: expected 64 hexadecimal characters/u],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/u],
    [{ WHATSAPP_PAIRING_NUMBER: '+52 55' }, /WHATSAPP_PAIRING_NUMBER/u],
    [{ SCAN_TIME_LIMIT_MS: '50' }, /SCAN_TIME_LIMIT_MS/u],
    [{ SCAN_QUEUE_DEPTH: 'muchos' }, /SCAN_QUEUE_DEPTH: expected a whole number/u],
    [{ OPERATOR_KEY: 'secreto' }, /OPERATOR_KEY: expected at least 24 characters/u],
  ])('refuses %o naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', MASTER_KEY: 'y' });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems).toHaveLength(2);
    }
  });

  it('MASTER_KEY: generated once in demo mode, required outside it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'af-key-'));
    const first = resolveMasterKey(undefined, dir, true);
    expect(first.generatedAt).toBe(path.join(dir, 'master.key'));
    expect(readFileSync(path.join(dir, 'master.key'), 'utf8')).toBe(first.key.toString('hex'));
    const again = resolveMasterKey(undefined, dir, true);
    expect(again.key.equals(first.key)).toBe(true);
    expect(again.generatedAt).toBeUndefined();
    expect(() => resolveMasterKey(undefined, dir, false)).toThrow(/MASTER_KEY: required outside demo mode/u);
  });
});
