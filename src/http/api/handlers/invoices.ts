/** Invoice endpoints: read side, files, and cancellation through the PAC (ApiDeps). */
import type { AppContext } from '../../../context.ts';
import {
  findInvoiceByUuid,
  findInvoiceXml,
  listInvoices,
  recordCancelOutcome,
  recordCancelRequest,
} from '../../../invoices/queries.ts';
import { PacError } from '../../../invoicing/pac/errors.ts';
import { HttpError } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import {
  cancelInvoiceEndpoint,
  getInvoice,
  getInvoicePdf,
  getInvoiceXml,
  listInvoicesEndpoint,
} from '../contract/invoices.ts';
import { resolveRange } from '../dates.ts';
import type { ApiDeps } from '../deps.ts';
import { type Implemented, implement } from '../endpoint.ts';
import { decodeCursor, idCursor, paginate } from '../pagination.ts';
import { invoiceView } from '../views/invoices.ts';
import { companyTimeZone } from './company.ts';

export function invoiceHandlers(ctx: AppContext, deps: ApiDeps): Implemented[] {
  async function stampedXml(companyId: string, uuid: string) {
    const invoice = await findInvoiceByUuid(ctx.sql, companyId, uuid);
    const xml = invoice ? await findInvoiceXml(ctx.sql, companyId, uuid) : null;
    if (!invoice || !xml) throw HttpError.notFound('Invoice');
    return { invoice, xml, name: `${invoice.serie}${invoice.folio}_${invoice.uuid!.toUpperCase()}` };
  }

  return [
    implement(listInvoicesEndpoint, async ({ query, principal }) => {
      const tz = await companyTimeZone(ctx.sql, principal.companyId);
      const cursor = decodeCursor(query.cursor, idCursor);
      const rows = await listInvoices(
        ctx.sql,
        principal.companyId,
        { status: query.status, channel: query.channel, rfc: query.rfc, ...resolveRange(query, tz) },
        { limit: query.limit + 1, beforeId: cursor?.id },
      );
      const { page, nextCursor } = paginate(rows, query.limit, (i) => ({ id: i.id }));
      return { json: { invoices: page.map((i) => invoiceView(i, tz)), next_cursor: nextCursor } };
    }),

    implement(getInvoice, async ({ params, principal }) => {
      const invoice = await findInvoiceByUuid(ctx.sql, principal.companyId, params.uuid);
      if (!invoice) throw HttpError.notFound('Invoice');
      return { json: invoiceView(invoice, await companyTimeZone(ctx.sql, principal.companyId)) };
    }),

    implement(getInvoiceXml, async ({ params, principal }) => {
      const { xml, name } = await stampedXml(principal.companyId, params.uuid);
      return { type: 'application/xml; charset=utf-8', data: xml, filename: `${name}.xml` };
    }),

    implement(getInvoicePdf, async ({ params, principal }) => {
      const { xml, name, invoice } = await stampedXml(principal.companyId, params.uuid);
      const pdf = await deps.renderPdf({ xml, companyId: principal.companyId, uuid: invoice.uuid! });
      return { type: 'application/pdf', data: pdf, filename: `${name}.pdf` };
    }),

    implement(cancelInvoiceEndpoint, async ({ params, body, principal }) => {
      const invoice = await findInvoiceByUuid(ctx.sql, principal.companyId, params.uuid);
      if (!invoice) throw HttpError.notFound('Invoice');
      if (invoice.status === 'cancelled')
        throw HttpError.conflict('already_cancelled', 'The invoice is already cancelled');
      if (invoice.status !== 'vigente' && invoice.status !== 'cancel_pending') {
        throw HttpError.conflict('not_stamped', `An invoice in status ${invoice.status} cannot be cancelled`);
      }
      if (body.folio_sustitucion && body.folio_sustitucion.toLowerCase() === invoice.uuid) {
        throw HttpError.badRequest([{ field: 'folio_sustitucion', message: 'cannot be the invoice itself' }]);
      }
      const folioSustitucion = body.folio_sustitucion?.toLowerCase() ?? null;
      await recordCancelRequest(ctx.sql, invoice.id, { motivo: body.motivo, folioSustitucion });
      const audit = (outcome: string, extra: Record<string, unknown> = {}) =>
        recordAudit(ctx.sql, principal, 'invoice.cancel_requested', invoice.uuid, {
          motivo: body.motivo,
          folio_sustitucion: folioSustitucion,
          outcome,
          ...extra,
        });

      let result: Awaited<ReturnType<ApiDeps['cancelInvoice']>>;
      try {
        result = await deps.cancelInvoice({
          companyId: principal.companyId,
          uuid: invoice.uuid!,
          motivo: body.motivo,
          ...(folioSustitucion ? { folioSustitucion } : {}),
        });
      } catch (err) {
        if (!(err instanceof PacError)) throw err;
        await audit('pac_error', { pac_code: err.code });
        if (err.kind === 'validation') {
          throw HttpError.conflict('cancel_rejected', err.pacMessage || err.message, { pac_code: err.code });
        }
        throw new HttpError(
          502,
          'pac_error',
          'The PAC could not process the cancellation; try again later',
          undefined,
          {
            pac_code: err.code,
            retryable: err.retryable,
          },
        );
      }
      await audit(result.status);
      if (result.status === 'rejected') {
        throw HttpError.conflict(
          'cancel_rejected',
          result.message ?? 'The PAC or SAT refused the cancellation',
        );
      }
      await recordCancelOutcome(
        ctx.sql,
        invoice.id,
        result.status === 'cancelled' ? 'cancelled' : 'cancel_pending',
      );
      const updated = await findInvoiceByUuid(ctx.sql, principal.companyId, params.uuid);
      const tz = await companyTimeZone(ctx.sql, principal.companyId);
      return {
        json: {
          invoice: invoiceView(updated!, tz),
          cancellation: { status: result.status, message: result.message ?? null },
        },
      };
    }),
  ];
}
