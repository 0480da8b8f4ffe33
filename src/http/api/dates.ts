/**
 * Date filters: a full date-time is taken as is; a bare date (YYYY-MM-DD) means that whole local
 * day in the company's time zone, so `from=2026-11-01&to=2026-11-30` covers all of November.
 */
import { instantFromLocal } from '../../tickets/time.ts';

function localDay(date: string, timeZone: string, offsetDays: number): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const d = new Date(Date.UTC(year, month - 1, day + offsetDays));
  return instantFromLocal(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: 0,
      minute: 0,
      second: 0,
    },
    timeZone,
  );
}

/** `from` inclusive, `to` exclusive, as instants. */
export function resolveRange(
  bounds: { from?: string | undefined; to?: string | undefined },
  timeZone: string,
): { from?: Date; to?: Date } {
  const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/u.test(v);
  const out: { from?: Date; to?: Date } = {};
  if (bounds.from)
    out.from = isDate(bounds.from) ? localDay(bounds.from, timeZone, 0) : new Date(bounds.from);
  if (bounds.to) out.to = isDate(bounds.to) ? localDay(bounds.to, timeZone, 1) : new Date(bounds.to);
  return out;
}
