/**
 * Text metrics and WinAnsi encoding for the three standard PDF fonts the invoice uses.
 *
 * pdfkit's own text() costs ~40 µs per call (kerning lookups per glyph pair), which alone would
 * take ~10 ms for one invoice page; so the canvas writes text operators itself, without kerning,
 * measured with the glyph widths read here once per process from pdfkit's standard-font data.
 */
import PDFDocument from 'pdfkit';

export type FontKey = 'regular' | 'bold' | 'mono';

export const BASE_FONTS: Record<FontKey, string> = {
  regular: 'Helvetica',
  bold: 'Helvetica-Bold',
  mono: 'Courier',
};

/** Ascender in 1/1000 em (Adobe's AFM files for the standard 14 fonts). */
export const ASCENT: Record<FontKey, number> = { regular: 718, bold: 718, mono: 629 };

/** Unicode code points that WinAnsiEncoding (cp1252) places in 0x80-0x9F. */
const CP1252_HIGH: Record<number, number> = {
  8364: 0x80,
  8218: 0x82,
  402: 0x83,
  8222: 0x84,
  8230: 0x85,
  8224: 0x86,
  8225: 0x87,
  710: 0x88,
  8240: 0x89,
  352: 0x8a,
  8249: 0x8b,
  338: 0x8c,
  381: 0x8e,
  8216: 0x91,
  8217: 0x92,
  8220: 0x93,
  8221: 0x94,
  8226: 0x95,
  8211: 0x96,
  8212: 0x97,
  732: 0x98,
  8482: 0x99,
  353: 0x9a,
  8250: 0x9b,
  339: 0x9c,
  382: 0x9e,
  376: 0x9f,
};

/** The WinAnsi byte of one UTF-16 code unit, or -1 when the font cannot show it. */
function winAnsiByte(code: number): number {
  if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) return code;
  if (code === 0x09 || code === 0x0a || code === 0x0d) return 0x20;
  return CP1252_HIGH[code] ?? -1;
}

/**
 * The text as WinAnsi bytes. Characters outside WinAnsi lose their accents when that helps
 * ("ő" -> "o") and otherwise become "?", so no input can corrupt the content stream.
 */
export function toWinAnsi(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let byte = winAnsiByte(code);
    if (byte < 0) {
      if (code >= 0xd800 && code <= 0xdbff) i++; // a surrogate pair is one character
      const base = String.fromCharCode(code).normalize('NFD').charCodeAt(0);
      byte = base !== code ? winAnsiByte(base) : -1;
      if (byte < 0) byte = 0x3f;
    }
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

/**
 * Each WinAnsi byte as it goes inside a PDF literal string: itself (the content stream is written
 * as Latin-1), with the backslash and both parentheses escaped. Half the size of a hex string, so
 * half the bytes to build and to deflate. Line ends never occur: toWinAnsi turns them into spaces.
 */
const LITERAL = Array.from({ length: 256 }, (_, byte) => {
  const char = String.fromCharCode(byte);
  return char === '\\' || char === '(' || char === ')' ? `\\${char}` : char;
});

/** The WinAnsi byte of each UTF-16 code unit below 256, or -1 where toWinAnsi has more to do. */
const DIRECT = Int16Array.from({ length: 256 }, (_, code) => winAnsiByte(code));

/**
 * `text` as a PDF literal string operand in WinAnsi ("(Hello \\(world\\))"), as a Latin-1 string.
 * Text made only of Latin-1 characters (nearly all of an invoice) is mapped in one pass.
 */
export function pdfString(text: string): string {
  let out = '(';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const byte = code < 256 ? DIRECT[code]! : -1;
    if (byte < 0) return literalOf(toWinAnsi(text));
    out += LITERAL[byte];
  }
  return `${out})`;
}

function literalOf(bytes: Uint8Array): string {
  let out = '(';
  for (let i = 0; i < bytes.length; i++) out += LITERAL[bytes[i]!];
  return `${out})`;
}

