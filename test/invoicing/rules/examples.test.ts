/**
 * validateCfdi on whole documents: real CFDIs made by others pass with no violation (no false
 * positives), malformed input gives one CFDI40999 and never an exception, results come in matrix
 * order with SAT's messages.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { RULES, validateCfdi } from '../../../src/invoicing/rules/index.ts';
import { MATRIX, matrixIndex } from '../../../src/invoicing/rules/messages.ts';
import { BASES, type BaseName, comprobante, NOW } from './fixtures.ts';

const SAT_EXAMPLES: BaseName[] = ['valid', 'real', 'discounts', 'pago'];

describe('CFDIs that pass', () => {
  test.each(SAT_EXAMPLES)('SAT example %s has no violation, judged with the default clock', (name) => {
    expect(validateCfdi(BASES[name])).toEqual([]);
  });

  test.each(Object.keys(BASES) as BaseName[])(
    'base %s has no violation at the tests’ reference clock',
    (name) => {
      expect(validateCfdi(BASES[name], { now: NOW })).toEqual([]);
    },
  );

  test('the same CFDI with CRLF line ends, a BOM and comments passes too', () => {
    const xml = `\uFEFF${BASES.valid.replace(/\n/g, '\r\n').replace('<cfdi:Conceptos>', '<!-- conceptos --><cfdi:Conceptos>')}`;
    expect(validateCfdi(xml)).toEqual([]);
  });
});

describe('documents that are not a CFDI 4.0', () => {
  const unclassified = (field: string) => [{ code: 'CFDI40999', message: 'Error no clasificado.', field }];

  test.each([
    ['empty text', ''],
    ['plain text', 'factura'],
    ['an unclosed element', '<a><b></a>'],
    ['a truncated CFDI', BASES.valid.slice(0, 2000)],
    ['a duplicate attribute', BASES.valid.replace(' Moneda="MXN"', ' Moneda="MXN" Moneda="USD"')],
    ['an undeclared prefix', BASES.valid.replace('<cfdi:Emisor ', '<x:Emisor ')],
    [
      'a DOCTYPE with an external entity',
      `<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]>${BASES.valid.replace(/^<\?xml[^>]*>/, '')}`,
    ],
    ['an unknown entity', BASES.valid.replace('Nombre="ESCUELA KEMPER URGATE"', 'Nombre="&nbsp;"')],
    ['a control character', BASES.valid.replace('ESCUELA', 'ESC\u0001UELA')],
  ])('%s gives one CFDI40999 explaining why', (_name, xml) => {
    const result = validateCfdi(xml);
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ code: 'CFDI40999', message: 'Error no clasificado.' });
    expect(result[0]?.field).toMatch(/^not well-formed XML: .+ \(line \d+, column \d+\)$/);
  });

  test('a CFDI 3.3 root is not judged by the 4.0 rules', () => {
    const xml = BASES.valid.replaceAll('http://www.sat.gob.mx/cfd/4', 'http://www.sat.gob.mx/cfd/3');
    expect(validateCfdi(xml)).toEqual(
      unclassified(
        'root element is {http://www.sat.gob.mx/cfd/3}Comprobante, not cfdi:Comprobante of http://www.sat.gob.mx/cfd/4',
      ),
    );
  });

  test('Version other than 4.0 is reported, and the rules still run', () => {
    expect(validateCfdi(comprobante(BASES.valid, { Version: '3.3' }))).toEqual(
      unclassified('Comprobante@Version'),
    );
  });

  test('never throws, whatever the input', () => {
    expect(validateCfdi(null as unknown as string)).toHaveLength(1);
    expect(validateCfdi(42 as unknown as string)).toHaveLength(1);
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => Array.isArray(validateCfdi(text))),
      { numRuns: 300 },
    );
  });

  test('never throws on damaged CFDIs: any cut, any attribute value replaced', () => {
    const xml = BASES.full;
    const values = [...xml.matchAll(/="([^"]*)"/g)].map((m) => m.index ?? 0);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: xml.length }),
        fc.integer({ min: 0, max: values.length - 1 }),
        fc.string({ maxLength: 12 }),
        (cut, which, value) => {
          const start = (values[which] ?? 0) + 2;
          const end = xml.indexOf('"', start);
          const replaced = xml.slice(0, start) + value.replace(/["<&]/g, '') + xml.slice(end);
          return (
            Array.isArray(validateCfdi(xml.slice(0, cut), { now: NOW })) &&
            Array.isArray(validateCfdi(replaced, { now: NOW }))
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('reports', () => {
  test("come in matrix order, with SAT's message and a field", () => {
    const broken = comprobante(BASES.full, {
      Total: '1.00',
      Moneda: 'MXN',
      Exportacion: '05',
      FormaPago: '07',
      Fecha: '2025-03-10 12:00:00',
    }).replace('UsoCFDI="G03"', 'UsoCFDI="G99"');
    const result = validateCfdi(broken, { now: NOW });
    expect(result.map((v) => v.code)).toEqual([
      'CFDI40101',
      'CFDI40104',
      'CFDI40119',
      'CFDI40123',
      'CFDI40160',
    ]);
    const indexes = result.map((v) => matrixIndex(v.code as keyof typeof MATRIX));
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    for (const v of result) {
      expect(v.message).toBe(MATRIX[v.code as keyof typeof MATRIX]);
      expect(v.field).toMatch(/^Comprobante@|^Receptor@/);
    }
  });

  test('locate concept lines by position', () => {
    const broken = BASES.full.replace(
      'ClaveUnidad="H87" Descripcion="Refresco"',
      'ClaveUnidad="ZZZ" Descripcion="Refresco"',
    );
    expect(validateCfdi(broken, { now: NOW })).toEqual([
      { code: 'CFDI40165', message: MATRIX.CFDI40165, field: 'Conceptos/Concepto[3]@ClaveUnidad' },
    ]);
  });

  test('there is one rule object per checked code', () => {
    expect(new Set(RULES.map((r) => r.code)).size).toBe(RULES.length);
  });
});
