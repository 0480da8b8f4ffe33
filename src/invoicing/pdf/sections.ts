/**
 * The parts of the page around the conceptos table: the first-page header (issuer and the
 * document box), receptor and comprobante data, related CFDIs, the short header of
 * continuation pages, the footer and the sandbox marks. All user-facing text is Spanish.
 */

import { type Block, columns, type Field, fieldList, heading, leading, stack } from './blocks.ts';
import type { Canvas } from './canvas.ts';
import { dateTime, documentTitle, label } from './format.ts';
import { wrap } from './metrics.ts';
import type { Cfdi } from './read-cfdi.ts';
import { PAGE, type Styles, type Theme } from './theme.ts';

export interface RenderContext {
  cfdi: Cfdi;
  theme: Theme;
  st: Styles;
  /** The shop's commercial name, printed above the legal name when it is set. */
  brandName?: string;
  /** Printed size of the registered logo XObject named LOGO. */
  logo?: { width: number; height: number };
  sandbox: boolean;
}

export const LOGO = 'AfLogo';
const LEFT_WIDTH = 316;
const RIGHT_OFFSET = 330;
const RIGHT_WIDTH = PAGE.width - RIGHT_OFFSET;
const NOT_STAMPED = 'Sin timbrar';

/** "O-52375239", "52375239", or "" when the CFDI has neither Serie nor Folio. */
export function serieFolio(cfdi: Cfdi): string {
  return [cfdi.serie, cfdi.folio].filter(Boolean).join('-');
}

function issuerBlock(ctx: RenderContext): Block {
  const { cfdi, st } = ctx;
  const logoSpace = ctx.logo ? ctx.logo.width + 10 : 0;
  const width = LEFT_WIDTH - logoSpace;
  const title = ctx.brandName || cfdi.emisor.nombre;
  const titleLines = wrap(title, st.brandName.font, st.brandName.size, width).slice(0, 2);
  const legalName = ctx.brandName
    ? wrap(cfdi.emisor.nombre, st.issuerName.font, st.issuerName.size, width)
    : ([] as string[]);
  const fields = fieldList(
    [
      { label: 'RFC', value: cfdi.emisor.rfc, bold: true },
      { label: 'Régimen fiscal', value: label.regimenFiscal(cfdi.emisor.regimenFiscal) },
      { label: 'Lugar de expedición', value: `C.P. ${cfdi.lugarExpedicion}` },
    ],
    width,
    72,
    st,
  );
  const titleHeight = titleLines.length * leading(st.brandName) + 2;
  const legalHeight = legalName.length * leading(st.issuerName);
  const textHeight = titleHeight + legalHeight + 3 + fields.height;
  return {
    height: Math.max(textHeight, ctx.logo?.height ?? 0),
    draw(canvas, x, top) {
      if (ctx.logo) canvas.image(LOGO, x, top, ctx.logo.width, ctx.logo.height);
      const tx = x + logoSpace;
      canvas.lines(titleLines, tx, top, st.brandName, leading(st.brandName));
      canvas.lines(legalName, tx, top + titleHeight, st.issuerName, leading(st.issuerName));
      fields.draw(canvas, tx, top + titleHeight + legalHeight + 3);
    },
  };
}

function documentBox(ctx: RenderContext): Block {
  const { cfdi, st, theme } = ctx;
  const tfd = cfdi.timbre;
  const half = (RIGHT_WIDTH - 16) / 2;
  const cells: [string, string, number, number][] = [
    ['Fecha de emisión', dateTime(cfdi.fecha), 0, 1],
    ['Fecha de certificación', tfd ? dateTime(tfd.fechaTimbrado) : NOT_STAMPED, half, 1],
    ['Certificado del emisor', cfdi.noCertificado || '—', 0, 2],
    ['Certificado del SAT', tfd?.noCertificadoSat ?? NOT_STAMPED, half, 2],
  ];
  const bar = 20;
  const row = 20;
  return {
    height: bar + 6 + row * 3,
    draw(canvas, x, top) {
      canvas.fillRect(x, top, RIGHT_WIDTH, bar, theme.brand);
      canvas.text(documentTitle(cfdi.tipoDeComprobante), x + 8, top + 5, st.title);
      canvas.text(serieFolio(cfdi), x + 8, top + 5, st.title, RIGHT_WIDTH - 16, 'right');
      canvas.strokeRect(x, top, RIGHT_WIDTH, bar + 6 + row * 3, theme.rule, 0.75);
      const body = top + bar + 5;
      canvas.text('Folio fiscal (UUID)', x + 8, body, st.label);
      canvas.text(tfd?.uuid ?? NOT_STAMPED, x + 8, body + 8.5, st.valueBold);
      for (const [name, value, dx, r] of cells) {
        canvas.text(name, x + 8 + dx, body + r * row, st.label);
        canvas.text(value, x + 8 + dx, body + r * row + 8.5, st.value);
      }
    },
  };
}

/** First-page header: issuer on the left, the document box on the right. */
export function headerBlock(ctx: RenderContext): Block {
  return columns(issuerBlock(ctx), documentBox(ctx), RIGHT_OFFSET);
}

