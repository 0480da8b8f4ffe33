/**
 * The files a customer receives: the PDF and the XML, named `<RFC emisor>_<serie>-<folio>.pdf|xml`.
 */
import type { ReplyFile } from '../conversation/types.ts';
import type { Queryable } from '../db/database.ts';
import { renderPdf } from '../invoicing/pdf/index.ts';

export interface InvoiceRecord {
  id: string;
  uuid: string;
  serie: string;
  folio: string;
  xml: string;
  companyId: string;
  companyRfc: string;
  isDemo: boolean;
  branding: { name?: string; color?: string; logo?: Uint8Array };
}

export function fileBaseName(rfcEmisor: string, serie: string, folio: string): string {
  return `${rfcEmisor}_${serie}-${folio}`;
}

export async function loadInvoiceRecord(
  sql: Queryable,
  where: { id?: string; uuid?: string },
): Promise<InvoiceRecord | null> {
  const [row] = await sql`
    select i.id, i.uuid, i.serie, i.folio, i.xml, i.company_id, c.rfc, c.is_demo, s.brand_name, s.brand_color, s.brand_logo
    from invoices i join companies c on c.id = i.company_id join company_settings s on s.company_id = i.company_id
    where ${where.id ? sql`i.id = ${where.id}` : sql`i.uuid = ${where.uuid ?? '00000000-0000-0000-0000-000000000000'}`}
      and i.uuid is not null`;
  if (!row) return null;
  return {
    id: String(row.id),
    uuid: String(row.uuid).toUpperCase(),
    serie: row.serie,
    folio: String(row.folio),
    xml: row.xml,
    companyId: String(row.company_id),
    companyRfc: row.rfc,
    isDemo: row.is_demo,
    branding: {
      ...(row.brand_name ? { name: row.brand_name } : {}),
      ...(row.brand_color ? { color: row.brand_color } : {}),
      ...(row.brand_logo ? { logo: row.brand_logo } : {}),
    },
  };
}

/** Renders the PDF and packs both files for a chat reply. */
export async function invoiceFiles(record: InvoiceRecord): Promise<ReplyFile[]> {
  const base = fileBaseName(record.companyRfc, record.serie, record.folio);
  const pdf = await renderPdf(record.xml, { branding: record.branding });
  return [
    {
      name: `${base}.pdf`,
      mime: 'application/pdf',
      bytes: pdf,
      ref: { invoiceUuid: record.uuid, kind: 'pdf' },
    },
    {
      name: `${base}.xml`,
      mime: 'application/xml',
      bytes: Buffer.from(record.xml, 'utf8'),
      ref: { invoiceUuid: record.uuid, kind: 'xml' },
    },
  ];
}
