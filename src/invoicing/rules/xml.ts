/**
 * A small strict XML 1.0 reader for CFDI documents. xmlbuilder2's parser accepts unclosed tags and
 * duplicate attributes, which a PAC rejects; this one checks well-formedness and namespaces and keeps
 * only what the CFDI rules need: elements with their namespace, local name and attribute values.
 * DOCTYPE declarations are refused (a CFDI never has one, and refusing them rules out entity tricks).
 */

/** One element: attributes keyed by local name (no prefix) or `{namespace}local` (prefixed). */
export interface XmlElement {
  readonly namespace: string;
  readonly localName: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
}

/** Why a text is not a well-formed, namespace-valid XML document. */
export class XmlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason} (line ${line}, column ${column})`);
    this.name = 'XmlSyntaxError';
  }
}

const START =
  'A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const REST = `${START}0-9.\\-\\u00B7\\u0300-\\u036F\\u203F\\u2040`;
const QNAME = new RegExp(`[${START}][${REST}]*(?::[${START}][${REST}]*)?`, 'y');
const SPACE = /[ \t\n]*/y;
const INVALID_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const XML_DECL =
  /<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.[0-9]+\1([ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?([ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(yes|no)\5)?[ \t\n]*\?>/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

interface Open {
  readonly qname: string;
  readonly scope: ReadonlyMap<string, string>;
  readonly children: XmlElement[];
}

/** Parses a whole document and returns its root element; throws XmlSyntaxError when malformed. */
export function parseXml(input: string): XmlElement {
  return new Reader(input).document();
}

class Reader {
  private readonly text: string;
  private pos = 0;

  constructor(input: string) {
    this.text = input.replace(/\r\n?/g, '\n');
  }

  document(): XmlElement {
    const bad = INVALID_CHAR.exec(this.text);
    if (bad) this.fail('character not allowed in XML', bad.index);
    if (this.text.startsWith('\uFEFF')) this.pos = 1;
    if (this.text.startsWith('<?xml', this.pos) && /[ \t\n]/.test(this.text[this.pos + 5] ?? '')) {
      XML_DECL.lastIndex = this.pos;
      if (!XML_DECL.test(this.text)) this.fail('malformed XML declaration');
      this.pos = XML_DECL.lastIndex;
    }
    this.misc();
    if (this.text[this.pos] !== '<')
      this.fail(this.pos >= this.text.length ? 'no root element' : 'text before the root element');
    const root = this.element();
    this.misc();
    if (this.pos < this.text.length) this.fail('content after the root element');
    return root;
  }

  /** Comments, processing instructions and white space outside the root element. */
  private misc(): void {
    for (;;) {
      this.space();
      if (this.text.startsWith('<!--', this.pos)) this.comment();
      else if (this.text.startsWith('<?', this.pos)) this.instruction();
      else if (this.text.startsWith('<!DOCTYPE', this.pos)) this.fail('DOCTYPE is not allowed in a CFDI');
      else return;
    }
  }

  private element(): XmlElement {
    const stack: Open[] = [];
    let root: XmlElement | undefined;
    const rootScope = new Map([['xml', XML_NS]]);
    do {
      const text = this.text;
      if (stack.length > 0) this.content();
      if (text.startsWith('</', this.pos)) {
        const at = this.pos;
        this.pos += 2;
        const name = this.name();
        this.space();
        this.expect('>');
        const open = stack.pop();
        if (!open || open.qname !== name) this.fail(`end tag </${name}> does not match <${open?.qname}>`, at);
        continue;
      }
      // A start tag.
      this.pos += 1;
      const qname = this.name();
      const raw: Array<[string, string, number]> = [];
      for (;;) {
        const before = this.pos;
        this.space();
        if (text.startsWith('/>', this.pos) || text[this.pos] === '>') break;
        if (this.pos === before) this.fail('white space expected between attributes');
        const at = this.pos;
        const attr = this.name();
        this.space();
        this.expect('=');
        this.space();
        const value = this.attributeValue();
        if (raw.some(([name]) => name === attr)) this.fail(`duplicate attribute ${attr}`, at);
        raw.push([attr, value, at]);
      }
      const parentScope = stack.at(-1)?.scope ?? rootScope;
      const scope = new Map(parentScope);
      for (const [name, value, at] of raw) {
        if (name === 'xmlns') scope.set('', value);
        else if (name.startsWith('xmlns:')) {
          if (value === '') this.fail(`empty namespace for prefix ${name.slice(6)}`, at);
          scope.set(name.slice(6), value);
        }
      }
      const attributes = new Map<string, string>();
      for (const [name, value, at] of raw) {
        if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
        const colon = name.indexOf(':');
        if (colon < 0) attributes.set(name, value);
        else {
          const uri = scope.get(name.slice(0, colon));
          if (uri === undefined) this.fail(`unbound namespace prefix in ${name}`, at);
          const key = `{${uri}}${name.slice(colon + 1)}`;
          if (attributes.has(key)) this.fail(`duplicate attribute ${name}`, at);
          attributes.set(key, value);
        }
      }
      const colon = qname.indexOf(':');
      const namespace = colon < 0 ? (scope.get('') ?? '') : scope.get(qname.slice(0, colon));
      if (namespace === undefined || namespace === XMLNS_NS)
        this.fail(`unbound namespace prefix in <${qname}>`);
      const children: XmlElement[] = [];
      const element: XmlElement = { namespace, localName: qname.slice(colon + 1), attributes, children };
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else root = element;
      if (text.startsWith('/>', this.pos)) this.pos += 2;
      else {
        this.pos += 1;
        stack.push({ qname, scope, children });
      }
    } while (stack.length > 0);
    return root as XmlElement;
  }

  /** Character data, comments, CDATA and PIs up to the next tag. */
  private content(): void {
    const text = this.text;
    for (;;) {
      const lt = text.indexOf('<', this.pos);
      if (lt < 0) this.fail('unexpected end of document: unclosed element', text.length);
      this.characters(this.pos, lt);
      this.pos = lt;
      if (text.startsWith('<!--', lt)) this.comment();
      else if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt + 9);
        if (end < 0) this.fail('unclosed CDATA section');
        this.pos = end + 3;
      } else if (text.startsWith('<?', lt)) this.instruction();
      else if (text.startsWith('<!', lt)) this.fail('markup declaration not allowed here');
      else return;
    }
  }

  /** Checks character data between two positions: references must be valid, `]]>` is not allowed. */
  private characters(from: number, to: number): void {
    const chunk = this.text.slice(from, to);
    const cdataEnd = chunk.indexOf(']]>');
    if (cdataEnd >= 0) this.fail("']]>' not allowed in text", from + cdataEnd);
    let amp = chunk.indexOf('&');
    while (amp >= 0) {
      const end = this.reference(from + amp).end;
      amp = chunk.indexOf('&', end - from);
    }
  }

  private attributeValue(): string {
    const quote = this.text[this.pos];
    if (quote !== '"' && quote !== "'") this.fail('attribute value must be quoted');
    const end = this.text.indexOf(quote, this.pos + 1);
    if (end < 0) this.fail('unclosed attribute value');
    let value = '';
    let i = this.pos + 1;
    while (i < end) {
      const ch = this.text[i] as string;
      if (ch === '<') this.fail("'<' not allowed in an attribute value", i);
      if (ch === '&') {
        const ref = this.reference(i);
        value += ref.value;
        i = ref.end;
      } else {
        value += ch === '\t' || ch === '\n' ? ' ' : ch;
        i += 1;
      }
    }
    this.pos = end + 1;
    return value;
  }

  /** An entity or character reference starting at `at` (the '&'). */
  private reference(at: number): { value: string; end: number } {
    const semi = this.text.indexOf(';', at);
    const body = semi < 0 ? '' : this.text.slice(at + 1, semi);
    let code: number | undefined;
    if (/^#[0-9]+$/.test(body)) code = Number.parseInt(body.slice(1), 10);
    else if (/^#x[0-9A-Fa-f]+$/.test(body)) code = Number.parseInt(body.slice(2), 16);
    else {
      const named = PREDEFINED[body];
      if (named === undefined) this.fail(`unknown or malformed reference &${body.slice(0, 20)}`, at);
      return { value: named, end: semi + 1 };
    }
    if (
      code > 0x10ffff ||
      INVALID_CHAR.test(String.fromCodePoint(code)) ||
      (code >= 0xd800 && code <= 0xdfff)
    ) {
      this.fail(`character reference &${body}; is not an XML character`, at);
    }
    return { value: String.fromCodePoint(code), end: semi + 1 };
  }

  private comment(): void {
    const end = this.text.indexOf('-->', this.pos + 4);
    if (end < 0) this.fail('unclosed comment');
    const body = this.text.slice(this.pos + 4, end);
    if (body.includes('--') || body.endsWith('-')) this.fail("'--' not allowed inside a comment");
    this.pos = end + 3;
  }

  private instruction(): void {
    this.pos += 2;
    const target = this.name();
    if (target.toLowerCase() === 'xml') this.fail('XML declaration not at the start of the document');
    const end = this.text.indexOf('?>', this.pos);
    if (end < 0) this.fail('unclosed processing instruction');
    this.pos = end + 2;
  }

  private name(): string {
    QNAME.lastIndex = this.pos;
    const match = QNAME.exec(this.text);
    if (!match) this.fail('name expected');
    this.pos = QNAME.lastIndex;
    return match[0];
  }

  private space(): void {
    SPACE.lastIndex = this.pos;
    SPACE.test(this.text);
    this.pos = SPACE.lastIndex;
  }

  private expect(token: string): void {
    if (!this.text.startsWith(token, this.pos)) this.fail(`'${token}' expected`);
    this.pos += token.length;
  }

  private fail(reason: string, at = this.pos): never {
    const before = this.text.slice(0, at);
    const line = before.split('\n').length;
    throw new XmlSyntaxError(reason, line, at - before.lastIndexOf('\n'));
  }
}
