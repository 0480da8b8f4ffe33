/**
 * Turns a stored ticket (its items are stored as the builder's TicketItem), its company and the receptor given in chat into the InvoiceDraft the
 * CFDI builder takes. Fecha is "now" in the company's time zone, as SAT expects (local time of the
 * LugarExpedicion).
 */
import type { InvoiceDraft, TicketItem } from '../invoicing/types.ts';
import type { ReceptorInput } from './reserve.ts';

const formats = new Map<string, Intl.DateTimeFormat>();

/** "YYYY-MM-DDTHH:mm:ss" of an instant in a time zone (one formatter per zone, reused). */
export function localDateTime(instant: Date, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

export function buildDraft(input: {
  company: { rfc: string; name: string; regimenFiscal: string; lugarExpedicion: string; timeZone: string };
  ticket: { items: TicketItem[]; paymentForm: string; pricesIncludeTax: boolean; total: string };
  receptor: ReceptorInput;
  serie: string;
  folio: string;
  now: Date;
}): InvoiceDraft {
  const { company, ticket, receptor } = input;
  return {
    issuer: {
      rfc: company.rfc,
      nombre: company.name,
      regimenFiscal: company.regimenFiscal,
      lugarExpedicion: company.lugarExpedicion,
    },
    receptor: {
      rfc: receptor.rfc,
      nombre: receptor.nombre,
      domicilioFiscal: receptor.codigoPostal,
      regimenFiscal: receptor.regimenFiscal,
      usoCfdi: receptor.usoCfdi,
    },
    serie: input.serie,
    folio: input.folio,
    fecha: localDateTime(input.now, company.timeZone),
    formaPago: ticket.paymentForm,
    pricesIncludeTax: ticket.pricesIncludeTax,
    items: ticket.items,
    total: ticket.total,
  };
}
