/** Customers as JSON. */
import type { z } from 'zod';
import type { Customer } from '../../../customers/repo.ts';
import { formatInTimeZone } from '../../../tickets/time.ts';
import type { customerSchema } from '../contract/customers.ts';

export function customerView(c: Customer, timeZone: string): z.output<typeof customerSchema> {
  return {
    rfc: c.rfc,
    nombre: c.nombre,
    codigo_postal: c.codigoPostal,
    regimen_fiscal: c.regimenFiscal,
    uso_cfdi: c.usoCfdi,
    email: c.email,
    created_at: formatInTimeZone(c.createdAt, timeZone),
    updated_at: formatInTimeZone(c.updatedAt, timeZone),
  };
}