function receptorFields(cfdi: Cfdi): Field[] {
  const r = cfdi.receptor;
  const fields: Field[] = [
    { label: 'Nombre', value: r.nombre, bold: true },
    { label: 'RFC', value: r.rfc, bold: true },
    { label: 'Régimen fiscal', value: label.regimenFiscal(r.regimenFiscal) },
    { label: 'Domicilio fiscal', value: `C.P. ${r.domicilioFiscal}` },
    { label: 'Uso del CFDI', value: label.usoCfdi(r.usoCfdi) },
  ];
  if (r.residenciaFiscal) fields.push({ label: 'Residencia fiscal', value: r.residenciaFiscal });
  if (r.numRegIdTrib) fields.push({ label: 'NumRegIdTrib', value: r.numRegIdTrib });
  return fields;
}

function comprobanteFields(cfdi: Cfdi): Field[] {
  const fields: Field[] = [{ label: 'Tipo', value: label.tipoDeComprobante(cfdi.tipoDeComprobante) }];
  if (cfdi.formaPago) fields.push({ label: 'Forma de pago', value: label.formaPago(cfdi.formaPago) });
  if (cfdi.metodoPago) fields.push({ label: 'Método de pago', value: label.metodoPago(cfdi.metodoPago) });
  fields.push({ label: 'Moneda', value: label.moneda(cfdi.moneda) });
  if (cfdi.tipoCambio && cfdi.moneda !== 'MXN' && cfdi.moneda !== 'XXX') {
    fields.push({ label: 'Tipo de cambio', value: cfdi.tipoCambio });
  }
  fields.push({ label: 'Exportación', value: label.exportacion(cfdi.exportacion) });
  if (cfdi.condicionesDePago) fields.push({ label: 'Condiciones', value: cfdi.condicionesDePago });
  const global = cfdi.informacionGlobal;
  if (global) {
    fields.push({
      label: 'Inf. global',
      value: `Periodicidad ${global.periodicidad}, meses ${global.meses}, año ${global.anio}`,
    });
  }
  return fields;
}

/** Receptor and comprobante data, side by side, plus the related CFDIs when there are any. */
export function partiesBlock(ctx: RenderContext): Block {
  const { cfdi, st, theme } = ctx;
  const receptor = stack(
    [
      heading('RECEPTOR', LEFT_WIDTH, st.heading, theme.brand),
      fieldList(receptorFields(cfdi), LEFT_WIDTH, 66, st),
    ],
    0,
  );
  const comprobante = stack(
    [
      heading('DATOS DEL COMPROBANTE', RIGHT_WIDTH, st.heading, theme.brand),
      fieldList(comprobanteFields(cfdi), RIGHT_WIDTH, 64, st),
    ],
    0,
  );
  const parties = columns(receptor, comprobante, RIGHT_OFFSET);
  if (cfdi.relacionados.length === 0) return parties;
  const related = fieldList(
    cfdi.relacionados.map((r) => ({ label: label.tipoRelacion(r.tipoRelacion), value: r.uuids.join(', ') })),
    PAGE.width,
    200,
    st,
  );
  return stack(
    [parties, stack([heading('CFDI RELACIONADOS', PAGE.width, st.heading, theme.brand), related], 0)],
    10,
  );
}

/** The one-line header of pages after the first: who issued which document. */
export function continuationHeader(ctx: RenderContext): Block {
  const { cfdi, st, theme } = ctx;
  const id = [documentTitle(cfdi.tipoDeComprobante), serieFolio(cfdi)].filter(Boolean).join(' ');
  const right = cfdi.timbre ? `${id} · Folio fiscal ${cfdi.timbre.uuid}` : id;
  return {
    height: 20,
    draw(canvas, x, top) {
      canvas.text(ctx.brandName || cfdi.emisor.nombre, x, top, st.valueBold);
      canvas.text(`${right} (continuación)`, x, top + 0.5, st.label, PAGE.width, 'right');
      canvas.hline(x, x + PAGE.width, top + 13, theme.brand, 0.75);
    },
  };
}

/** "Página n de N" and the legend every representación impresa carries. */
export function drawFooter(canvas: Canvas, ctx: RenderContext, page: number, pages: number): void {
  const { st, theme } = ctx;
  canvas.hline(PAGE.left, PAGE.left + PAGE.width, PAGE.footer - 4, theme.rule, 0.5);
  canvas.text(
    'Este documento es una representación impresa de un CFDI versión 4.0.',
    PAGE.left,
    PAGE.footer,
    st.footer,
  );
  canvas.text(`Página ${page} de ${pages}`, PAGE.left, PAGE.footer, st.footer, PAGE.width, 'right');
}

export const SANDBOX_TEXT = 'SIN VALIDEZ FISCAL — SANDBOX';
export const WATERMARK_GSTATE = 'AfWm';

/** A banner across the top and a large translucent diagonal mark: this is a test document. */
export function drawSandboxMarks(canvas: Canvas, ctx: RenderContext): void {
  const [width, height] = PAGE.size;
  canvas.fillRect(0, 8, width, 16, ctx.theme.alert);
  canvas.text(
    `${SANDBOX_TEXT} · Documento de prueba: no es un comprobante fiscal`,
    0,
    12.5,
    ctx.st.banner,
    width,
    'center',
  );
  canvas.rotatedText(
    SANDBOX_TEXT,
    width / 2,
    height / 2,
    Math.atan2(height, width) * (180 / Math.PI),
    ctx.st.watermark,
    WATERMARK_GSTATE,
  );
}
