/**
 * The audit trail of admin changes: who (which API key), what, on what, with non-secret details.
 */

import type { ApiPrincipal } from '../../companies/keys.ts';
import type { Queryable } from '../../db/database.ts';

/** `api_key:<id>:<role>`: the actor as written to audit_log. */
export function actorOf(principal: ApiPrincipal): string {
  return `api_key:${principal.keyId}:${principal.role}`;
}

/** Appends one row to audit_log for the principal's company. Never pass secrets in `details`. */
export async function recordAudit(
  sql: Queryable,
  principal: ApiPrincipal,
  action: string,
  subject: string | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await sql`
    insert into audit_log (company_id, actor, action, subject, details)
    values (${principal.companyId}, ${actorOf(principal)}, ${action}, ${subject}, ${sql.json(details as never)})`;
}
