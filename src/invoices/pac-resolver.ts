/**
 * Which PAC stamps a company's invoices: the shared sandbox driver, or SW sapien with the company's
 * own decrypted credentials (drivers are cached per company until its settings change).
 */
import type { Queryable } from '../db/database.ts';
import { createSandboxPac, createSwPac, type PacDriver } from '../invoicing/pac/index.ts';
import type { SecretBox } from '../secrets.ts';
import { loadPacCredentials } from '../settings/credentials.ts';

export interface PacResolverOptions {
  sql: Queryable;
  secrets: SecretBox;
  sandbox?: PacDriver;
  swTimeoutMs?: number;
}

export function createPacResolver(options: PacResolverOptions): (companyId: string) => Promise<PacDriver> {
  const sandbox = options.sandbox ?? createSandboxPac();
  const cache = new Map<string, { key: string; driver: PacDriver }>();
  return async (companyId) => {
    const creds = await loadPacCredentials(options.sql, options.secrets, companyId);
    if (creds.driver === 'sandbox') return sandbox;
    const key = JSON.stringify(creds);
    const hit = cache.get(companyId);
    if (hit?.key === key) return hit.driver;
    const driver = createSwPac({
      ...(creds.baseUrl ? { baseUrl: creds.baseUrl } : {}),
      ...(creds.token ? { token: creds.token } : {}),
      ...(creds.user ? { user: creds.user } : {}),
      ...(creds.password ? { password: creds.password } : {}),
      ...(options.swTimeoutMs ? { timeoutMs: options.swTimeoutMs } : {}),
    });
    cache.set(companyId, { key, driver });
    return driver;
  };
}
