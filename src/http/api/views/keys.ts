/** API keys as JSON. */
import type { z } from 'zod';
import type { ApiKeyInfo } from '../../../settings/api-keys.ts';
import { formatInTimeZone } from '../../../tickets/time.ts';
import type { apiKeySchema } from '../contract/keys.ts';

export function apiKeyView(key: ApiKeyInfo, timeZone: string): z.output<typeof apiKeySchema> {
  const at = (d: Date | null) => (d ? formatInTimeZone(d, timeZone) : null);
  return {
    id: key.id,
    role: key.role,
    label: key.label,
    prefix: key.prefix,
    created_at: formatInTimeZone(key.createdAt, timeZone),
    last_used_at: at(key.lastUsedAt),
    revoked_at: at(key.revokedAt),
  };
}
