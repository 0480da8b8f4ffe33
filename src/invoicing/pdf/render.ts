/**
 * renderPdf: the representación impresa of a CFDI 4.0, from its XML alone.
 *
 * Blocks are built and measured first, pages planned (planFlow), then drawn page by page, so
 * "Página n de N" is known while drawing and nothing is buffered twice.
 */
import PDFDocument from 'pdfkit';
import { type Block, stack } from './blocks.ts';
import { Canvas } from './canvas.ts';
import { sealsBlock, totalsBlock } from './closing.ts';
import { embedLogo, fitLogo, prepareLogo } from './logo.ts';
import { type Placement, planFlow } from './paginate.ts';
import { readCfdi } from './read-cfdi.ts';
import {
  continuationHeader,
  drawFooter,
  drawSandboxMarks,
  headerBlock,
  LOGO,
  partiesBlock,
  type RenderContext,
  serieFolio,
  WATERMARK_GSTATE,
} from './sections.ts';
import { conceptosTable } from './table.ts';
import { makeTheme, PAGE, styles } from './theme.ts';

export interface PdfBranding {
  /** The shop's commercial name, printed above the emisor's legal name. */
  name?: string;
  /** #RRGGBB for headings, rules and the table header. */
  color?: string;
  /** PNG or JPEG. */
  logo?: Uint8Array;
}

export interface RenderPdfOptions {
  branding?: PdfBranding;
  /** The TFD cadena original as the PAC returned it; built from the TFD when absent. */
  tfdCadenaOriginal?: string;
  /** Marks the PDF "SIN VALIDEZ FISCAL — SANDBOX" (also automatic for a TFD Leyenda saying so). */
  sandbox?: boolean;
  /** Deflate page contents (default true); tests turn it off to read the content streams. */
  compress?: boolean;
}

/** True when the PDF must carry the sandbox marks. */
export function isSandbox(leyenda: string | undefined, option: boolean | undefined): boolean {
  return option === true || /SIN VALIDEZ FISCAL/i.test(leyenda ?? '');
}

/** Renders the CFDI 4.0 in `xml` as a PDF (US Letter). Throws CfdiReadError on a bad XML. */
export async function renderPdf(xml: string, options: RenderPdfOptions = {}): Promise<Buffer> {
  const cfdi = readCfdi(xml);
  const theme = makeTheme(options.branding?.color);
  const logo = options.branding?.logo ? await prepareLogo(options.branding.logo) : undefined;
  const ctx: RenderContext = {
    cfdi,
    theme,
    st: styles(theme),
    brandName: options.branding?.name?.trim() || undefined,
    logo: logo && fitLogo(logo, 110, 56),
    sandbox: isSandbox(cfdi.timbre?.leyenda, options.sandbox),
  };

  const firstHeader = stack([headerBlock(ctx), partiesBlock(ctx)], 12);
  const nextHeader = continuationHeader(ctx);
  const table = conceptosTable(ctx);
  const closing = [totalsBlock(ctx), sealsBlock(ctx, options.tfdCadenaOriginal)];
  const plan = planFlow({
    firstTop: PAGE.top + firstHeader.height + 12,
    nextTop: PAGE.top + nextHeader.height,
    bottom: PAGE.bottom,
    tableHeader: table.header.height,
    rows: table.rows.map((row) => row.height),
    blocks: closing.map((block, i) => ({ height: block.height, gap: i === 0 ? 14 : 16 })),
  });

  const compress = options.compress ?? true;
  const doc = new PDFDocument({
    autoFirstPage: false,
    compress,
    font: '', // no pdfkit font: the canvas registers its own (see metrics.ts)
    info: {
      Title: [serieFolio(cfdi), cfdi.timbre?.uuid].filter(Boolean).join(' ') || 'CFDI',
      Author: cfdi.emisor.nombre,
      Subject: 'Representación impresa de un CFDI 4.0',
      Creator: 'Autofactura',
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  const canvas = new Canvas(doc, compress);
  if (logo) embedLogo(doc, canvas, logo, LOGO);
  if (ctx.sandbox) {
    const watermark = doc.ref({ Type: 'ExtGState', ca: 0.13, CA: 0.13 });
    watermark.end(undefined);
    canvas.addResource(WATERMARK_GSTATE, 'gstate', watermark);
  }
  const drawPlaced = (page: number, placements: readonly Placement[], blocks: readonly Block[]) => {
    placements.forEach((at, i) => {
      if (at.page === page) blocks[i]!.draw(canvas, PAGE.left, at.top);
    });
  };
  for (let page = 0; page < plan.pages; page++) {
    canvas.newPage(PAGE.size);
    (page === 0 ? firstHeader : nextHeader).draw(canvas, PAGE.left, PAGE.top);
    drawPlaced(
      page,
      plan.tableHeaders,
      plan.tableHeaders.map(() => table.header),
    );
    drawPlaced(page, plan.rows, table.rows);
    drawPlaced(page, plan.blocks, closing);
    drawFooter(canvas, ctx, page + 1, plan.pages);
    if (ctx.sandbox) drawSandboxMarks(canvas, ctx);
  }
  canvas.flush();
  doc.end();
  await finished;
  return Buffer.concat(chunks);
}
