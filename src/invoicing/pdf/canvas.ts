/**
 * A thin drawing surface over one pdfkit document: text, rectangles, lines and images written
 * as raw content-stream operators (batched per page), with top-left coordinates in points.
 * pdfkit still owns the file: pages, object references, resources, compression and output.
 * See metrics.ts for why text does not go through pdfkit's text().
 */
import { deflateSync } from 'node:zlib';
import { ASCENT, BASE_FONTS, type FontKey, pdfString, widthOf } from './metrics.ts';

export interface TextStyle {
  font: FontKey;
  size: number;
  /** #RRGGBB */
  color: string;
}

export type Align = 'left' | 'right' | 'center';

const FONT_RESOURCE: Record<FontKey, string> = { regular: 'AfR', bold: 'AfB', mono: 'AfM' };

/** A number as a short PDF operand (at most 3 decimals, no trailing zeros). */
const num = (n: number) => String(Math.round(n * 1000) / 1000);

const colorCache = new Map<string, string>();
/** "r g b" operands of a #RRGGBB colour. */
function rgb(hex: string): string {
  let ops = colorCache.get(hex);
  if (!ops) {
    const value = Number.parseInt(hex.slice(1), 16);
    ops = [(value >> 16) & 255, (value >> 8) & 255, value & 255].map((c) => num(c / 255)).join(' ');
    colorCache.set(hex, ops);
  }
  return ops;
}

export class Canvas {
  private ops: string[] = [];
  private readonly fonts: Record<FontKey, PDFKit.PDFKitReference>;
  private readonly resources = new Map<string, { kind: 'xobject' | 'gstate'; ref: PDFKit.PDFKitReference }>();
  private height = 0;

