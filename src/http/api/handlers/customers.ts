/** Customer endpoints. */
import { z } from 'zod';
import type { AppContext } from '../../../context.ts';
import { findCustomer, searchCustomers } from '../../../customers/repo.ts';
import { HttpError } from '../../errors.ts';
import { getCustomer, listCustomersEndpoint } from '../contract/customers.ts';
import { type Implemented, implement } from '../endpoint.ts';
import { decodeCursor, paginate } from '../pagination.ts';
import { customerView } from '../views/customers.ts';
import { companyTimeZone } from './company.ts';

const nameCursor = z.strictObject({ nombre: z.string().max(400), id: z.string().regex(/^\d{1,19}$/u) });

export function customerHandlers(ctx: AppContext): Implemented[] {
  return [
    implement(listCustomersEndpoint, async ({ query, principal }) => {
      const tz = await companyTimeZone(ctx.sql, principal.companyId);
      const after = decodeCursor(query.cursor, nameCursor);
      const rows = await searchCustomers(ctx.sql, principal.companyId, {
        ...(query.q ? { q: query.q } : {}),
        limit: query.limit + 1,
        ...(after ? { after } : {}),
      });
      const { page, nextCursor } = paginate(rows, query.limit, (c) => ({ nombre: c.nombre, id: c.id }));
      return { json: { customers: page.map((c) => customerView(c, tz)), next_cursor: nextCursor } };
    }),

    implement(getCustomer, async ({ params, principal }) => {
      const customer = await findCustomer(ctx.sql, principal.companyId, params.rfc);
      if (!customer) throw HttpError.notFound('Customer');
      return { json: customerView(customer, await companyTimeZone(ctx.sql, principal.companyId)) };
    }),
  ];
}
