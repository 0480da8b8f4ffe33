/** The strict XML reader behind the CFDI model: well-formedness, namespaces, references. */
import { describe, expect, test } from 'vitest';
import { parseXml, XmlSyntaxError } from '../../../src/invoicing/rules/xml.ts';

describe('parseXml', () => {
  test('resolves namespaces of elements and prefixed attributes, decodes references', () => {
    const root = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><c:a xmlns:c="urn:c" xmlns="urn:d" xmlns:x="urn:x" x:y="1" v="&quot;A&amp;B&#x41;&#66;&lt;">` +
        '<b w="a\tb"/><c:d><![CDATA[<not markup>]]>text &amp; more<?pi data?></c:d></c:a>',
    );
    expect(root).toMatchObject({ namespace: 'urn:c', localName: 'a' });
    expect([...root.attributes]).toEqual([
      ['{urn:x}y', '1'],
      ['v', '"A&BAB<'],
    ]);
    expect(root.children.map((c) => [c.namespace, c.localName])).toEqual([
      ['urn:d', 'b'],
      ['urn:c', 'd'],
    ]);
    expect(root.children[0]?.attributes.get('w')).toBe('a b');
  });

  test.each([
    ['<a><b></a>', /end tag <\/a> does not match <b>/],
    ['<a>', /unclosed element/],
    ['<a x="1" x="2"/>', /duplicate attribute x/],
    ['<a x="1"y="2"/>', /white space expected/],
    ['<a x=1/>', /must be quoted/],
    ['<a x="<"/>', /'<' not allowed/],
    ['<a>&nbsp;</a>', /unknown or malformed reference/],
    ['<a>&#0;</a>', /not an XML character/],
    ['<a>]]></a>', /not allowed in text/],
    ['<p:a/>', /unbound namespace prefix/],
    ['<a p:x="1"/>', /unbound namespace prefix/],
    ['<a/><b/>', /content after the root element/],
    ['text<a/>', /text before the root element/],
    ['<!DOCTYPE a><a/>', /DOCTYPE is not allowed/],
    ['<a><!-- a -- b --></a>', /'--' not allowed/],
    ['<a/><?xml version="1.0"?>', /XML declaration not at the start/],
    ['<?xml version="2.0"?><a/>', /malformed XML declaration/],
  ])('rejects %s', (xml, reason) => {
    expect(() => parseXml(xml)).toThrow(XmlSyntaxError);
    expect(() => parseXml(xml)).toThrow(reason);
  });

  test('reports line and column', () => {
    try {
      parseXml('<a>\n  <b>\n</a>');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ line: 3, column: 1 });
    }
  });

  test('handles deep nesting without recursion', () => {
    const depth = 20_000;
    const root = parseXml(`${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`);
    expect(root.localName).toBe('a');
  });
});
