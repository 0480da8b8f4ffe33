/**
 * Opaque cursors for keyset pagination: base64url JSON of the last row's sort key. A cursor that
 * does not decode is a 400 naming `cursor`, never a database error.
 */
import { z } from 'zod';
import { HttpError } from '../errors.ts';

export const limitSchema = z.coerce
  .number({ error: 'expected an integer' })
  .int()
  .min(1)
  .max(500)
  .default(50)
  .describe('Page size, 1-500');
export const cursorSchema = z.string().max(200).optional().describe('next_cursor of the previous page');

export function encodeCursor(value: Record<string, string>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor with the given shape; 400 when it does not fit. */
export function decodeCursor<T extends z.ZodType>(
  cursor: string | undefined,
  shape: T,
): z.output<T> | undefined {
  if (cursor === undefined) return undefined;
  try {
    return shape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw HttpError.badRequest([{ field: 'cursor', message: 'not a cursor returned by this API' }]);
  }
}

export const idCursor = z.strictObject({ id: z.string().regex(/^\d{1,19}$/u) });

/** Fetches limit + 1 rows to learn whether there is a next page; returns the page and its cursor. */
export function paginate<T>(rows: T[], limit: number, cursorOf: (row: T) => Record<string, string>) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}
