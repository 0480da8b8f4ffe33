/**
 * The business rules a ticket must meet before it is stored: SAT catalog codes, IVA 8% only at a
 * border-region lugar de expedición, IEPS rates from c_TasaOCuota, sane decimals, and a total that
 * matches the recomputed one. Problems name fields as the public ticket JSON does.
 */
import { catalogs } from '../sat/catalogs.ts';
import { computeTicketTotal, Dec, lineAmount } from './totals.ts';
import type { FieldProblem, NewTicket } from './types.ts';

export const AMOUNT_PATTERN = /^\d{1,12}(\.\d{1,6})?$/u;
export const TOTAL_PATTERN = /^\d{1,15}(\.\d{1,2})?$/u;
export const MAX_ITEMS = 500;
/** Clock skew tolerated between the POS and us for `sold_at`. */
const FUTURE_TOLERANCE_MS = 15 * 60_000;

let iepsRates: Set<string> | undefined;
/** IEPS tasas allowed as traslado by c_TasaOCuota, as 6-decimal strings ("0.265000"). */
export function allowedIepsRates(): Set<string> {
  iepsRates ??= new Set(
    catalogs
      .rows('c_TasaOCuota')
      .filter((r) => r.impuesto === 'IEPS' && r.factor === 'Tasa' && r.traslado === true && r.tipo === 'Fijo')
      .map((r) => String(r.valor)),
  );
  return iepsRates;
}

/** True when SAT's c_CodigoPostal puts the postal code in the northern or southern border region. */
export function isBorderRegion(codigoPostal: string): boolean {
  return (catalogs.codigoPostal(codigoPostal)?.estimulo_franja_fronteriza ?? 0) !== 0;
}

/** Every problem with a new ticket for an issuer at `lugarExpedicion`; empty when it can be stored. */
export function checkTicket(input: NewTicket, lugarExpedicion: string, now = new Date()): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });

  const externalId = input.externalId.trim();
  if (externalId.length === 0 || externalId.length > 100) add('external_id', 'required, 1 to 100 characters');
  if (Number.isNaN(input.soldAt.getTime())) add('sold_at', 'not a valid date-time');
  else if (input.soldAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) add('sold_at', 'is in the future');
  if (!catalogs.formaPago(input.paymentForm))
    add('payment_form', `${input.paymentForm} is not in c_FormaPago`);
  if (input.items.length === 0) add('items', 'at least one item is required');
  if (input.items.length > MAX_ITEMS) add('items', `at most ${MAX_ITEMS} items`);

  const border = isBorderRegion(lugarExpedicion);
  let amountsValid = true;
  input.items.forEach((item, i) => {
    const at = (name: string) => `items[${i}].${name}`;
    let itemValid = true;
    if (item.description.trim().length === 0 || item.description.length > 1000) {
      add(at('description'), 'required, at most 1000 characters');
    }
    for (const [name, value] of [
      ['quantity', item.quantity],
      ['unit_price', item.unitPrice],
      ['discount', item.discount || '0'],
    ] as const) {
      if (!AMOUNT_PATTERN.test(value)) {
        add(at(name), 'expected a non-negative decimal string with at most 6 decimals, e.g. "45.00"');
        itemValid = false;
      }
    }
    if (AMOUNT_PATTERN.test(item.quantity) && new Dec(item.quantity).lte(0)) {
      add(at('quantity'), 'must be greater than zero');
      itemValid = false;
    }
    if (itemValid && lineAmount(item).lt(0)) {
      add(at('discount'), 'is larger than quantity × unit_price');
      itemValid = false;
    }
    amountsValid &&= itemValid;
    if (!catalogs.claveProdServ(item.productKey))
      add(at('product_key'), `${item.productKey} is not in c_ClaveProdServ`);
    if (!catalogs.claveUnidad(item.unitKey)) add(at('unit_key'), `${item.unitKey} is not in c_ClaveUnidad`);
    if (item.tax === 'IVA8' && !border) {
      add(
        at('tax'),
        `IVA8 applies only in the border region; lugar de expedición ${lugarExpedicion} is not in it`,
      );
    }
    if (item.iepsRate !== null && item.iepsRate !== undefined) {
      const rate = AMOUNT_PATTERN.test(item.iepsRate) ? new Dec(item.iepsRate).toFixed(6) : null;
      if (!rate || !allowedIepsRates().has(rate)) {
        add(at('ieps_rate'), `not an IEPS tasa in c_TasaOCuota (${[...allowedIepsRates()].join(', ')})`);
      } else if (item.tax === 'NO_OBJETO') {
        add(at('ieps_rate'), 'a line that is not objeto de impuesto cannot carry IEPS');
      }
    }
  });

  if (input.total !== undefined && !TOTAL_PATTERN.test(input.total)) {
    add('total', 'expected a decimal string with at most 2 decimals, e.g. "90.00"');
  } else if (amountsValid && input.items.length > 0) {
    const expected = computeTicketTotal(input.items, input.pricesIncludeTax);
    if (new Dec(expected).lte(0)) add('total', 'the ticket total must be greater than zero');
    else if (input.total !== undefined && !new Dec(input.total).eq(expected)) {
      add('total', `does not match the items: expected ${expected}`);
    }
  }
  return problems;
}
