/**
 * What follows the conceptos: the totals (with taxes per type and rate) beside the importe con
 * letra, then the certification data: the SAT QR, both seals and the TFD cadena original.
 */
import { amountInWords } from '../amount-in-words.ts';
import { type Block, columns, leading } from './blocks.ts';
import { label, money, percent } from './format.ts';
import { hardWrap, wrap } from './metrics.ts';
import { qrBlock } from './qr.ts';
import type { RenderContext } from './sections.ts';
import { PAGE } from './theme.ts';
import { tfdCadenaOriginal, verificationUrl } from './verification.ts';

const TOTALS_WIDTH = 210;
const TOTALS_OFFSET = PAGE.width - TOTALS_WIDTH;
const WORDS_WIDTH = TOTALS_OFFSET - 20;
/** 90 pt = 3.2 cm, above Anexo 20's 2.75 cm minimum; ~1.7 pt per module for the usual URL. */
const QR_SIDE = 90;

function currencySymbol(moneda: string): string {
  return moneda === 'MXN' || moneda === 'USD' ? '$' : '';
}

function totalsRows(ctx: RenderContext): [string, string][] {
  const { cfdi } = ctx;
  const rows: [string, string][] = [['Subtotal', money(cfdi.subTotal)]];
  if (cfdi.descuento !== undefined) rows.push(['Descuento', `-${money(cfdi.descuento)}`]);
  for (const t of cfdi.impuestos?.traslados ?? []) {
    const name = label.impuesto(t.impuesto);
    if (t.tipoFactor === 'Exento') rows.push([`${name} exento (base ${money(t.base ?? '0')})`, '—']);
    else {
      const rate = t.tipoFactor === 'Cuota' ? `cuota ${t.tasaOCuota}` : percent(t.tasaOCuota ?? '');
      rows.push([`${name} trasladado ${rate}`, money(t.importe ?? '0')]);
    }
  }
  for (const r of cfdi.impuestos?.retenciones ?? []) {
    rows.push([`${label.impuesto(r.impuesto)} retenido`, `-${money(r.importe ?? '0')}`]);
  }
  return rows;
}

function totalsBox(ctx: RenderContext): Block {
  const { cfdi, st, theme } = ctx;
  const rows = totalsRows(ctx);
  const rowHeight = 12;
  const bar = 20;
  const height = rows.length * rowHeight + 3 + bar;
  return {
    height,
    draw(canvas, x, top) {
      rows.forEach(([name, value], i) => {
        const y = top + i * rowHeight + 2;
        canvas.text(name, x + 6, y + 0.5, st.label);
        canvas.text(value, x, y, st.value, TOTALS_WIDTH - 6, 'right');
      });
      const barTop = top + rows.length * rowHeight + 3;
      canvas.fillRect(x, barTop, TOTALS_WIDTH, bar, theme.brand);
      canvas.text(`Total ${cfdi.moneda}`, x + 6, barTop + 5.5, { ...st.total, size: 9 });
      const total = `${currencySymbol(cfdi.moneda)}${money(cfdi.total)}`;
      canvas.text(total, x, barTop + 5, st.total, TOTALS_WIDTH - 6, 'right');
    },
  };
}

function wordsBlock(ctx: RenderContext): Block {
  const { cfdi, st, theme } = ctx;
  const text =
    cfdi.tipoDeComprobante === 'P' || cfdi.moneda === 'XXX'
      ? 'Sin importe: los datos del pago están en el complemento de recepción de pagos del XML.'
      : amountInWords(cfdi.total, cfdi.moneda);
  const lines = wrap(text, st.words.font, st.words.size, WORDS_WIDTH);
  return {
    height: 14 + lines.length * leading(st.words),
    draw(canvas, x, top) {
      canvas.text('IMPORTE CON LETRA', x, top, st.heading);
      canvas.hline(x, x + WORDS_WIDTH, top + 10.5, theme.brand, 0.75);
      canvas.lines(lines, x, top + 14, st.words, leading(st.words));
    },
  };
}

/** Importe con letra on the left, subtotal / taxes / total on the right. */
export function totalsBlock(ctx: RenderContext): Block {
  return columns(wordsBlock(ctx), totalsBox(ctx), TOTALS_OFFSET);
}

interface SealText {
  title: string;
  /** Printed at the right end of the title line. */
  aside?: string;
  lines: string[];
}

/** QR and seals of a stamped CFDI; only the emisor's seal and a notice when it is not stamped. */
export function sealsBlock(ctx: RenderContext, tfdCadena?: string): Block {
  const { cfdi, st, theme } = ctx;
  const url = verificationUrl(cfdi);
  const qr = url ? qrBlock(url, QR_SIDE) : undefined;
  const textX = qr ? QR_SIDE + 14 : 0;
  const width = PAGE.width - textX;
  const sealLines = (text: string) => hardWrap(text, st.seal.font, st.seal.size, width);
  const seals: SealText[] = [];
  if (cfdi.sello) seals.push({ title: 'Sello digital del CFDI', lines: sealLines(cfdi.sello) });
  const tfd = cfdi.timbre;
  if (tfd) {
    seals.push({
      title: 'Sello digital del SAT',
      aside: `RFC del proveedor de certificación: ${tfd.rfcProvCertif}`,
      lines: sealLines(tfd.selloSat),
    });
    seals.push({
      title: 'Cadena original del complemento de certificación digital del SAT',
      lines: sealLines(tfdCadena ?? tfdCadenaOriginal(tfd)),
    });
    if (tfd.leyenda) seals.push({ title: 'Leyenda del timbre', lines: wrap(tfd.leyenda, 'bold', 7, width) });
  }
  const notice = tfd
    ? undefined
    : 'Este CFDI no ha sido timbrado: sin el timbre fiscal digital del SAT no tiene validez fiscal.';
  const titleHeight = 8.5;
  const sealLeading = 6.8;
  const gap = 3;
  const textHeight =
    (notice ? 11 : 0) +
    seals.reduce((sum, s) => sum + titleHeight + s.lines.length * sealLeading + gap, 0) -
    gap;
  return {
    height: Math.max(textHeight, qr?.height ?? 0),
    draw(canvas, x, top) {
      qr?.draw(canvas, x, top);
      const tx = x + textX;
      let y = top;
      if (notice) {
        canvas.text(notice, tx, y, { ...st.labelBold, color: theme.alert });
        y += 11;
      }
      for (const seal of seals) {
        canvas.text(seal.title, tx, y, st.sealLabel);
        if (seal.aside) canvas.text(seal.aside, tx, y, st.sealLabel, width, 'right');
        y += titleHeight;
        y += canvas.lines(seal.lines, tx, y, st.seal, sealLeading) + gap;
      }
    },
  };
}
