/**
 * MASTER_KEY resolution: the configured key; in demo mode without one, a key generated once into
 * DATA_DIR/master.key (and said so); outside demo mode a missing key is a start-up error.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config.ts';

export function resolveMasterKey(
  configured: Buffer | undefined,
  dataDir: string,
  demoMode: boolean,
): { key: Buffer; generatedAt?: string; file?: string } {
  if (configured) return { key: configured };
  if (!demoMode) {
    throw new ConfigError([
      'MASTER_KEY: required outside demo mode: 64 hexadecimal characters, e.g. from `openssl rand -hex 32`',
    ]);
  }
  const file = path.join(dataDir, 'master.key');
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/u.test(hex))
      throw new ConfigError([`MASTER_KEY: ${file} is not 64 hexadecimal characters`]);
    return { key: Buffer.from(hex, 'hex'), file };
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return { key, generatedAt: file, file };
}
