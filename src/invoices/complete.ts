/**
 * Step two of issuing, safe to repeat (a job runs it again after a crash or a PAC outage): build and
 * seal the CFDI once (the sealed XML is stored before stamping, so every retry sends the very same
 * document and an idempotent PAC answers with the same UUID), check SAT's offline rules, stamp.
 *
 * Concurrent runs for one invoice (the chat confirming while a recovered job runs, or two jobs)
 * are safe: within a process they share one run; across processes the first sealed XML stored
 * wins, every run stamps that one document, and only the first answer is recorded (and returned).
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
  | {
      kind: 'rejected';
      invoiceId: string;
      code: string;
      message: string;
      field: ReceptorField | null;
    };

export interface CompleteDeps {
  sql: Queryable;
  secrets: SecretBox;
  pacFor(companyId: string): Promise<PacDriver>;
  now?: () => Date;
  /** Called once per invoice, when this run recorded its stamp (not on a repeat). */
  onStamped?: (stamped: { invoiceId: string; channel: string }) => void;
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

/** Runs in flight per database client and invoice id: concurrent callers share one run. */
const inFlight = new WeakMap<object, Map<string, Promise<Completion>>>();

/** Builds, seals, checks and stamps a reserved invoice; idempotent, and safe to run concurrently. */
export function completeInvoice(deps: CompleteDeps, invoiceId: string): Promise<Completion> {
  let runs = inFlight.get(deps.sql);
  if (!runs) {
    runs = new Map();
    inFlight.set(deps.sql, runs);
  }
  const running = runs.get(invoiceId);
  if (running) return running;
  const run = completeOnce(deps, invoiceId).finally(() => runs.delete(invoiceId));
  runs.set(invoiceId, run);
  return run;
}

async function completeOnce(deps: CompleteDeps, invoiceId: string): Promise<Completion> {
  const { sql } = deps;
  const [row] = await sql`
    select i.id, i.status, i.uuid, i.xml, i.serie, i.folio, i.receptor, i.company_id, i.channel,
           t.items, t.payment_form, t.prices_include_tax, t.total::text as total,
           c.rfc, c.name, c.regimen_fiscal, c.lugar_expedicion, c.time_zone
    from invoices i join tickets t on t.id = i.ticket_id join companies c on c.id = i.company_id
    where i.id = ${invoiceId}`;
  if (!row) throw new Error(`invoice ${invoiceId} not found`);
  if (row.status === 'vigente' || row.status === 'cancel_pending' || row.status === 'cancelled') {
    return { kind: 'stamped', invoiceId, uuid: row.uuid, xml: row.xml };
  }
  if (row.status === 'failed') return settled(sql, invoiceId);

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
    const mine = sealCfdi(buildCfdi(draft), csd);
    const violations = validateCfdi(mine);
    const first = violations[0];
    if (first) return reject(sql, invoiceId, first.code, first.message);
    // First sealed document wins: another process may have sealed (and sent) its own meanwhile;
    // then that one is stamped (the PAC answers a repeat with the same stamp).
    const [kept] = await sql`
      update invoices set xml = ${mine}, updated_at = now()
      where id = ${invoiceId} and status = 'pending' and xml is null returning xml`;
    if (kept) sealed = mine;
    else {
      const [now] = await sql`select status, xml from invoices where id = ${invoiceId}`;
      if (now?.status !== 'pending' || !now.xml) return settled(sql, invoiceId);
      sealed = now.xml;
    }
  }

  const pac = await deps.pacFor(String(row.company_id));
  try {
    const stamped = await pac.stamp(sealed);
    const recorded = await sql`
      update invoices set status = 'vigente', uuid = ${stamped.uuid.toLowerCase()}, xml = ${stamped.xml},
        pac_driver = ${pac.name}, pac_attempts = pac_attempts + 1, pac_error_code = null, pac_error_message = null,
        stamped_at = now(), updated_at = now()
      where id = ${invoiceId} and status = 'pending' and xml = ${sealed}
      returning id`;
    // Another run recorded its answer first: report what the database holds, never a second UUID.
    if (recorded.length === 0) return settled(sql, invoiceId);
    deps.onStamped?.({ invoiceId, channel: String(row.channel) });
    return { kind: 'stamped', invoiceId, uuid: stamped.uuid.toLowerCase(), xml: stamped.xml };
  } catch (err) {
    if (!(err instanceof PacError)) throw err;
    if (!err.retryable) return reject(sql, invoiceId, err.code, err.pacMessage || err.message, pac.name);
    const noted = await sql`
      update invoices set pac_attempts = pac_attempts + 1, pac_error_code = ${err.code},
        pac_error_message = ${err.pacMessage || err.message}, pac_driver = ${pac.name}, updated_at = now()
      where id = ${invoiceId} and status = 'pending' returning id`;
    if (noted.length === 0) return settled(sql, invoiceId);
    return { kind: 'retry_later', invoiceId, code: err.code, message: err.pacMessage || err.message };
  }
}

/** What the database says about an invoice another run is handling or has handled. */
async function settled(sql: Queryable, invoiceId: string): Promise<Completion> {
  const [row] = await sql`
    select status, uuid, xml, pac_error_code, pac_error_message from invoices where id = ${invoiceId}`;
  if (row?.uuid && row.status !== 'pending' && row.status !== 'failed')
    return { kind: 'stamped', invoiceId, uuid: String(row.uuid), xml: row.xml };
  if (row?.status === 'failed') {
    const code = String(row.pac_error_code ?? 'FAILED');
    return {
      kind: 'rejected',
      invoiceId,
      code,
      message: String(row.pac_error_message ?? 'invoice failed'),
      field: fieldForCode(code),
    };
  }
  return { kind: 'retry_later', invoiceId, code: 'IN_PROGRESS', message: 'being stamped by another worker' };
}

async function reject(
  sql: Queryable,
  invoiceId: string,
  code: string,
  message: string,
  pac?: string,
): Promise<Completion> {
  const failed = await sql`
    update invoices set status = 'failed', pac_error_code = ${code}, pac_error_message = ${message},
      pac_driver = coalesce(${pac ?? null}, pac_driver), updated_at = now()
    where id = ${invoiceId} and status = 'pending' returning id`;
  if (failed.length === 0) return settled(sql, invoiceId);
  return { kind: 'rejected', invoiceId, code, message, field: fieldForCode(code) };
}
