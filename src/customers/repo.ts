/**
 * Customers (receptores) per company: the fiscal data a customer gave once, reused next time.
 * Keyed by (company, RFC).
 */
import type { Queryable } from '../db/database.ts';

export interface Customer {
  id: string;
  companyId: string;
  rfc: string;
  nombre: string;
  /** DomicilioFiscalReceptor (c_CodigoPostal). */
  codigoPostal: string;
  regimenFiscal: string;
  usoCfdi: string;
  email: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CustomerData {
  rfc: string;
  nombre: string;
  codigoPostal: string;
  regimenFiscal: string;
  usoCfdi: string;
  /** undefined keeps the stored e-mail; null clears it. */
  email?: string | null;
}

function toCustomer(row: Record<string, unknown>): Customer {
  return {
    id: String(row.id),
    companyId: String(row.company_id),
    rfc: String(row.rfc),
    nombre: String(row.nombre),
    codigoPostal: String(row.codigo_postal),
    regimenFiscal: String(row.regimen_fiscal),
    usoCfdi: String(row.uso_cfdi),
    email: (row.email as string | null) ?? null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

const normalizeRfc = (rfc: string) => rfc.trim().toUpperCase();

/** Inserts or updates the company's customer with this RFC; returns the stored row. */
export async function upsertCustomer(
  sql: Queryable,
  companyId: string,
  data: CustomerData,
): Promise<Customer> {
  const keepEmail = data.email === undefined;
  const [row] = await sql`
    insert into customers (company_id, rfc, nombre, codigo_postal, regimen_fiscal, uso_cfdi, email)
    values (${companyId}, ${normalizeRfc(data.rfc)}, ${data.nombre.trim()}, ${data.codigoPostal}, ${data.regimenFiscal},
            ${data.usoCfdi}, ${data.email ?? null})
    on conflict (company_id, rfc) do update set
      nombre = excluded.nombre,
      codigo_postal = excluded.codigo_postal,
      regimen_fiscal = excluded.regimen_fiscal,
      uso_cfdi = excluded.uso_cfdi,
      email = case when ${keepEmail} then customers.email else excluded.email end,
      updated_at = now()
    returning *`;
  return toCustomer(row!);
}

/** The company's customer with this RFC, or null. */
export async function findCustomer(sql: Queryable, companyId: string, rfc: string): Promise<Customer | null> {
  const [row] =
    await sql`select * from customers where company_id = ${companyId} and rfc = ${normalizeRfc(rfc)}`;
  return row ? toCustomer(row) : null;
}

/** Lower case without accents, as the SQL below folds names: "Peña Ávila" -> "pena avila". */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

const ACCENTED = 'ÁÉÍÓÚÜÑÀÈÌÒÙáéíóúüñàèìòù';
const PLAIN = 'aeiouunaeiouaeiouunaeiou';

/**
 * The company's customers whose RFC or name contains `q` (case- and accent-insensitive), ordered
 * by name; `after` is the keyset cursor (the last row of the previous page).
 */
export async function searchCustomers(
  sql: Queryable,
  companyId: string,
  options: { q?: string; limit: number; after?: { nombre: string; id: string } },
): Promise<Customer[]> {
  const folded = options.q ? foldForSearch(options.q) : '';
  const pattern = `%${folded.replace(/[\\%_]/gu, (c) => `\\${c}`)}%`;
  const rows = await sql`
    select * from customers
    where company_id = ${companyId}
      ${
        folded
          ? sql`and (lower(rfc) like ${pattern}
                     or translate(lower(nombre), ${ACCENTED}, ${PLAIN}) like ${pattern})`
          : sql``
      }
      ${options.after ? sql`and (nombre, id) > (${options.after.nombre}, ${options.after.id})` : sql``}
    order by nombre, id
    limit ${options.limit}`;
  return rows.map(toCustomer);
}
