/**
 * Mutations of the Comprobante's Impuestos summary. Tag numbers in the `full` base: cfdi:Impuestos 3 is
 * the summary; cfdi:Traslado 4 IVA 16 %, 5 IVA Exento, 6 IEPS 8 %; cfdi:Retencion 2 IVA, 3 ISR.
 */
import { attr, type Case, comprobante, sub } from '../fixtures.ts';

const totals =
  (name: string, value: string | null, nth = 3) =>
  (xml: string) =>
    attr(xml, 'cfdi:Impuestos', name, value, nth);
const traslado = (name: string, value: string, nth: number) => (xml: string) =>
  attr(xml, 'cfdi:Traslado', name, value, nth);
const retencion = (name: string, value: string, nth: number) => (xml: string) =>
  attr(xml, 'cfdi:Retencion', name, value, nth);

export const impuestosCases: readonly Case[] = [
  {
    code: 'CFDI40201',
    title: 'Impuestos on a Pago',
    base: 'pago',
    mutate: (x) =>
      sub(
        x,
        '  <cfdi:Complemento>',
        '  <cfdi:Impuestos TotalImpuestosTrasladados="0"/>\n  <cfdi:Complemento>',
      ),
  },
  {
    code: 'CFDI40202',
    title: 'TotalImpuestosRetenidos with 3 decimals',
    base: 'full',
    mutate: totals('TotalImpuestosRetenidos', '37.200'),
  },
  {
    code: 'CFDI40203',
    title: 'TotalImpuestosRetenidos not the sum of the Retencion',
    base: 'full',
    mutate: (x) => comprobante(totals('TotalImpuestosRetenidos', '37.21')(x), { Total: '259.17' }),
  },
  {
    code: 'CFDI40204',
    title: 'TotalImpuestosTrasladados with 3 decimals',
    base: 'valid',
    mutate: totals('TotalImpuestosTrasladados', '458.900', 1),
  },
  {
    code: 'CFDI40205',
    title: 'TotalImpuestosTrasladados not the sum of the Traslado',
    base: 'valid',
    mutate: (x) => comprobante(totals('TotalImpuestosTrasladados', '458.91', 1)(x), { Total: '3327.02' }),
  },
  {
    code: 'CFDI40206',
    title: 'Retenciones without TotalImpuestosRetenidos',
    base: 'full',
    also: ['CFDI40209'],
    mutate: (x) => comprobante(totals('TotalImpuestosRetenidos', null)(x), { Total: '296.38' }),
  },
  {
    code: 'CFDI40207',
    title: 'summary Retencion Impuesto 004',
    base: 'full',
    also: ['CFDI40211'],
    mutate: retencion('Impuesto', '004', 3),
  },
  {
    code: 'CFDI40208',
    title: 'two summary Retencion of IVA',
    base: 'full',
    also: ['CFDI40211'],
    mutate: retencion('Impuesto', '002', 3),
  },
  {
    code: 'CFDI40209',
    title: 'Retencion Importe without TotalImpuestosRetenidos',
    base: 'full',
    also: ['CFDI40206'],
    mutate: (x) => comprobante(totals('TotalImpuestosRetenidos', null)(x), { Total: '296.38' }),
  },
  {
    code: 'CFDI40210',
    title: 'summary Retencion Importe with 3 decimals',
    base: 'full',
    mutate: retencion('Importe', '19.200', 2),
  },
  {
    code: 'CFDI40211',
    title: 'summary IVA retenido one cent above the concepts',
    base: 'full',
    mutate: (x) =>
      comprobante(totals('TotalImpuestosRetenidos', '37.21')(retencion('Importe', '19.21', 2)(x)), {
        Total: '259.17',
      }),
  },
  {
    code: 'CFDI40211',
    title: 'ISR retenido in a concept, missing from the summary',
    base: 'full',
    mutate: (x) =>
      comprobante(
        totals(
          'TotalImpuestosRetenidos',
          '19.20',
        )(sub(x, '\n      <cfdi:Retencion Impuesto="001" Importe="18.00"/>', '')),
        { Total: '277.18' },
      ),
  },
  {
    code: 'CFDI40212',
    title: 'IVA 16 % in the concepts and no TotalImpuestosTrasladados',
    base: 'valid',
    mutate: (x) => comprobante(totals('TotalImpuestosTrasladados', null, 1)(x), { Total: '2868.11' }),
  },
  {
    code: 'CFDI40213',
    title: 'summary Exento with TasaOCuota',
    base: 'full',
    mutate: traslado('TasaOCuota', '0.000000', 5),
  },
  {
    code: 'CFDI40214',
    title: 'summary Traslado Base with 3 decimals',
    base: 'full',
    mutate: traslado('Base', '212.400', 4),
  },
  {
    code: 'CFDI40215',
    title: 'summary IVA 16 % Base one cent off',
    base: 'full',
    mutate: traslado('Base', '212.41', 4),
  },
  {
    code: 'CFDI40216',
    title: 'summary Exento Base one cent off',
    base: 'full',
    mutate: traslado('Base', '50.01', 5),
  },
  {
    code: 'CFDI40216',
    title: 'Exento concept, missing from the summary',
    base: 'full',
    mutate: (x) =>
      sub(
        x,
        '\n      <cfdi:Traslado Base="50.00" Impuesto="002" TipoFactor="Exento"/>\n      <cfdi:Traslado Base="30.00"',
        '\n      <cfdi:Traslado Base="30.00"',
      ),
  },
  {
    code: 'CFDI40217',
    title: 'summary Traslado Impuesto 004',
    base: 'full',
    also: ['CFDI40215', 'CFDI40221'],
    mutate: traslado('Impuesto', '004', 6),
  },
  {
    code: 'CFDI40218',
    title: 'two summary Traslado of IEPS 8 %',
    base: 'full',
    also: ['CFDI40215', 'CFDI40221'],
    mutate: (x) =>
      sub(
        x,
        '<cfdi:Traslado Base="30.00" Impuesto="003" TipoFactor="Tasa" TasaOCuota="0.080000" Importe="2.40"/>\n    </cfdi:Traslados>',
        '<cfdi:Traslado Base="30.00" Impuesto="003" TipoFactor="Tasa" TasaOCuota="0.080000" Importe="2.40"/>\n      <cfdi:Traslado Base="0.00" Impuesto="003" TipoFactor="Tasa" TasaOCuota="0.080000" Importe="0.00"/>\n    </cfdi:Traslados>',
      ),
  },
  {
    code: 'CFDI40219',
    title: 'summary TasaOCuota 0.16',
    base: 'full',
    mutate: traslado('TasaOCuota', '0.16', 4),
  },
  {
    code: 'CFDI40220',
    title: 'summary Traslado Importe with 3 decimals',
    base: 'full',
    mutate: traslado('Importe', '33.980', 4),
  },
  {
    code: 'CFDI40221',
    title: 'summary IVA 16 % Importe one cent above the concepts',
    base: 'full',
    mutate: (x) =>
      comprobante(totals('TotalImpuestosTrasladados', '36.39')(traslado('Importe', '33.99', 4)(x)), {
        Total: '259.19',
      }),
  },
  {
    code: 'CFDI40221',
    title: 'IEPS in a concept, missing from the summary',
    base: 'full',
    mutate: (x) =>
      comprobante(
        totals(
          'TotalImpuestosTrasladados',
          '33.98',
        )(
          sub(
            x,
            '\n      <cfdi:Traslado Base="30.00" Impuesto="003" TipoFactor="Tasa" TasaOCuota="0.080000" Importe="2.40"/>\n    </cfdi:Traslados>',
            '\n    </cfdi:Traslados>',
          ),
        ),
        { Total: '256.78' },
      ),
  },
];
