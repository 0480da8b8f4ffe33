/** Invoices as JSON. */
import type { z } from 'zod';
import type { InvoiceSummary } from '../../../invoices/queries.ts';
import { TicketCode } from '../../../sat/code.ts';
import { formatInTimeZone } from '../../../tickets/time.ts';
import type { invoiceSchema } from '../contract/invoices.ts';

const text = (v: unknown) => (typeof v === 'string' ? v : null);

export function invoiceView(invoice: InvoiceSummary, timeZone: string): z.output<typeof invoiceSchema> {
  const at = (d: Date | null) => (d ? formatInTimeZone(d, timeZone) : null);
  const r = invoice.receptor;
  const uuid = invoice.uuid?.toUpperCase() ?? null;
  const c = invoice.cancellation;
  return {
    uuid,
    serie: invoice.serie,
    folio: invoice.folio,
    status: invoice.status,
    channel: invoice.channel,
    self_invoiced: invoice.selfInvoiced,
    ticket_code: TicketCode.parse(invoice.ticketCode)?.toString() ?? invoice.ticketCode,
    total: invoice.total,
    receptor: {
      rfc: text(r.rfc),
      nombre: text(r.nombre),
      codigo_postal: text(r.codigoPostal) ?? text(r.domicilioFiscal),
      regimen_fiscal: text(r.regimenFiscal),
      uso_cfdi: text(r.usoCfdi),
    },
    issued_at: formatInTimeZone(invoice.issuedAt, timeZone),
    stamped_at: at(invoice.stampedAt),
    email: invoice.email,
    pac_error: invoice.pacError,
    cancellation:
      c.motivo || c.requestedAt || c.cancelledAt
        ? {
            motivo: c.motivo,
            folio_sustitucion: c.folioSustitucion?.toUpperCase() ?? null,
            requested_at: at(c.requestedAt),
            cancelled_at: at(c.cancelledAt),
          }
        : null,
    urls: uuid && invoice.hasXml ? { xml: `/invoices/${uuid}/xml`, pdf: `/invoices/${uuid}/pdf` } : null,
  };
}
