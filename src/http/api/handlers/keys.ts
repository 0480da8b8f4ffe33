/** API key endpoints. */
import { createApiKey } from '../../../companies/keys.ts';
import type { AppContext } from '../../../context.ts';
import { findApiKey, listApiKeys, revokeApiKey } from '../../../settings/api-keys.ts';
import { HttpError } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import { createKey, listKeys, revokeKey } from '../contract/keys.ts';
import { type Implemented, implement } from '../endpoint.ts';
import { apiKeyView } from '../views/keys.ts';
import { companyTimeZone } from './company.ts';

export function keyHandlers(ctx: AppContext): Implemented[] {
  return [
    implement(createKey, async ({ body, principal }) => {
      const label = body.label ?? null;
      const created = await ctx.sql.begin(async (tx) => {
        const key = await createApiKey(tx, principal.companyId, body.role, label);
        await recordAudit(tx, principal, 'api_key.created', key.id, { role: body.role, label });
        return key;
      });
      const info = await findApiKey(ctx.sql, principal.companyId, created.id);
      const tz = await companyTimeZone(ctx.sql, principal.companyId);
      return { status: 201, json: { ...apiKeyView(info!, tz), key: created.key } };
    }),

    implement(listKeys, async ({ principal }) => {
      const tz = await companyTimeZone(ctx.sql, principal.companyId);
      const keys = await listApiKeys(ctx.sql, principal.companyId);
      return { json: { keys: keys.map((k) => apiKeyView(k, tz)) } };
    }),

    implement(revokeKey, async ({ params, principal }) => {
      const result = await revokeApiKey(ctx.sql, principal.companyId, params.id);
      if (result.kind === 'not_found') throw HttpError.notFound('Key');
      if (result.kind === 'last_admin_key') {
        throw HttpError.conflict(
          'last_admin_key',
          'This is the last active admin key; create another admin key first',
        );
      }
      if (result.kind === 'revoked') {
        await recordAudit(ctx.sql, principal, 'api_key.revoked', params.id, { role: result.key.role });
      }
      const tz = await companyTimeZone(ctx.sql, principal.companyId);
      return { json: apiKeyView(result.key, tz) };
    }),
  ];
}
