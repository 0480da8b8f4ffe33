/**
 * Listing and revoking a company's API keys (creation and authentication live in
 * src/companies/keys.ts). Secrets are never stored, so never listed: only the key's prefix.
 */
import type { KeyRole } from '../companies/keys.ts';
import type { Queryable, Sql } from '../db/database.ts';

export interface ApiKeyInfo {
  id: string;
  role: KeyRole;
  label: string | null;
  /** The first characters of the key, to recognise it (`af_admin_Xy`). */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

function toInfo(row: Record<string, unknown>): ApiKeyInfo {
  return {
    id: String(row.id),
    role: row.role as KeyRole,
    label: (row.label as string | null) ?? null,
    prefix: String(row.prefix),
    createdAt: row.created_at as Date,
    lastUsedAt: (row.last_used_at as Date | null) ?? null,
    revokedAt: (row.revoked_at as Date | null) ?? null,
  };
}

/** The company's keys, newest first, revoked ones included (with revokedAt). */
export async function listApiKeys(sql: Queryable, companyId: string): Promise<ApiKeyInfo[]> {
  const rows = await sql`
    select id, role, label, prefix, created_at, last_used_at, revoked_at
    from api_keys where company_id = ${companyId} order by id desc`;
  return rows.map(toInfo);
}

export async function findApiKey(sql: Queryable, companyId: string, id: string): Promise<ApiKeyInfo | null> {
  const [row] = await sql`
    select id, role, label, prefix, created_at, last_used_at, revoked_at
    from api_keys where company_id = ${companyId} and id = ${id}`;
  return row ? toInfo(row) : null;
}

export type RevokeResult =
  | { kind: 'revoked' | 'already_revoked'; key: ApiKeyInfo }
  | { kind: 'not_found' }
  | { kind: 'last_admin_key' };

/**
 * Revokes one of the company's keys. The last active admin key cannot be revoked through the API
 * (the company would lock itself out; the CLI can always create a new one).
 */
export async function revokeApiKey(sql: Sql, companyId: string, id: string): Promise<RevokeResult> {
  return sql.begin(async (tx) => {
    const keys = await tx`
      select id, role, revoked_at from api_keys where company_id = ${companyId} for update`;
    const target = keys.find((k) => String(k.id) === id);
    if (!target) return { kind: 'not_found' } as const;
    if (target.revoked_at)
      return { kind: 'already_revoked', key: (await findApiKey(tx, companyId, id))! } as const;
    const activeAdmins = keys.filter((k) => k.role === 'admin' && !k.revoked_at).length;
    if (target.role === 'admin' && activeAdmins <= 1) return { kind: 'last_admin_key' } as const;
    await tx`update api_keys set revoked_at = now() where id = ${id}`;
    return { kind: 'revoked', key: (await findApiKey(tx, companyId, id))! } as const;
  });
}
