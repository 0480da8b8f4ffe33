/**
 * From ticket lines to the amounts of a CFDI 4.0: ValorUnitario, Importe, Descuento, Base and tax
 * Importe per concepto, the comprobante-level Impuestos summary, SubTotal, Descuento and Total, such
 * that Total equals the ticket total to the cent.
 *
 * How the total is hit (every concepto amount except ValorUnitario is written with 2 decimals, so
 * every comprobante-level sum is exact and "el redondeo de la suma" is the sum itself):
 *
 * - Prices include tax (retail): each line's gross (quantity x price - discount) is rounded to a
 *   cent, down or up, so that the lines add up to the ticket total (largest remainders get the
 *   extra cents; a ticket whose total is outside those bounds is rejected as inconsistent).
 *   Then, per line, the net base and tax Importes are chosen so that base + taxes equals that gross
 *   exactly: base = gross / (1 + rates) rounded, each tax Importe any cent within SAT's limits
 *   (see taxes.ts), trying neighbouring bases when needed. Descuento = discount / (1 + rates),
 *   Importe = base + Descuento, ValorUnitario = price / (1 + rates) to 6 decimals, or the value
 *   nearest Importe / Cantidad that SAT's Concepto@Importe limits accept.
 * - Prices exclude tax: ValorUnitario is the ticket's unit price, Importe = Cantidad x ValorUnitario
 *   rounded to cents and taxes at their natural rounding. When that differs from the ticket total
 *   (a POS may round tax on the whole ticket), the total is reached one cent at a time, each time
 *   on the line where moving its Importe (within the Concepto@Importe limits) or one of its tax
 *   Importes (within the traslado limits) costs the least deviation from the exact values.
 *   A difference the limits cannot absorb is rejected.
 */
import {
  allocateCents,
  CENT,
  cents,
  Dec,
  formatMoney,
  formatRate,
  formatTrimmed,
  parseDecimal,
  sum,
  ZERO,
} from './money.ts';
import {
  conceptoImporteLimits,
  grossFactor,
  isIepsTasa,
  type LineTaxes,
  solveForGross,
  summarizeTraslados,
  type Traslado,
  taxOptions,
} from './taxes.ts';
import type { InvoiceDraft, TicketItem } from './types.ts';

/** A cfdi:Traslado ready to write: decimal strings; TasaOCuota/Importe null for TipoFactor Exento. */
export interface TrasladoAmounts {
  base: string;
  impuesto: '002' | '003';
  tipoFactor: 'Tasa' | 'Exento';
  tasaOCuota: string | null;
  importe: string | null;
}

export interface ConceptoAmounts {
  cantidad: string;
  valorUnitario: string;
  importe: string;
  /** null when the line has no discount (the attribute is then omitted). */
  descuento: string | null;
  /** "02" when the line carries traslados, "01" (no objeto de impuesto) otherwise. */
  objetoImp: '01' | '02';
  traslados: TrasladoAmounts[];
}

export interface CfdiAmounts {
  conceptos: ConceptoAmounts[];
  subTotal: string;
  descuento: string | null;
  /** Comprobante-level Traslados, one per Impuesto + TipoFactor + TasaOCuota. */
  traslados: TrasladoAmounts[];
  /** null when every traslado is Exento (SAT: the attribute must then be omitted). */
  totalImpuestosTrasladados: string | null;
  total: string;
}

