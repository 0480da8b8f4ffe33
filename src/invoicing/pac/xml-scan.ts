/**
 * Just enough XML reading for PAC drivers: find a start tag, read its attributes, and leave
 * every other byte of the document untouched (a stamped CFDI must keep the sealed bytes).
 * This is not a general XML parser: it ignores DTDs and assumes well-formed input, which the
 * PAC or SAT validates anyway.
 */

export interface StartTag {
  /** Qualified name as written, e.g. "cfdi:Comprobante". */
  name: string;
  prefix: string;
  localName: string;
  /** Offset of "<". */
  start: number;
  /** Offset just after ">". */
  end: number;
  selfClosing: boolean;
  attributes: Map<string, string>;
}

const NAME = '[A-Za-z_][\\w.\\-]*';
const TAG_NAME = new RegExp(`^(?:(${NAME}):)?(${NAME})`);
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
/** findStartTag's pattern per local name (a handful of names: TimbreFiscalDigital, ...). */
const startTagPatterns = new Map<string, RegExp>();

/** The document element's start tag, skipping BOM, XML declaration, comments, PIs and DOCTYPE. */
export function rootStartTag(xml: string): StartTag | null {
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) return null;
    if (xml.startsWith('<?', lt)) i = afterOrEnd(xml, '?>', lt);
    else if (xml.startsWith('<!--', lt)) i = afterOrEnd(xml, '-->', lt);
    else if (xml.startsWith('<!', lt)) i = afterOrEnd(xml, '>', lt);
    else return readStartTag(xml, lt);
  }
  return null;
}

/** The first start tag with this local name (any prefix) at or after `from`. */
export function findStartTag(xml: string, localName: string, from = 0): StartTag | null {
  let pattern = startTagPatterns.get(localName);
  if (!pattern) {
    pattern = new RegExp(`<(?:${NAME}:)?${escapeRegExp(localName)}(?=[\\s/>])`, 'g');
    if (startTagPatterns.size < 32) startTagPatterns.set(localName, pattern);
  }
  pattern.lastIndex = from;
  const match = pattern.exec(xml);
  return match ? readStartTag(xml, match.index) : null;
}

/** The namespace prefix bound to `uri` on this tag ('' for a default namespace), or null. */
export function prefixFor(tag: StartTag, uri: string): string | null {
  for (const [name, value] of tag.attributes) {
    if (value !== uri) continue;
    if (name === 'xmlns') return '';
    if (name.startsWith('xmlns:')) return name.slice(6);
  }
  return null;
}

/** Decodes the predefined entities and character references of an attribute value. */
export function decodeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[ref] ?? '';
  });
}

/** Escapes text for a double-quoted attribute value. */
export function escapeXmlAttribute(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

function readStartTag(xml: string, start: number): StartTag | null {
  const end = tagEnd(xml, start);
  if (end < 0) return null;
  const inner = xml.slice(start + 1, end - 1);
  const nameMatch = TAG_NAME.exec(inner);
  if (!nameMatch) return null;
  const selfClosing = inner.endsWith('/');
  const attributes = new Map<string, string>();
  for (const m of inner.slice(nameMatch[0].length).matchAll(ATTRIBUTE)) {
    const value = m[2] ?? m[3] ?? '';
    attributes.set(m[1]!, decodeXml(/[\t\n\r]/.test(value) ? value.replace(/[\t\n\r]/g, ' ') : value));
  }
  return {
    name: nameMatch[0],
    prefix: nameMatch[1] ?? '',
    localName: nameMatch[2]!,
    start,
    end,
    selfClosing,
    attributes,
  };
}

/** Offset after the ">" that closes the tag opened at `start`, honouring quoted values. */
function tagEnd(xml: string, start: number): number {
  for (let i = start + 1; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (c === 0x22 || c === 0x27) {
      // Jump over the quoted value (a Certificado is ~2,000 characters).
      i = xml.indexOf(c === 0x22 ? '"' : "'", i + 1);
      if (i < 0) return -1;
    } else if (c === 0x3e) return i + 1;
  }
  return -1;
}

function afterOrEnd(xml: string, token: string, from: number): number {
  const at = xml.indexOf(token, from);
  return at < 0 ? xml.length : at + token.length;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
