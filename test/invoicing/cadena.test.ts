/**
 * Our cadena original against SAT's stylesheets run by xsltproc, on synthetic documents that go
 * far beyond what an invoice uses: every node SAT's XSLT reads, optional attributes present, empty
 * or missing, odd whitespace and entities, namespaced look-alike attributes, stray elements,
 * complements we implement (Pagos 2.0, implocal, leyendasFiscales) and unknown ones (XSLT's
 * built-in rule). Also the parser it stands on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CADENA_RULES,
  CadenaError,
  cadenaOriginal,
  normalizeSpace,
  tfdCadenaOriginal,
} from '../../src/invoicing/cadena.ts';
import { attr, parseXml, XmlError } from '../../src/invoicing/xml.ts';
import { CADENA_XSLT, SAT_FIXTURES, satCadenas, TFD_XSLT, toolMissing } from '../helpers/sat-tools.ts';

const XSLT_DIR = join(SAT_FIXTURES, 'xslt/www.sat.gob.mx/sitio_internet/cfd');
const NAMESPACES: Record<string, { uri: string; xslt: string }> = {
  cfdi: { uri: 'http://www.sat.gob.mx/cfd/4', xslt: CADENA_XSLT },
  pago20: { uri: 'http://www.sat.gob.mx/Pagos20', xslt: join(XSLT_DIR, 'Pagos/Pagos20.xslt') },
  implocal: { uri: 'http://www.sat.gob.mx/implocal', xslt: join(XSLT_DIR, 'implocal/implocal.xslt') },
  leyendasFisc: {
    uri: 'http://www.sat.gob.mx/leyendasFiscales',
    xslt: join(XSLT_DIR, 'leyendasFiscales/leyendasFisc.xslt'),
  },
  tfd: { uri: 'http://www.sat.gob.mx/TimbreFiscalDigital', xslt: TFD_XSLT },
};

/** Attribute and element names each stylesheet mentions: read from SAT's files, not from our rules. */
const vocabulary = Object.fromEntries(
  Object.entries(NAMESPACES).map(([prefix, { xslt }]) => {
    const text = readFileSync(xslt, 'utf8');
    const attributes = [...new Set([...text.matchAll(/@([\p{L}\w]+)/gu)].map((m) => m[1]!))];
    const elements = [...new Set([...text.matchAll(new RegExp(`${prefix}:(\\w+)`, 'g'))].map((m) => m[1]!))];
    return [prefix, { attributes, elements }];
  }),
);