/** Why a draft cannot become a CFDI. `code` is stable; `field` points into the draft when it applies. */
export class CfdiBuildError extends Error {
  override name = 'CfdiBuildError';
  private constructor(
    readonly code: 'INVALID_DRAFT' | 'TOTAL_MISMATCH' | 'INTERNAL',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  /** A draft field that cannot be written into a valid CFDI. */
  static invalid(field: string, reason: string): CfdiBuildError {
    return new CfdiBuildError('INVALID_DRAFT', `${field}: ${reason}`, field);
  }

  /** The ticket total cannot be reached from its lines within SAT's rounding rules. */
  static totalMismatch(ticketTotal: Dec, linesTotal: Dec): CfdiBuildError {
    const message = `ticket total ${formatMoney(ticketTotal)} cannot be reached from its lines (${linesTotal})`;
    return new CfdiBuildError('TOTAL_MISMATCH', message, 'total');
  }

  /** An invariant of this module failed: a bug, never the draft's fault. */
  static bug(detail: string): CfdiBuildError {
    return new CfdiBuildError('INTERNAL', `invoicing bug: ${detail}`);
  }
}

interface Line {
  item: TicketItem;
  quantity: Dec;
  unitPrice: Dec;
  discount: Dec;
  iepsRate: Dec | null;
  /** quantity x unitPrice - discount, exact. */
  net: Dec;
}

interface SolvedLine {
  line: Line;
  taxes: LineTaxes;
  descuento: Dec;
  /** ValorUnitario to try first (the ticket's price, net of tax when prices include it). */
  unitValue: Dec;
}

/** Computes every amount of the CFDI for a draft; throws CfdiBuildError for an inconsistent ticket. */
export function computeAmounts(draft: InvoiceDraft): CfdiAmounts {
  if (draft.items.length === 0) throw CfdiBuildError.invalid('items', 'a CFDI needs at least one concepto');
  const total = parseDecimal(draft.total, 2);
  if (!total?.gt(0)) throw CfdiBuildError.invalid('total', `"${draft.total}" is not a positive amount`);
  const lines = draft.items.map((item, index) => readLine(item, `items[${index}]`));
  const solved = draft.pricesIncludeTax ? solveTaxIncluded(lines, total) : solveTaxExcluded(lines, total);
  const conceptos = solved.map(concepto);
  const summary = summarizeTraslados(solved.flatMap((s) => s.taxes.traslados));
  const subTotal = sum(conceptos.map((c) => new Dec(c.importe)));
  const descuento = sum(solved.map((s) => s.descuento));
  const trasladados = sum(summary.map((t) => t.importe ?? ZERO));
  const computed = subTotal.minus(descuento).plus(trasladados);
  if (!computed.eq(total))
    throw CfdiBuildError.bug(`computed Total ${computed} differs from ticket ${total}`);
  return {
    conceptos,
    subTotal: formatMoney(subTotal),
    descuento: conceptos.some((c) => c.descuento !== null) ? formatMoney(descuento) : null,
    traslados: summary.map(trasladoAmounts),
    totalImpuestosTrasladados: summary.some((t) => t.tipoFactor !== 'Exento')
      ? formatMoney(trasladados)
      : null,
    total: formatMoney(total),
  };
}

function solveTaxIncluded(lines: Line[], total: Dec): SolvedLine[] {
  const raw = lines.map((l) => l.net);
  const grosses = allocateCents(raw, total);
  if (!grosses) throw CfdiBuildError.totalMismatch(total, sum(raw));
  return lines.map((line, index) => {
    const gross = grosses[index]!;
    const factor = grossFactor(line.item.tax, line.iepsRate);
    const taxes =
      line.item.tax === 'NO_OBJETO'
        ? { base: gross, traslados: [], gross, deviation: ZERO }
        : solveForGross(gross, line.item.tax, line.iepsRate);
    if (!taxes) throw CfdiBuildError.bug(`no tax split for a line of ${gross} (${line.item.tax})`);
    const unitValue = line.unitPrice.dividedBy(factor);
    const descuento = line.discount.isZero() ? ZERO : cents(line.discount.dividedBy(factor));
    return { line, taxes, descuento, unitValue };
  });
}

/** One way to write a tax-excluded line: its Importe and taxes, and how far both are from exact. */
interface LineOption {
  importe: Dec;
  taxes: LineTaxes;
  cost: Dec;
}

function solveTaxExcluded(lines: Line[], total: Dec): SolvedLine[] {
  const perLine = lines.map((line, index) => optionsByCent(line, index));
  const deltas = lines.map(() => 0);
  const natural = sum(perLine.map((options) => options.get(0)!.taxes.gross));
  let missing = total.minus(natural).dividedBy(CENT).toNumber();
  // One cent at a time, each time on the line whose next option adds the least deviation.
  while (missing !== 0) {
    const step = Math.sign(missing);
    let best = -1;
    let bestCost: Dec | undefined;
    perLine.forEach((options, index) => {
      const next = options.get(deltas[index]! + step);
      if (!next) return;
      const extra = next.cost.minus(options.get(deltas[index]!)!.cost);
      if (!bestCost || extra.lt(bestCost)) [best, bestCost] = [index, extra];
    });
    if (best < 0) throw CfdiBuildError.totalMismatch(total, natural);
    deltas[best]! += step;
    missing -= step;
  }
  return lines.map((line, index) => {
    const { importe, taxes } = perLine[index]!.get(deltas[index]!)!;
    return { line, taxes, descuento: importe.minus(taxes.base), unitValue: line.unitPrice };
  });
}

/** How far a tax-excluded Importe may move from Cantidad x ValorUnitario (SAT may allow more). */
const MAX_IMPORTE_SHIFT = new Dec('0.03');

/**
 * Every way SAT's limits allow to write a tax-excluded line, keyed by how many cents its gross
 * differs from the natural one (key 0: Importe and taxes rounded as usual), cheapest per key.
 */
function optionsByCent(line: Line, index: number): Map<number, LineOption> {
  const descuento = cents(line.discount);
  const exact = line.quantity.times(line.unitPrice);
  const limits = conceptoImporteLimits(line.item.quantity, formatTrimmed(line.unitPrice, 2, 6), 2);
  // SAT's window can be wide (a Cantidad without decimals tolerates +-0.5 units): stay near exact.
  const lower = Dec.max(limits.lower, cents(exact).minus(MAX_IMPORTE_SHIFT));
  const upper = Dec.min(limits.upper, cents(exact).plus(MAX_IMPORTE_SHIFT));
  const all: LineOption[] = [];
  for (let importe = lower; importe.lte(upper); importe = importe.plus(CENT)) {
    const base = importe.minus(descuento);
    if (base.lt(0) || (base.isZero() && line.item.tax !== 'NO_OBJETO')) continue;
    for (const taxes of taxOptions(base, line.item.tax, line.iepsRate)) {
      all.push({ importe, taxes, cost: importe.minus(exact).abs().plus(taxes.deviation) });
    }
  }
  if (all.length === 0)
    throw CfdiBuildError.invalid(`items[${index}]`, 'nothing left to tax after the discount');
  all.sort((a, b) => a.cost.comparedTo(b.cost));
  const natural = all[0]!.taxes.gross;
  const byCent = new Map<number, LineOption>();
  for (const option of all) {
    const key = option.taxes.gross.minus(natural).dividedBy(CENT).toNumber();
    if (!byCent.has(key)) byCent.set(key, option);
  }
  return byCent;
}

function concepto({ line, taxes, descuento, unitValue }: SolvedLine): ConceptoAmounts {
  const importe = taxes.base.plus(descuento);
  return {
    cantidad: line.item.quantity,
    valorUnitario: valorUnitarioFor(line.item.quantity, importe, unitValue),
    importe: formatMoney(importe),
    descuento: descuento.gt(0) ? formatMoney(descuento) : null,
    objetoImp: taxes.traslados.length > 0 ? '02' : '01',
    traslados: taxes.traslados.map(trasladoAmounts),
  };
}

/**
 * A ValorUnitario (2 to 6 decimals) for which `importe` lies within SAT's Concepto@Importe limits:
 * the preferred value when it fits, else the nearest to Importe / Cantidad that does.
 */
function valorUnitarioFor(cantidad: string, importe: Dec, preferred: Dec): string {
  const first = formatTrimmed(preferred, 2, 6);
  if (new Dec(first).gt(0) && importeFits(importe, cantidad, first)) return first;
  const natural = importe.dividedBy(cantidad).toDecimalPlaces(6);
  for (let step = 0; step <= 20; step++) {
    const candidate = natural.plus(new Dec('0.000001').times(step % 2 === 0 ? step / 2 : -(step + 1) / 2));
    const text = formatTrimmed(candidate, 2, 6);
    if (candidate.gt(0) && importeFits(importe, cantidad, text)) return text;
  }
  throw CfdiBuildError.bug(`no ValorUnitario for Importe ${importe} and Cantidad ${cantidad}`);
}

/** Whether SAT's Concepto@Importe limits for this Cantidad and ValorUnitario accept `importe`. */
function importeFits(importe: Dec, cantidad: string, valorUnitario: string): boolean {
  const { lower, upper } = conceptoImporteLimits(cantidad, valorUnitario, 2);
  return importe.gte(lower) && importe.lte(upper);
}

function trasladoAmounts(t: Traslado): TrasladoAmounts {
  return {
    base: formatMoney(t.base),
    impuesto: t.impuesto,
    tipoFactor: t.tipoFactor,
    tasaOCuota: t.tasa ? formatRate(t.tasa) : null,
    importe: t.importe ? formatMoney(t.importe) : null,
  };
}

function readLine(item: TicketItem, field: string): Line {
  const read = (text: string, name: string) => {
    const value = parseDecimal(text, 6);
    if (!value)
      throw CfdiBuildError.invalid(`${field}.${name}`, `"${text}" is not a decimal with up to 6 decimals`);
    return value;
  };
  const quantity = read(item.quantity, 'quantity');
  const unitPrice = read(item.unitPrice, 'unitPrice');
  const discount = read(item.discount, 'discount');
  const iepsRate = item.iepsRate === null ? null : read(item.iepsRate, 'iepsRate');
  const net = quantity.times(unitPrice).minus(discount);
  const checks: Array<[failed: boolean, name: string, reason: string]> = [
    [quantity.isZero(), 'quantity', 'must be greater than zero'],
    [unitPrice.isZero(), 'unitPrice', 'must be greater than zero'],
    [net.isNeg(), 'discount', 'exceeds the line'],
    [
      iepsRate !== null && !isIepsTasa(iepsRate),
      'iepsRate',
      `${item.iepsRate} is not an IEPS tasa of c_TasaOCuota`,
    ],
    [
      iepsRate !== null && item.tax === 'NO_OBJETO',
      'iepsRate',
      'a line that is not objeto de impuesto has no IEPS',
    ],
    [item.tax !== 'NO_OBJETO' && net.lt(CENT), 'discount', 'a taxed line must keep at least one cent'],
  ];
  const failed = checks.find(([bad]) => bad);
  if (failed) throw CfdiBuildError.invalid(`${field}.${failed[1]}`, failed[2]);
  return { item, quantity, unitPrice, discount, iepsRate, net };
}
