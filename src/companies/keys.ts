/**
 * API keys: `af_<role>_<random>`, shown once, stored as SHA-256 hashes. Role `admin` can do
 * everything for its company; `pos` only registers and reads tickets.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';

export type KeyRole = 'admin' | 'pos';

export interface ApiPrincipal {
  keyId: string;
  companyId: string;
  companyRfc: string;
  role: KeyRole;
}

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Creates a key and returns it in clear; only its hash is stored. */
export async function createApiKey(
  sql: Queryable,
  companyId: string,
  role: KeyRole,
  label: string | null = null,
): Promise<{ id: string; key: string }> {
  const key = `af_${role}_${randomBytes(24).toString('base64url')}`;
  const [row] = await sql`
    insert into api_keys (company_id, role, prefix, key_hash, label)
    values (${companyId}, ${role}, ${key.slice(0, 12)}, ${hashKey(key)}, ${label})
    returning id`;
  return { id: String(row!.id), key };
}

/** Resolves a bearer key to its company and role, or null when unknown or revoked. */
export async function authenticateApiKey(sql: Queryable, key: string): Promise<ApiPrincipal | null> {
  if (!/^af_(admin|pos)_[A-Za-z0-9_-]{20,64}$/u.test(key)) return null;
  const [row] = await sql`
    update api_keys k set last_used_at = now()
    from companies c
    where k.key_hash = ${hashKey(key)} and k.revoked_at is null and c.id = k.company_id
    returning k.id, k.company_id, k.role, c.rfc`;
  if (!row) return null;
  return { keyId: String(row.id), companyId: String(row.company_id), companyRfc: row.rfc, role: row.role };
}
