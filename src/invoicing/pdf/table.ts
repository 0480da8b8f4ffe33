/**
 * The conceptos table: one row per cfdi:Concepto, measured up front so pages break between
 * rows, never through one. Under the description go the concepto's own data that has no
 * column (NoIdentificacion, its taxes with base and importe, pedimentos, cuenta predial).
 */

import { type Block, fitSize } from './blocks.ts';
import type { Align } from './canvas.ts';
import { label, money, percent, quantity } from './format.ts';
import { truncate, wrap } from './metrics.ts';
import type { CfdiConcepto, CfdiTax } from './read-cfdi.ts';
import type { RenderContext } from './sections.ts';
import { PAGE } from './theme.ts';

interface Column {
  title: string;
  width: number;
  align: Align;
}

const PAD_X = 4;
const PAD_TOP = 3;
const PAD_BOTTOM = 2.5;
/** Tighter than the usual 1.2 x size: rows are the bulk of the page. */
const TIGHT = 1.17;

type Key =
  | 'clave'
  | 'cantidad'
  | 'unidad'
  | 'descripcion'
  | 'valorUnitario'
  | 'descuento'
  | 'importe'
  | 'objetoImp';

/** Column layout; the Descuento column only exists when some concepto has a discount. */
export function tableColumns(withDiscount: boolean): Map<Key, Column> {
  const fixed: [Key, Column][] = [
    ['clave', { title: 'Clave SAT', width: 46, align: 'left' }],
    ['cantidad', { title: 'Cantidad', width: 42, align: 'right' }],
    ['unidad', { title: 'Unidad', width: 48, align: 'left' }],
    ['descripcion', { title: 'Descripción', width: 0, align: 'left' }],
    ['valorUnitario', { title: 'Valor unitario', width: 62, align: 'right' }],
    ['descuento', { title: 'Descuento', width: 52, align: 'right' }],
    ['importe', { title: 'Importe', width: 64, align: 'right' }],
    ['objetoImp', { title: 'Obj. imp.', width: 36, align: 'center' }],
  ];
  const cols = new Map(fixed.filter(([key]) => withDiscount || key !== 'descuento'));
  const used = [...cols.values()].reduce((sum, c) => sum + c.width, 0);
  cols.get('descripcion')!.width = PAGE.width - used;
  return cols;
}

function taxText(kind: string, tax: CfdiTax): string {
  const name = label.impuesto(tax.impuesto);
  if (tax.tipoFactor === 'Exento')
    return `${kind} ${name} exento${tax.base ? `: base ${money(tax.base)}` : ''}`;
  const rate = tax.tasaOCuota
    ? tax.tipoFactor === 'Cuota'
      ? ` cuota ${tax.tasaOCuota}`
      : ` ${percent(tax.tasaOCuota)}`
    : '';
  const base = tax.base ? `base ${money(tax.base)}, ` : '';
  return `${kind} ${name}${rate}: ${base}importe ${money(tax.importe ?? '0')}`;
}

/** The small print under a description. */
export function conceptoDetails(c: CfdiConcepto): string {
  const parts: string[] = [];
  if (c.noIdentificacion) parts.push(`No. identificación: ${c.noIdentificacion}`);
  for (const t of c.traslados) parts.push(taxText('Traslado', t));
  for (const t of c.retenciones) parts.push(taxText('Retención', t));
  for (const p of c.pedimentos) parts.push(`Pedimento: ${p.replace(/\s+/g, ' ')}`);
  for (const p of c.cuentaPredial) parts.push(`Cuenta predial: ${p}`);
  return parts.join('  ·  ');
}

export interface Table {
  header: Block;
  rows: Block[];
}

/** The table header and one measured block per concepto. */
export function conceptosTable(ctx: RenderContext): Table {
  const { cfdi, st, theme } = ctx;
  const cols = tableColumns(cfdi.conceptos.some((c) => c.descuento !== undefined));
  const lineHeight = st.cell.size * TIGHT;
  const metaHeight = st.meta.size * TIGHT;
  const header: Block = {
    height: 16,
    draw(canvas, x, top) {
      canvas.fillRect(x, top, PAGE.width, 16, theme.brand);
      let cx = x;
      for (const col of cols.values()) {
        const titleStyle = fitSize(col.title, st.tableHead, col.width - 2 * PAD_X);
        canvas.text(col.title, cx + PAD_X, top + 5, titleStyle, col.width - 2 * PAD_X, col.align);
        cx += col.width;
      }
    },
  };
  const rows = cfdi.conceptos.map((c, index): Block => {
    const descWidth = cols.get('descripcion')!.width - 2 * PAD_X;
    const descLines = wrap(c.descripcion.trim(), st.cell.font, st.cell.size, descWidth);
    const details = conceptoDetails(c);
    const metaLines = details ? wrap(details, st.meta.font, st.meta.size, descWidth) : [];
    const unitName = c.unidad ?? label.unidad(c.claveUnidad);
    const unitHeight = lineHeight + (unitName ? metaHeight : 0);
    const content = Math.max(descLines.length * lineHeight + metaLines.length * metaHeight, unitHeight);
    const height = PAD_TOP + content + PAD_BOTTOM;
    const cells: Partial<Record<Key, string>> = {
      clave: c.claveProdServ,
      cantidad: quantity(c.cantidad),
      valorUnitario: money(c.valorUnitario),
      descuento: c.descuento ? money(c.descuento) : '',
      importe: money(c.importe),
      objetoImp: c.objetoImp,
    };
    return {
      height,
      draw(canvas, x, top) {
        if (index % 2 === 1) canvas.fillRect(x, top, PAGE.width, height, theme.zebra);
        let cx = x;
        const y = top + PAD_TOP;
        for (const [key, col] of cols) {
          const inner = col.width - 2 * PAD_X;
          if (key === 'descripcion') {
            canvas.lines(descLines, cx + PAD_X, y, st.cell, lineHeight);
            canvas.lines(metaLines, cx + PAD_X, y + descLines.length * lineHeight, st.meta, metaHeight);
          } else if (key === 'unidad') {
            canvas.text(c.claveUnidad, cx + PAD_X, y, fitSize(c.claveUnidad, st.cell, inner));
            if (unitName)
              canvas.text(
                truncate(unitName, st.meta.font, st.meta.size, inner),
                cx + PAD_X,
                y + lineHeight,
                st.meta,
              );
          } else {
            const text = cells[key] ?? '';
            canvas.text(text, cx + PAD_X, y, fitSize(text, st.cell, inner), inner, col.align);
          }
          cx += col.width;
        }
        canvas.hline(x, x + PAGE.width, top + height, theme.rule, 0.4);
      },
    };
  });
  return { header, rows };
}
