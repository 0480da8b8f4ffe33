/**
 * Companies (issuers) and their settings row. One deployment serves many companies; a ticket's
 * code identifies its company.
 */
import type { Queryable } from '../db/database.ts';
import { catalogs } from '../sat/catalogs.ts';
import { Rfc } from '../sat/rfc.ts';

export interface NewCompany {
  rfc: string;
  name: string;
  regimenFiscal: string;
  lugarExpedicion: string;
  timeZone?: string;
  isDemo?: boolean;
}

export interface Company {
  id: string;
  rfc: string;
  name: string;
  regimenFiscal: string;
  lugarExpedicion: string;
  timeZone: string;
  isDemo: boolean;
}

/** Field-level problems with a new company, checked against SAT's catalogs; empty when valid. */
export function checkNewCompany(input: NewCompany): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  const rfc = Rfc.parseOrNull(input.rfc);
  if (!rfc || rfc.isGeneric)
    problems.push({ field: 'rfc', message: 'not a valid RFC (format or check digit)' });
  if (input.name.trim().length === 0) problems.push({ field: 'name', message: 'required' });
  const regimen = catalogs.regimenFiscal(input.regimenFiscal);
  if (!regimen) problems.push({ field: 'regimen', message: 'not in c_RegimenFiscal' });
  else if (rfc && !(rfc.persona === 'fisica' ? regimen.aplica_fisica : regimen.aplica_moral)) {
    problems.push({
      field: 'regimen',
      message: `régimen ${input.regimenFiscal} does not apply to a persona ${rfc.persona}`,
    });
  }
  if (!catalogs.codigoPostal(input.lugarExpedicion))
    problems.push({ field: 'cp', message: 'not in c_CodigoPostal' });
  if (input.timeZone && !isTimeZone(input.timeZone))
    problems.push({ field: 'time_zone', message: 'unknown IANA time zone' });
  return problems;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Inserts a company and its default settings. The caller validates first (checkNewCompany). */
export async function insertCompany(sql: Queryable, input: NewCompany): Promise<Company> {
  const [row] = await sql`
    insert into companies (rfc, name, regimen_fiscal, lugar_expedicion, time_zone, is_demo)
    values (${Rfc.parse(input.rfc).value}, ${input.name.trim()}, ${input.regimenFiscal}, ${input.lugarExpedicion},
            ${input.timeZone ?? 'America/Mexico_City'}, ${input.isDemo ?? false})
    returning *`;
  await sql`insert into company_settings (company_id) values (${row!.id})`;
  return toCompany(row!);
}

export async function findCompanyByRfc(sql: Queryable, rfc: string): Promise<Company | null> {
  const [row] = await sql`select * from companies where rfc = ${rfc.trim().toUpperCase()}`;
  return row ? toCompany(row) : null;
}

export async function findCompanyById(sql: Queryable, id: string): Promise<Company | null> {
  const [row] = await sql`select * from companies where id = ${id}`;
  return row ? toCompany(row) : null;
}

function toCompany(row: Record<string, unknown>): Company {
  return {
    id: String(row.id),
    rfc: String(row.rfc),
    name: String(row.name),
    regimenFiscal: String(row.regimen_fiscal),
    lugarExpedicion: String(row.lugar_expedicion),
    timeZone: String(row.time_zone),
    isDemo: Boolean(row.is_demo),
  };
}
