/**
 * Step two of issuing, safe to repeat (a job runs it again after a crash or a PAC outage): build and
 * seal the CFDI once (the sealed XML is stored before stamping, so every retry sends the very same
 * document and an idempotent PAC answers with the same UUID), check SAT's offline rules, stamp.
 */
import { loadActiveCsd } from '../companies/csd-store.ts';
import type { Queryable } from '../db/database.ts';
import { buildCfdi } from '../invoicing/build.ts';
import { type PacDriver, PacError } from '../invoicing/pac/types.ts';
import { validateCfdi } from '../invoicing/rules/index.ts';
import { sealCfdi } from '../invoicing/seal.ts';
import type { TicketItem } from '../invoicing/types.ts';
import type { SecretBox } from '../secrets.ts';
import { buildDraft } from './draft.ts';
import type { ReceptorInput } from './reserve.ts';

export type ReceptorField = 'rfc' | 'nombre' | 'codigoPostal' | 'regimenFiscal' | 'usoCfdi';

export type Completion =
  | { kind: 'stamped'; invoiceId: string; uuid: string; xml: string }
  | { kind: 'retry_later'; invoiceId: string; code: string; message: string }
  | { kind: 'rejected'; invoiceId: string; code: string; message: string; field: ReceptorField | null };

export interface CompleteDeps {
  sql: Queryable;
  secrets: SecretBox;
  pacFor(companyId: string): Promise<PacDriver>;
  now?: () => Date;
}

/** SAT / PAC codes that point at one receptor field the customer can correct. */
const FIELD_BY_CODE: Record<string, ReceptorField> = {
  CFDI40143: 'rfc',
  CFDI40144: 'nombre',
  CFDI40145: 'nombre',
  CFDI40146: 'nombre',
  CFDI40147: 'codigoPostal',
  CFDI40148: 'codigoPostal',
  CFDI40149: 'codigoPostal',
  CFDI40157: 'regimenFiscal',
  CFDI40158: 'regimenFiscal',
  CFDI40159: 'regimenFiscal',
  CFDI40160: 'usoCfdi',
  CFDI40161: 'usoCfdi',
};

export function fieldForCode(code: string): ReceptorField | null {
  return FIELD_BY_CODE[code] ?? null;
}

/** Builds, seals, checks and stamps a reserved invoice; idempotent. */
export async function completeInvoice(deps: CompleteDeps, invoiceId: string): Promise<Completion> {
  const { sql } = deps;
  const [row] = await sql`
    select i.id, i.status, i.uuid, i.xml, i.serie, i.folio, i.receptor, i.company_id,
           t.items, t.payment_form, t.prices_include_tax, t.total::text as total,
           c.rfc, c.name, c.regimen_fiscal, c.lugar_expedicion, c.time_zone
    from invoices i join tickets t on t.id = i.ticket_id join companies c on c.id = i.company_id
    where i.id = ${invoiceId}`;
  if (!row) throw new Error(`invoice ${invoiceId} not found`);
  if (row.status === 'vigente' || row.status === 'cancel_pending' || row.status === 'cancelled') {
    return { kind: 'stamped', invoiceId, uuid: row.uuid, xml: row.xml };
  }
  if (row.status === 'failed')
    return { kind: 'rejected', invoiceId, code: 'FAILED', message: 'invoice failed before', field: null };

  let sealed: string = row.xml;
  if (!sealed) {
    const csd = await loadActiveCsd(sql, deps.secrets, String(row.company_id));
    if (!csd) return reject(sql, invoiceId, 'NO_CSD', 'The company has no active CSD');
    const draft = buildDraft({
      company: {
        rfc: row.rfc,
        name: row.name,
        regimenFiscal: row.regimen_fiscal,
        lugarExpedicion: row.lugar_expedicion,
        timeZone: row.time_zone,
      },
      ticket: {
        items: row.items as TicketItem[],
        paymentForm: row.payment_form,
        pricesIncludeTax: row.prices_include_tax,
        total: row.total,
      },
      receptor: row.receptor as ReceptorInput,
      serie: row.serie,
      folio: String(row.folio),
      now: deps.now?.() ?? new Date(),
    });
    sealed = sealCfdi(buildCfdi(draft), csd);
    const violations = validateCfdi(sealed);
    const first = violations[0];
    if (first) return reject(sql, invoiceId, first.code, first.message);
    await sql`update invoices set xml = ${sealed}, updated_at = now() where id = ${invoiceId} and status = 'pending'`;
  }

  const pac = await deps.pacFor(String(row.company_id));
  try {
    const stamped = await pac.stamp(sealed);
    await sql`
      update invoices set status = 'vigente', uuid = ${stamped.uuid.toLowerCase()}, xml = ${stamped.xml},
        pac_driver = ${pac.name}, pac_attempts = pac_attempts + 1, pac_error_code = null, pac_error_message = null,
        stamped_at = now(), updated_at = now()
      where id = ${invoiceId} and status = 'pending'`;
    return { kind: 'stamped', invoiceId, uuid: stamped.uuid.toLowerCase(), xml: stamped.xml };
  } catch (err) {
    if (!(err instanceof PacError)) throw err;
    if (!err.retryable) return reject(sql, invoiceId, err.code, err.pacMessage || err.message, pac.name);
    await sql`
      update invoices set pac_attempts = pac_attempts + 1, pac_error_code = ${err.code},
        pac_error_message = ${err.pacMessage || err.message}, pac_driver = ${pac.name}, updated_at = now()
      where id = ${invoiceId}`;
    return { kind: 'retry_later', invoiceId, code: err.code, message: err.pacMessage || err.message };
  }
}

async function reject(
  sql: Queryable,
  invoiceId: string,
  code: string,
  message: string,
  pac?: string,
): Promise<Completion> {
  await sql`
    update invoices set status = 'failed', pac_error_code = ${code}, pac_error_message = ${message},
      pac_driver = coalesce(${pac ?? null}, pac_driver), updated_at = now()
    where id = ${invoiceId} and status = 'pending'`;
  return { kind: 'rejected', invoiceId, code, message, field: fieldForCode(code) };
}