let widthTables: Record<FontKey, Float64Array> | undefined;

/** Glyph widths (1/1000 em) per WinAnsi byte, measured once through pdfkit's public API. */
function widths(): Record<FontKey, Float64Array> {
  if (widthTables) return widthTables;
  const doc = new PDFDocument({ autoFirstPage: false });
  const byteToChar = new Map<number, string>();
  for (let b = 0x20; b <= 0xff; b++) byteToChar.set(b, String.fromCharCode(b));
  for (const [code, byte] of Object.entries(CP1252_HIGH))
    byteToChar.set(byte, String.fromCharCode(Number(code)));
  const table = (font: FontKey) => {
    doc.font(BASE_FONTS[font]).fontSize(1000);
    const w = new Float64Array(256);
    for (const [byte, char] of byteToChar) w[byte] = doc.widthOfString(char);
    return w;
  };
  widthTables = { regular: table('regular'), bold: table('bold'), mono: table('mono') };
  return widthTables;
}

/** Width in points of already-encoded text. */
export function widthOfBytes(bytes: Uint8Array, font: FontKey, size: number): number {
  const w = widths()[font];
  let units = 0;
  for (const byte of bytes) units += w[byte]!;
  return (units * size) / 1000;
}

/** Width in points of `text` set in `font` at `size`, without kerning (as the canvas draws it). */
export function widthOf(text: string, font: FontKey, size: number): number {
  const w = widths()[font];
  let units = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const byte = code < 256 ? DIRECT[code]! : -1;
    if (byte < 0) return widthOfBytes(toWinAnsi(text), font, size);
    units += w[byte]!;
  }
  return (units * size) / 1000;
}

/** Splits a word wider than `max` into pieces that fit (used for seals, which have no spaces). */
function breakWord(word: string, font: FontKey, size: number, max: number, out: string[]): string {
  const w = widths()[font];
  const bytes = toWinAnsi(word);
  let start = 0;
  let units = 0;
  const limit = (max * 1000) / size;
  for (let i = 0; i < bytes.length; i++) {
    const cw = w[bytes[i]!]!;
    if (units + cw > limit && i > start) {
      out.push(word.slice(start, i));
      start = i;
      units = 0;
    }
    units += cw;
  }
  return word.slice(start);
}

/**
 * Wraps by characters only, keeping every character (spaces included): for seals and cadenas,
 * where the printed text must be exactly the original once the lines are joined.
 */
export function hardWrap(text: string, font: FontKey, size: number, max: number): string[] {
  const lines: string[] = [];
  lines.push(breakWord(text, font, size, max, lines));
  return lines;
}

/**
 * Greedy word wrap to `max` points: newlines are hard breaks, words wider than a line are split
 * by characters. Never returns an empty list (an empty text is one empty line).
 */
export function wrap(text: string, font: FontKey, size: number, max: number): string[] {
  const lines: string[] = [];
  const space = widthOf(' ', font, size);
  for (const paragraph of text.split(/\r\n|\r|\n/)) {
    let line = '';
    let lineWidth = 0;
    for (const word of paragraph.split(' ')) {
      const wordWidth = widthOf(word, font, size);
      if (line !== '' && lineWidth + space + wordWidth <= max) {
        line += ` ${word}`;
        lineWidth += space + wordWidth;
        continue;
      }
      if (line !== '') lines.push(line);
      line = wordWidth > max ? breakWord(word, font, size, max, lines) : word;
      lineWidth = widthOf(line, font, size);
    }
    lines.push(line);
  }
  return lines;
}

/** `text` cut to fit `max` points, ending in "…" when it had to be cut. */
export function truncate(text: string, font: FontKey, size: number, max: number): string {
  if (widthOf(text, font, size) <= max) return text;
  const ellipsis = widthOf('…', font, size);
  let end = text.length;
  while (end > 0 && widthOf(text.slice(0, end), font, size) + ellipsis > max) end--;
  return `${text.slice(0, end).trimEnd()}…`;
}
