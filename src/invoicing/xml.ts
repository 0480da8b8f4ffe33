/**
 * A small, strict, namespace-aware XML 1.0 parser for CFDI documents: what the cadena original,
 * sealing and verification read. It builds a plain tree (elements, attributes, text) and remembers
 * where each root attribute value sits in the source text, so sealing can splice NoCertificado,
 * Certificado and Sello into the original text without re-serializing it.
 *
 * Deliberately refused: DOCTYPE (no CFDI has one; refusing it rules out entity expansion attacks),
 * undeclared entities, unbound prefixes, duplicate attributes, mismatched tags, characters XML 1.0
 * forbids. Attribute values are normalized as the XML spec says (tab, CR, LF -> space; CRLF -> one
 * space), which is what SAT's XSLT sees.
 */

export const NS_CFDI = 'http://www.sat.gob.mx/cfd/4';
export const NS_TFD = 'http://www.sat.gob.mx/TimbreFiscalDigital';
export const NS_XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const NS_XML = 'http://www.w3.org/XML/1998/namespace';
const NS_XMLNS = 'http://www.w3.org/2000/xmlns/';

export interface XmlAttribute {
  /** Qualified name as written, e.g. "Rfc" or "xsi:schemaLocation". */
  name: string;
  local: string;
  /** Namespace URI; null for unprefixed attributes (all CFDI data attributes). */
  ns: string | null;
  value: string;
  /** Offsets of the raw value (between the quotes) in the parsed text. */
  valueStart: number;
  valueEnd: number;
}

export interface XmlElement {
  kind: 'element';
  name: string;
  local: string;
  ns: string | null;
  attributes: XmlAttribute[];
  children: XmlNode[];
  /** Offset just past the last attribute of the start tag: where a new attribute can be inserted. */
  attributesEnd: number;
}

export interface XmlText {
  kind: 'text';
  value: string;
}

export type XmlNode = XmlElement | XmlText;

/** The text is not well-formed XML (or uses a feature this parser refuses). */
export class XmlError extends Error {
  override name = 'XmlError';
}

/** Parses a complete document and returns its root element. */
export function parseXml(text: string): XmlElement {
  return new Parser(text).document();
}

/** Value of an unprefixed attribute, or undefined. */
export function attr(element: XmlElement, name: string): string | undefined {
  for (const a of element.attributes) if (a.ns === null && a.local === name) return a.value;
  return undefined;
}

/** Child elements with this namespace and local name, in document order. */
export function childElements(element: XmlElement, ns: string, local: string): XmlElement[] {
  const found: XmlElement[] = [];
  for (const child of element.children) {
    if (child.kind === 'element' && child.ns === ns && child.local === local) found.push(child);
  }
  return found;
}

