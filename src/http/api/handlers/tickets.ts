/** Ticket endpoints: thin over src/tickets. */
import type { AppContext } from '../../../context.ts';
import { loadSettings } from '../../../settings/repo.ts';
import type { TicketInput } from '../../../tickets/input.ts';
import { ticketLinks } from '../../../tickets/links.ts';
import { type QrFormat, renderTicketQr } from '../../../tickets/qr.ts';
import { findTicketByCode, listTickets } from '../../../tickets/queries.ts';
import { type CreateTicketResult, cancelTicket, createTicket } from '../../../tickets/service.ts';
import { type TicketView, toTicketView } from '../../../tickets/view.ts';
import { HttpError } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import {
  batchTickets,
  cancelTicketEndpoint,
  createTicketEndpoint,
  getTicket,
  listTicketsEndpoint,
} from '../contract/tickets.ts';
import { resolveRange } from '../dates.ts';
import { type Implemented, implement } from '../endpoint.ts';
import { decodeCursor, idCursor, paginate } from '../pagination.ts';
import { parseCodeParam } from './company.ts';

type QrOption = 'both' | 'png' | 'svg' | 'none';
const QR_FORMATS: Record<QrOption, QrFormat[]> = {
  both: ['png', 'svg'],
  png: ['png'],
  svg: ['svg'],
  none: [],
};

async function withQr(view: TicketView, qr: QrOption) {
  const formats = QR_FORMATS[qr];
  if (formats.length === 0) return { ...view, qr: null };
  const rendered = await renderTicketQr(view.urls.web, formats);
  return { ...view, qr: { png_base64: rendered.pngBase64, svg: rendered.svg } };
}

/** A createTicket result as (status, body). */
async function answer(result: CreateTicketResult, qr: QrOption): Promise<{ status: number; json: unknown }> {
  switch (result.kind) {
    case 'created':
      return { status: 201, json: await withQr(result.ticket, qr) };
    case 'existing':
      return { status: 200, json: await withQr(result.ticket, qr) };
    case 'conflict':
      throw HttpError.conflict(
        'external_id_conflict',
        `external_id ${result.ticket.external_id} was already registered with different data`,
        { ticket_code: result.ticket.code },
      );
    case 'invalid':
      throw HttpError.badRequest(result.problems);
  }
}

export function ticketHandlers(ctx: AppContext): Implemented[] {
  const publicUrl = ctx.config.publicUrl;
  return [
    implement(createTicketEndpoint, async ({ body, query, principal }) =>
      answer(await createTicket(ctx.sql, { id: principal.companyId }, body, publicUrl), query.qr),
    ),

    implement(batchTickets, async ({ body, query, principal }) => {
      const results: unknown[] = [];
      for (const [index, raw] of body.tickets.entries()) {
        try {
          const result = await createTicket(
            ctx.sql,
            { id: principal.companyId },
            raw as TicketInput,
            publicUrl,
          );
          const { status, json } = await answer(result, query.qr);
          results.push({ index, status, ticket: json });
        } catch (err) {
          if (!(err instanceof HttpError)) throw err;
          const error = { code: err.code, message: err.message, fields: err.fields, ...err.extra };
          results.push({ index, status: err.status, error });
        }
      }
      return { json: { results } };
    }),

    implement(listTicketsEndpoint, async ({ query, principal }) => {
      const settings = (await loadSettings(ctx.sql, principal.companyId))!;
      const tz = settings.issuer.timeZone;
      const cursor = decodeCursor(query.cursor, idCursor);
      const rows = await listTickets(
        ctx.sql,
        principal.companyId,
        { status: query.status, externalId: query.external_id, ...resolveRange(query, tz) },
        { limit: query.limit + 1, beforeId: cursor?.id },
      );
      const { page, nextCursor } = paginate(rows, query.limit, (t) => ({ id: t.id }));
      const tickets = page.map((t) => toTicketView(t, tz, ticketLinks(t.code, publicUrl, settings.channels)));
      return { json: { tickets, next_cursor: nextCursor } };
    }),

    implement(getTicket, async ({ params, query, principal }) => {
      const ticket = await findTicketByCode(ctx.sql, parseCodeParam(params.code));
      if (!ticket || ticket.companyId !== principal.companyId) throw HttpError.notFound('Ticket');
      const settings = (await loadSettings(ctx.sql, principal.companyId))!;
      const view = toTicketView(
        ticket,
        settings.issuer.timeZone,
        ticketLinks(ticket.code, publicUrl, settings.channels),
      );
      return { json: await withQr(view, query.qr) };
    }),

    implement(cancelTicketEndpoint, async ({ params, body, principal }) => {
      const code = parseCodeParam(params.code);
      const result = await cancelTicket(ctx.sql, principal.companyId, code, body.reason);
      if (result.kind === 'not_found') throw HttpError.notFound('Ticket');
      if (result.kind === 'invoiced') {
        throw HttpError.conflict(
          'ticket_invoiced',
          'The ticket has been invoiced; cancel the invoice instead',
          {
            invoice_uuid: result.invoiceUuid?.toUpperCase() ?? null,
          },
        );
      }
      if (result.kind === 'cancelled') {
        await recordAudit(ctx.sql, principal, 'ticket.cancelled', code.toString(), { reason: body.reason });
      }
      const settings = (await loadSettings(ctx.sql, principal.companyId))!;
      const links = ticketLinks(code, publicUrl, settings.channels);
      return { json: toTicketView(result.ticket, settings.issuer.timeZone, links) };
    }),
  ];
}