  /**
   * `compress`: deflate each page's operators here, at zlib level 3, into a content stream of
   * their own. pdfkit would deflate them at the default level 6, which took half again the time of
   * the whole rest of the page's writing for 5 % fewer bytes.
   */
  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly compress = true,
  ) {
    const font = (key: FontKey) => {
      const ref = doc.ref({
        Type: 'Font',
        Subtype: 'Type1',
        BaseFont: BASE_FONTS[key],
        Encoding: 'WinAnsiEncoding',
      });
      ref.end(undefined);
      return ref;
    };
    this.fonts = { regular: font('regular'), bold: font('bold'), mono: font('mono') };
  }

  /** Registers an image XObject or an ExtGState under `name` for every page from now on. */
  addResource(name: string, kind: 'xobject' | 'gstate', ref: PDFKit.PDFKitReference): void {
    this.resources.set(name, { kind, ref });
    this.registerResources();
  }

  /** Starts a new page of the given size; the previous page's operators are flushed first. */
  newPage(size: [number, number]): void {
    this.flush();
    this.doc.addPage({ size, margin: 0 });
    this.height = size[1];
    this.registerResources();
    // pdfkit starts each page flipped to top-left coordinates; we undo that and flip per operand.
    this.ops.push(`q 1 0 0 -1 0 ${num(this.height)} cm`);
  }

  /** Writes the pending operators of the current page into it. */
  flush(): void {
    if (this.ops.length === 0) return;
    this.ops.push('Q\n');
    // A Buffer goes into the stream as is (a string would be converted char by char).
    const bytes = Buffer.from(this.ops.join('\n'), 'latin1');
    this.ops = [];
    if (!this.compress) {
      this.doc.addContent(bytes);
      return;
    }
    // A stream whose dictionary already names its Filter is written by pdfkit as given. The page
    // keeps pdfkit's own stream (its coordinate flip) first: PDF concatenates a Contents array.
    const stream = this.doc.ref({ Filter: 'FlateDecode' });
    stream.end(deflateSync(bytes, { level: 3 }));
    const page = this.doc.page;
    (page.dictionary.data as { Contents?: unknown }).Contents = [page.content, stream];
  }

  private registerResources(): void {
    const page = this.doc.page;
    if (!page) return;
    for (const key of Object.keys(this.fonts) as FontKey[]) page.fonts[FONT_RESOURCE[key]] = this.fonts[key];
    for (const [name, { kind, ref }] of this.resources) {
      if (kind === 'xobject') page.xobjects[name] = ref;
      else page.ext_gstates[name] = ref;
    }
  }

  /**
   * One line of text whose top is at `top`. With `width`, `align` places it inside the box
   * [x, x + width]. Returns the text's width.
   */
  text(text: string, x: number, top: number, style: TextStyle, width = 0, align: Align = 'left'): number {
    if (text === '') return 0;
    const w = widthOf(text, style.font, style.size);
    const left = align === 'right' ? x + width - w : align === 'center' ? x + (width - w) / 2 : x;
    const baseline = this.height - top - (ASCENT[style.font] * style.size) / 1000;
    this.ops.push(
      `BT /${FONT_RESOURCE[style.font]} ${num(style.size)} Tf ${rgb(style.color)} rg ` +
        `1 0 0 1 ${num(left)} ${num(baseline)} Tm ${pdfString(text)} Tj ET`,
    );
    return w;
  }

  /** Several lines, `leading` points apart; returns the height used. */
  lines(
    lines: readonly string[],
    x: number,
    top: number,
    style: TextStyle,
    leading: number,
    width = 0,
    align: Align = 'left',
  ): number {
    for (let i = 0; i < lines.length; i++) this.text(lines[i]!, x, top + i * leading, style, width, align);
    return lines.length * leading;
  }

  /** Text rotated `degrees` counter-clockwise around its centre at (cx, cy), through an ExtGState. */
  rotatedText(
    text: string,
    cx: number,
    cy: number,
    degrees: number,
    style: TextStyle,
    gstate?: string,
  ): void {
    const w = widthOf(text, style.font, style.size);
    const rad = (degrees * Math.PI) / 180;
    const [cos, sin] = [Math.cos(rad), Math.sin(rad)];
    const capHalf = (style.size * 0.718) / 2;
    this.ops.push(
      `q ${gstate ? `/${gstate} gs ` : ''}${num(cos)} ${num(sin)} ${num(-sin)} ${num(cos)} ` +
        `${num(cx)} ${num(this.height - cy)} cm BT /${FONT_RESOURCE[style.font]} ${num(style.size)} Tf ` +
        `${rgb(style.color)} rg 1 0 0 1 ${num(-w / 2)} ${num(-capHalf)} Tm ${pdfString(text)} Tj ET Q`,
    );
  }

  fillRect(x: number, top: number, w: number, h: number, color: string): void {
    this.ops.push(`${rgb(color)} rg ${num(x)} ${num(this.height - top - h)} ${num(w)} ${num(h)} re f`);
  }

  strokeRect(x: number, top: number, w: number, h: number, color: string, lineWidth = 0.5): void {
    this.ops.push(
      `${num(lineWidth)} w ${rgb(color)} RG ${num(x)} ${num(this.height - top - h)} ${num(w)} ${num(h)} re S`,
    );
  }

  hline(x1: number, x2: number, y: number, color: string, lineWidth = 0.5): void {
    const py = num(this.height - y);
    this.ops.push(`${num(lineWidth)} w ${rgb(color)} RG ${num(x1)} ${py} m ${num(x2)} ${py} l S`);
  }

  /**
   * Many filled rectangles in one path, given in units of `unit` points from (x, top) with y
   * growing downwards ([x, y, w, h] flattened), e.g. QR modules: small numbers, short operators.
   */
  fillGrid(rects: readonly number[], x: number, top: number, unit: number, color: string): void {
    let path = `q ${num(unit)} 0 0 ${num(-unit)} ${num(x)} ${num(this.height - top)} cm ${rgb(color)} rg`;
    for (let i = 0; i < rects.length; i += 4) {
      path += ` ${num(rects[i]!)} ${num(rects[i + 1]!)} ${num(rects[i + 2]!)} ${num(rects[i + 3]!)} re`;
    }
    this.ops.push(`${path} f Q`);
  }

  /** Paints a registered image XObject into the box. */
  image(name: string, x: number, top: number, w: number, h: number): void {
    this.ops.push(`q ${num(w)} 0 0 ${num(h)} ${num(x)} ${num(this.height - top - h)} cm /${name} Do Q`);
  }
}