const NAME = /[^\s/>=<"'&]+/y;
const VALID_NAME = /^[\p{L}_:][\p{L}\p{N}\p{Mn}\p{Mc}_:.\-\u00B7\u203F\u2040]*$/u;
// With the u flag a surrogate range only matches unpaired surrogates.
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/u;
const XML_WHITESPACE = /[\t\n\r]/;
/** Whitespace, an ASCII name, "=", a quoted value without '<', '&', tab, LF or CR. */
const PLAIN_ATTRIBUTE =
  /[ \t\n\r]+([A-Za-z_:][A-Za-z0-9_:.-]*)[ \t\n\r]*=[ \t\n\r]*(?:"([^"<&\t\n\r]*)"|'([^'<&\t\n\r]*)')/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {
    if (FORBIDDEN_CHAR.test(text)) throw new XmlError('the document contains a character XML 1.0 forbids');
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  document(): XmlElement {
    if (this.text.startsWith('<?xml', this.pos) && isSpace(this.text.charCodeAt(this.pos + 5)))
      this.skipPast('?>');
    this.misc();
    if (this.text.startsWith('<!DOCTYPE', this.pos)) throw new XmlError('DOCTYPE is not allowed in a CFDI');
    if (this.text[this.pos] !== '<') throw this.error('expected the root element');
    const root = this.element(new Map([['xml', NS_XML]]));
    this.misc();
    if (this.pos < this.text.length) throw this.error('content after the root element');
    return root;
  }

  /** Whitespace, comments and processing instructions outside the root element. */
  private misc(): void {
    for (;;) {
      while (isSpace(this.text.charCodeAt(this.pos))) this.pos++;
      if (this.text.startsWith('<!--', this.pos)) this.skipPast('-->');
      else if (this.text.startsWith('<?', this.pos)) this.skipPast('?>');
      else return;
    }
  }

  private element(scope: Map<string, string | null>): XmlElement {
    this.pos++; // '<'
    const name = this.name();
    // Built whole, one shape, with ns and local fixed up below for prefixed names: object spread
    // or a second pass of objects here made parsing several times slower.
    const attributes: XmlAttribute[] = [];
    let prefixed = false;
    let localScope = scope;
    let attributesEnd = this.pos;
    for (;;) {
      let attrName: string;
      let rawValue: string;
      let valueStart: number;
      let valueEnd: number;
      // The common case in one match: an ASCII name and a quoted value with nothing to decode or
      // normalize. Anything else (the end of the tag, other names or values, errors) is read below.
      PLAIN_ATTRIBUTE.lastIndex = this.pos;
      const plain = PLAIN_ATTRIBUTE.exec(this.text);
      if (plain) {
        attrName = plain[1]!;
        rawValue = plain[2] ?? plain[3]!;
        valueEnd = PLAIN_ATTRIBUTE.lastIndex - 1;
        valueStart = valueEnd - rawValue.length;
      } else {
        const hadSpace = this.spaces();
        const c = this.text.charCodeAt(this.pos);
        if (c === 0x3e || c === 0x2f) break; // '>' or '/'
        if (!hadSpace) throw this.error('expected whitespace between attributes');
        attrName = this.name();
        this.spaces();
        if (this.text[this.pos] !== '=') throw this.error(`expected = after ${attrName}`);
        this.pos++;
        this.spaces();
        const quote = this.text[this.pos];
        if (quote !== '"' && quote !== "'") throw this.error('expected a quoted attribute value');
        valueStart = this.pos + 1;
        valueEnd = this.text.indexOf(quote, valueStart);
        if (valueEnd < 0) throw this.error('unterminated attribute value');
        rawValue = this.text.slice(valueStart, valueEnd);
        if (rawValue.includes('<')) throw this.error(`'<' in the value of ${attrName}`);
      }
      this.pos = valueEnd + 1;
      attributesEnd = this.pos;
      for (const a of attributes)
        if (a.name === attrName) throw this.error(`duplicate attribute ${attrName}`);
      const value = plain
        ? rawValue
        : decode(XML_WHITESPACE.test(rawValue) ? rawValue.replace(/\r\n|[\t\n\r]/g, ' ') : rawValue, this);
      attributes.push({ name: attrName, local: attrName, ns: null, value, valueStart, valueEnd });
      if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) {
        if (localScope === scope) localScope = new Map(scope);
        localScope.set(attrName === 'xmlns' ? '' : attrName.slice(6), value === '' ? null : value);
      }
      if (attrName === 'xmlns' || attrName.includes(':')) prefixed = true;
    }
    const [ns, local] = this.resolve(name, localScope, true);
    if (prefixed) this.resolveAttributes(attributes, localScope);
    const element: XmlElement = { kind: 'element', name, local, ns, attributes, children: [], attributesEnd };
    if (this.text.startsWith('/>', this.pos)) {
      this.pos += 2;
      return element;
    }
    this.pos++; // '>'
    this.content(element, localScope);
    return element;
  }

  /** Namespaces of prefixed attributes and xmlns declarations; refuses one name given twice. */
  private resolveAttributes(attributes: XmlAttribute[], scope: Map<string, string | null>): void {
    for (const a of attributes) {
      if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) {
        a.ns = NS_XMLNS;
        a.local = a.name === 'xmlns' ? 'xmlns' : a.name.slice(6);
      } else if (a.name.includes(':')) {
        [a.ns, a.local] = this.resolve(a.name, scope, false);
      }
    }
    for (let i = 0; i < attributes.length; i++) {
      for (let j = i + 1; j < attributes.length; j++) {
        const a = attributes[i]!;
        const b = attributes[j]!;
        if (a.ns !== null && a.ns === b.ns && a.local === b.local)
          throw this.error(`duplicate attribute ${b.name}`);
      }
    }
  }

  private content(element: XmlElement, scope: Map<string, string | null>): void {
    for (;;) {
      const lt = this.text.indexOf('<', this.pos);
      if (lt < 0) throw this.error(`element ${element.name} is not closed`);
      if (lt > this.pos) {
        const text = this.text.slice(this.pos, lt);
        this.addText(element, decode(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text, this));
      }
      this.pos = lt;
      const next = this.text.charCodeAt(lt + 1);
      if (next !== 0x2f && next !== 0x21 && next !== 0x3f) {
        // Not "</", "<!" or "<?": a child element, by far the most common case.
        element.children.push(this.element(scope));
        continue;
      }
      if (next === 0x2f) {
        this.pos += 2;
        const name = this.name();
        this.spaces();
        if (name !== element.name || this.text[this.pos] !== '>') {
          throw this.error(`expected </${element.name}>, found </${name}`);
        }
        this.pos++;
        return;
      }
      if (this.text.startsWith('<!--', lt)) this.skipPast('-->');
      else if (this.text.startsWith('<![CDATA[', lt)) {
        const end = this.text.indexOf(']]>', lt);
        if (end < 0) throw this.error('unterminated CDATA section');
        this.addText(element, this.text.slice(lt + 9, end).replace(/\r\n?/g, '\n'));
        this.pos = end + 3;
      } else if (this.text.startsWith('<?', lt)) this.skipPast('?>');
      else throw this.error('unexpected markup declaration');
    }
  }

  private addText(element: XmlElement, value: string): void {
    const last = element.children[element.children.length - 1];
    if (last?.kind === 'text') last.value += value;
    else element.children.push({ kind: 'text', value });
  }

  private resolve(
    qname: string,
    scope: Map<string, string | null>,
    isElement: boolean,
  ): [string | null, string] {
    const colon = qname.indexOf(':');
    if (colon < 0) return [isElement ? (scope.get('') ?? null) : null, qname];
    const prefix = qname.slice(0, colon);
    const local = qname.slice(colon + 1);
    const ns = scope.get(prefix);
    if (!ns || local === '' || local.includes(':')) throw this.error(`unbound or invalid prefix in ${qname}`);
    return [ns, local];
  }

  private name(): string {
    // Fast path: an ASCII name followed by a delimiter is valid as it is.
    const start = this.pos;
    let end = start;
    let code = this.text.charCodeAt(end);
    if (isAsciiNameStart(code)) {
      do code = this.text.charCodeAt(++end);
      while (isAsciiNameStart(code) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2e);
      if (Number.isNaN(code) || isNameDelimiter(code)) {
        this.pos = end;
        return this.text.slice(start, end);
      }
    }
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.text);
    if (!match || !VALID_NAME.test(match[0])) throw this.error('expected a name');
    this.pos += match[0].length;
    return match[0];
  }

  private spaces(): boolean {
    const start = this.pos;
    while (isSpace(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  private skipPast(terminator: string): void {
    const end = this.text.indexOf(terminator, this.pos + 2);
    if (end < 0) throw this.error(`expected ${terminator}`);
    this.pos = end + terminator.length;
  }

  error(message: string): XmlError {
    const line = this.text.slice(0, this.pos).split('\n').length;
    return new XmlError(`${message} (line ${line})`);
  }
}

function decode(text: string, parser: Parser): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&]*);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) throw parser.error("bare '&'");
    const named = ENTITIES[ref];
    if (named !== undefined) return named;
    const code = /^#x[0-9a-fA-F]+$/.test(ref)
      ? Number.parseInt(ref.slice(2), 16)
      : /^#[0-9]+$/.test(ref)
        ? Number.parseInt(ref.slice(1), 10)
        : Number.NaN;
    if (!isXmlChar(code)) throw parser.error(`unknown or invalid reference ${whole}`);
    return String.fromCodePoint(code);
  });
}

/** A-Z, a-z, _ and : (the ASCII characters a name may start with). */
function isAsciiNameStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code === 0x3a;
}

/** The characters NAME stops at: whitespace, / > = < " ' &. */
function isNameDelimiter(code: number): boolean {
  return (
    isSpace(code) ||
    code === 0x2f ||
    code === 0x3e ||
    code === 0x3d ||
    code === 0x3c ||
    code === 0x22 ||
    code === 0x27 ||
    code === 0x26
  );
}

/** XML's S production: space, tab, CR, LF. */
function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x9 || code === 0xa || code === 0xd;
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
