/** Small per-request look-ups shared by the handlers. */
import type { Queryable } from '../../../db/database.ts';
import { TicketCode } from '../../../sat/code.ts';
import { HttpError } from '../../errors.ts';

/** The company's IANA time zone, for formatting times in answers. */
export async function companyTimeZone(sql: Queryable, companyId: string): Promise<string> {
  const [row] = await sql`select time_zone from companies where id = ${companyId}`;
  if (!row) throw HttpError.notFound('Company');
  return String(row.time_zone);
}

/** Parses a ticket code from the path, or answers 400 naming `code`. */
export function parseCodeParam(text: string): TicketCode {
  const code = TicketCode.parse(text);
  if (!code)
    throw HttpError.badRequest([{ field: 'code', message: 'not a valid ticket code (e.g. 7KQ2-M9XD-4HPA)' }]);
  return code;
}