/** Small deterministic PRNG (mulberry32) so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Attribute values as they appear in the XML text (already escaped).
const VALUES = [
  '  dos  espacios ',
  'a&amp;b',
  'Ñandú Peña',
  '&lt;tag&gt; &quot;q&quot;',
  "it's",
  'tab\there',
  'line&#10;break&#9;tab',
  'nbsp\u00a0end\u00a0',
  '12.50',
  '   ',
  '\u2003em space\u2003',
  '&#x1F600; emoji',
];

class Generator {
  private counter = 0;
  readonly rng: () => number;

  constructor(
    seed: number,
    private readonly cfdiPrefix: string,
  ) {
    this.rng = random(seed);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rng() * items.length)]!;
  }

  private qname(prefix: string, local: string): string {
    if (prefix !== 'cfdi') return `${prefix}:${local}`;
    return this.cfdiPrefix === '' ? local : `${this.cfdiPrefix}:${local}`;
  }

  private attributes(prefix: string): string {
    const parts: string[] = [];
    for (const name of vocabulary[prefix]!.attributes) {
      const roll = this.rng();
      if (roll < 0.3) continue;
      const value = roll < 0.38 ? '' : `v${this.counter++} ${this.pick(VALUES)}`;
      parts.push(`${name}="${value}"`);
    }
    if (this.rng() < 0.3) parts.push(`x:${this.pick(vocabulary[prefix]!.attributes)}="namespaced, ignored"`);
    return parts.length > 0 ? ` ${parts.join(' ')}` : '';
  }

  element(prefix: string, local: string, depth: number): string {
    const name = this.qname(prefix, local);
    const children: string[] = [];
    for (const step of CADENA_RULES[`${prefix}:${local}`] ?? []) {
      if ('field' in step) continue;
      const path = 'apply' in step ? step.apply : step.each;
      if (path === '*') children.push(...this.complements(depth));
      else children.push(...this.chain(path.replace(/^\/\//, '').split('/'), depth));
    }
    if (depth < 6 && this.rng() < 0.2) {
      children.push(this.element(prefix, this.pick(vocabulary[prefix]!.elements), depth + 3));
    }
    if (this.rng() < 0.2) children.push('stray text &amp; more');
    const attributes = this.attributes(prefix);
    return children.length === 0
      ? `<${name}${attributes}/>`
      : `<${name}${attributes}>\n  ${children.join('\n  ')}\n</${name}>`;
  }

  private chain(segments: string[], depth: number): string[] {
    if (segments.length === 0 || depth > 8) return [];
    const [prefix = '', local = ''] = segments[0]!.split(':');
    const count = Math.floor(this.rng() * 3);
    return Array.from({ length: count }, () => {
      if (segments.length === 1) return this.element(prefix, local, depth + 1);
      const inner = this.chain(segments.slice(1), depth + 1).join('\n');
      const name = this.qname(prefix, local);
      return `<${name}${this.attributes(prefix)}>${inner}</${name}>`;
    });
  }

  private complements(depth: number): string[] {
    const options = [
      () => this.element('pago20', 'Pagos', depth + 1),
      () => this.element('implocal', 'ImpuestosLocales', depth + 1),
      () => this.element('leyendasFisc', 'LeyendasFiscales', depth + 1),
      () => `<tfd:TimbreFiscalDigital${this.attributes('tfd')}/>`,
      () =>
        '<u:Extra xmlns:u="urn:unknown"> text &amp; <u:In a="1">more<![CDATA[ <cdata> ]]></u:In>\ttail </u:Extra>',
      () => `<u:Wrap xmlns:u="urn:unknown">${this.element('cfdi', 'Parte', depth + 1)}</u:Wrap>`,
    ];
    return Array.from({ length: Math.floor(this.rng() * 4) }, () => this.pick(options)());
  }

  document(): string {
    const declarations = Object.entries(NAMESPACES)
      .filter(([prefix]) => prefix !== 'cfdi')
      .map(([prefix, { uri }]) => ` xmlns:${prefix}="${uri}"`)
      .join('');
    const cfdi = this.cfdiPrefix === '' ? 'xmlns' : `xmlns:${this.cfdiPrefix}`;
    const root = this.element('cfdi', 'Comprobante', 0);
    const open = 1 + this.qname('cfdi', 'Comprobante').length;
    const namespaces = ` ${cfdi}="${NAMESPACES.cfdi!.uri}"${declarations} xmlns:x="urn:x"`;
    return `<?xml version="1.0" encoding="UTF-8"?>\n${root.slice(0, open)}${namespaces}${root.slice(open)}`;
  }
}

const SEEDS = Array.from({ length: 60 }, (_, i) => 1000 + i);
const xsltproc = toolMissing('xsltproc');

describe.skipIf(xsltproc)('cadenaOriginal vs SAT cadenaoriginal_4_0.xslt (xsltproc)', () => {
  if (xsltproc) console.warn(`skipped: ${xsltproc}`);

  it('matches on synthetic documents covering every node and attribute the XSLT reads', () => {
    const documents = SEEDS.map((seed) => new Generator(seed, ['cfdi', 'c', ''][seed % 3]!).document());
    const expected = satCadenas(documents);
    const mismatches = documents
      .map((doc, i) => ({ seed: SEEDS[i], ours: cadenaOriginal(doc), sat: expected[i] }))
      .filter((r) => r.ours !== r.sat);
    expect(mismatches).toEqual([]);
    // The generator must actually exercise the complements and the odd values.
    const all = expected.join('\n');
    expect(all).toContain('Ñandú');
    expect(documents.some((d) => d.includes('<pago20:Pago '))).toBe(true);
    expect(documents.some((d) => d.includes('<implocal:TrasladosLocales'))).toBe(true);
  });

  it('matches SAT cadenaoriginal_TFD_1_1.xslt on standalone timbres', () => {
    const timbres = SEEDS.slice(0, 20).map((seed) => {
      const g = new Generator(seed, 'cfdi');
      const attributes = vocabulary.tfd!.attributes.filter(() => g.rng() > 0.2);
      const values = attributes.map((name, i) => `${name}="t${i} ${VALUES[(seed + i) % VALUES.length]}"`);
      return `<tfd:TimbreFiscalDigital xmlns:tfd="${NAMESPACES.tfd!.uri}" ${values.join(' ')}/>`;
    });
    expect(timbres.map((t) => tfdCadenaOriginal(t))).toEqual(satCadenas(timbres, TFD_XSLT));
  });
});

describe('cadenaOriginal', () => {
  it('refuses complements whose cadena it does not implement, naming them', () => {
    const xml = `<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0">
      <cfdi:Complemento><nomina12:Nomina xmlns:nomina12="http://www.sat.gob.mx/nomina12" Version="1.2"/></cfdi:Complemento>
    </cfdi:Comprobante>`;
    expect(() => cadenaOriginal(xml)).toThrow(/nomina12:Nomina/);
    expect(() => cadenaOriginal(xml)).toThrow(CadenaError);
  });

  it('refuses a document that is not a CFDI 4.0 Comprobante', () => {
    expect(() =>
      cadenaOriginal('<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" Version="3.3"/>'),
    ).toThrow(CadenaError);
    expect(() => tfdCadenaOriginal('<a/>')).toThrow(CadenaError);
  });

  it('normalizes only XML whitespace, like XPath normalize-space', () => {
    expect(normalizeSpace(' \t a \r\n b  ')).toBe('a b');
    expect(normalizeSpace('\u00a0a\u00a0')).toBe('\u00a0a\u00a0');
    expect(normalizeSpace('\u2003')).toBe('\u2003');
  });
});

describe('parseXml', () => {
  it('resolves namespaces, entities, character references and attribute-value normalization', () => {
    const root = parseXml(
      '<?xml version="1.0"?><!-- c --><r xmlns="urn:a" xmlns:p="urn:p" v="a&amp;b&#10;c\td\r\ne" p:v="x"><![CDATA[<]]>&lt;</r>',
    );
    expect(root.ns).toBe('urn:a');
    expect(attr(root, 'v')).toBe('a&b\nc d e');
    expect(root.attributes.find((a) => a.name === 'p:v')?.ns).toBe('urn:p');
    expect(root.children).toEqual([{ kind: 'text', value: '<<' }]);
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE r [<!ENTITY x "boom">]><r>&x;</r>'],
    ['an undeclared entity', '<r>&nbsp;</r>'],
    ['mismatched tags', '<r><a></r>'],
    ['a duplicate attribute', '<r a="1" a="2"/>'],
    ['the same attribute through two prefixes', '<r xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2"/>'],
    ['an unbound prefix', '<p:r/>'],
    ['a forbidden control character', '<r a="\u0001"/>'],
    ['content after the root', '<r/><s/>'],
    ["a '<' in an attribute", '<r a="<"/>'],
    ['a bare ampersand', '<r>a & b</r>'],
  ])('refuses %s', (_, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
  });
});
