/**
 * Mutations of cfdi:Concepto, its Parte, ACuentaTerceros, InformacionAduanera and tax lines.
 * Tag numbers in the `full` base: cfdi:Traslado 0 concept 1 IVA, 1 concept 2 Exento, 2 concept 3
 * IEPS, 3 concept 3 IVA, 4-6 summary; cfdi:Retencion 0 concept IVA, 1 concept ISR, 2-3 summary.
 */
import { attr, type Case, COMERCIO_EXTERIOR, comprobante, sub } from '../fixtures.ts';

const EXT_NOMBRE =
  'EXPEDICIÓN DE CFDI POR RESIDENTES EN MÉXICO QUE PRESTAN SERVICIOS DE INTERMEDIACIÓN ENTRE TERCEROS A OFERENTES DE BIENES Y SERVICIOS RESIDENTES EN EL EXTRANJERO';

const terceros = (changes: Record<string, string>) => (xml: string) =>
  Object.entries(changes).reduce((acc, [name, value]) => attr(acc, 'cfdi:ACuentaTerceros', name, value), xml);
const ext = {
  RfcACuentaTerceros: 'EXT990101NI1',
  NombreACuentaTerceros: EXT_NOMBRE,
  RegimenFiscalACuentaTerceros: '616',
};
const withComercioExterior = (xml: string) =>
  comprobante(
    sub(
      xml,
      '</cfdi:Impuestos>\n</cfdi:Comprobante>',
      `</cfdi:Impuestos>\n  <cfdi:Complemento>${COMERCIO_EXTERIOR}</cfdi:Complemento>\n</cfdi:Comprobante>`,
    ),
    { Exportacion: '02' },
  );
const concepto =
  (name: string, value: string, nth = 0) =>
  (xml: string) =>
    attr(xml, 'cfdi:Concepto', name, value, nth);
const traslado = (name: string, value: string | null, nth: number) => (xml: string) =>
  attr(xml, 'cfdi:Traslado', name, value, nth);
const retencion = (name: string, value: string, nth: number) => (xml: string) =>
  attr(xml, 'cfdi:Retencion', name, value, nth);

export const conceptoCases: readonly Case[] = [
  {
    code: 'CFDI40162',
    title: 'ClaveProdServ 99999999',
    base: 'valid',
    mutate: concepto('ClaveProdServ', '99999999'),
  },
  {
    code: 'CFDI40164',
    title: 'outsourcing service (IVA trasladado: Sí) without IVA',
    base: 'pago',
    mutate: concepto('ClaveProdServ', '80111701'),
  },
  { code: 'CFDI40165', title: 'ClaveUnidad ZZZ', base: 'valid', mutate: concepto('ClaveUnidad', 'ZZZ') },
  {
    code: 'CFDI40166',
    title: 'ValorUnitario 0 on an Ingreso',
    base: 'valid',
    also: ['CFDI40167'],
    mutate: concepto('ValorUnitario', '0'),
  },
  {
    code: 'CFDI40167',
    title: 'Importe one cent off Cantidad x ValorUnitario (sum unchanged)',
    base: 'real',
    mutate: (x) => concepto('Importe', '853.438276', 1)(concepto('Importe', '8.630690', 0)(x)),
  },
  {
    code: 'CFDI40168',
    title: 'Descuento with more decimals than Importe',
    base: 'valid',
    mutate: concepto('Descuento', '956.040'),
  },
  {
    code: 'CFDI40169',
    title: 'Descuento above Importe',
    base: 'discounts',
    mutate: (x) => comprobante(concepto('Descuento', '2500')(x), { Descuento: '2500.00', Total: '1248.00' }),
  },
  { code: 'CFDI40170', title: 'ObjetoImp 09', base: 'valid', mutate: concepto('ObjetoImp', '09') },
  {
    code: 'CFDI40171',
    title: 'ObjetoImp 02 without Impuestos',
    base: 'pago',
    mutate: concepto('ObjetoImp', '02'),
  },
  {
    code: 'CFDI40172',
    title: 'ObjetoImp 01 with Impuestos',
    base: 'valid',
    mutate: concepto('ObjetoImp', '01'),
  },
  {
    code: 'CFDI40173',
    title: 'empty concept Impuestos',
    base: 'valid',
    also: ['CFDI40215', 'CFDI40221'],
    mutate: (x) =>
      sub(
        x,
        '<cfdi:Traslados>\n          <cfdi:Traslado Base="2868.11" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="458.90"/>\n        </cfdi:Traslados>',
        '',
      ),
  },
  {
    code: 'CFDI40188',
    title: 'RfcACuentaTerceros is the emisor',
    base: 'full',
    mutate: terceros({ RfcACuentaTerceros: 'EKU9003173C9' }),
  },
  {
    code: 'CFDI40189',
    title: 'EXT990101NI1 with another name',
    base: 'full',
    mutate: terceros({ ...ext, NombreACuentaTerceros: 'OTRO', DomicilioFiscalACuentaTerceros: '52000' }),
  },
  {
    code: 'CFDI40191',
    title: 'RegimenFiscalACuentaTerceros 600',
    base: 'full',
    mutate: terceros({ RegimenFiscalACuentaTerceros: '600' }),
  },
  {
    code: 'CFDI40193',
    title: 'EXT990101NI1 with a postal code other than LugarExpedicion',
    base: 'full',
    mutate: terceros({ ...ext, DomicilioFiscalACuentaTerceros: '06600' }),
  },
  {
    code: 'CFDI40194',
    title: 'NumeroPedimento with single spaces',
    base: 'full',
    mutate: (x) => attr(x, 'cfdi:InformacionAduanera', 'NumeroPedimento', '21 47 3807 8003832', 0),
  },
  {
    code: 'CFDI40195',
    title: 'concept pedimento with Comercio Exterior',
    base: 'full',
    also: ['CFDI40200'],
    mutate: withComercioExterior,
  },
  {
    code: 'CFDI40196',
    title: 'Parte ClaveProdServ 99999999',
    base: 'full',
    mutate: (x) => attr(x, 'cfdi:Parte', 'ClaveProdServ', '99999999'),
  },
  {
    code: 'CFDI40197',
    title: 'Parte ValorUnitario 0',
    base: 'full',
    also: ['CFDI40198'],
    mutate: (x) => attr(x, 'cfdi:Parte', 'ValorUnitario', '0'),
  },
  {
    code: 'CFDI40198',
    title: 'Parte Importe 10.10 for 1.00 x 10.00 (limits 9.94 to 10.06)',
    base: 'full',
    mutate: (x) => attr(attr(x, 'cfdi:Parte', 'Cantidad', '1.00'), 'cfdi:Parte', 'Importe', '10.10'),
  },
  {
    code: 'CFDI40198',
    title: 'Parte Importe 16.00 for 1 x 10.00 (limits 4.99 to 15.01)',
    base: 'full',
    mutate: (x) => attr(x, 'cfdi:Parte', 'Importe', '16.00'),
  },
  {
    code: 'CFDI40199',
    title: 'Parte NumeroPedimento too short',
    base: 'full',
    mutate: (x) => attr(x, 'cfdi:InformacionAduanera', 'NumeroPedimento', '21  47  3807  800383', 1),
  },
  {
    code: 'CFDI40200',
    title: 'Parte pedimento with Comercio Exterior',
    base: 'full',
    also: ['CFDI40195'],
    mutate: withComercioExterior,
  },
  {
    code: 'CFDI140223',
    title: 'EXT990101NI1 with régimen 612',
    base: 'full',
    mutate: terceros({
      ...ext,
      RegimenFiscalACuentaTerceros: '612',
      DomicilioFiscalACuentaTerceros: '52000',
    }),
  },
  { code: 'CFDI140226', title: 'ObjetoImp 06 with IVA', base: 'valid', mutate: concepto('ObjetoImp', '06') },
  {
    code: 'CFDI140227',
    title: 'ObjetoImp 07 with IVA and no IEPS',
    base: 'valid',
    mutate: concepto('ObjetoImp', '07'),
  },
  {
    code: 'CFDI40174',
    title: 'Traslado Base 0',
    base: 'valid',
    also: ['CFDI40180', 'CFDI40215'],
    mutate: traslado('Base', '0', 0),
  },
  {
    code: 'CFDI40175',
    title: 'Traslado Impuesto 004',
    base: 'valid',
    also: ['CFDI40215', 'CFDI40221'],
    mutate: traslado('Impuesto', '004', 0),
  },
  {
    code: 'CFDI40176',
    title: 'TipoFactor Tasas',
    base: 'valid',
    also: ['CFDI40215', 'CFDI40221'],
    mutate: traslado('TipoFactor', 'Tasas', 0),
  },
  {
    code: 'CFDI40177',
    title: 'Exento with TasaOCuota',
    base: 'full',
    mutate: traslado('TasaOCuota', '0.000000', 1),
  },
  { code: 'CFDI40178', title: 'Tasa without Importe', base: 'full', mutate: traslado('Importe', null, 0) },
  {
    code: 'CFDI40179',
    title: 'TasaOCuota 0.16 (c_TasaOCuota writes 0.160000)',
    base: 'valid',
    mutate: traslado('TasaOCuota', '0.16', 0),
  },
  {
    code: 'CFDI40179',
    title: 'IVA traslado at 15 %',
    base: 'full',
    also: ['CFDI40180', 'CFDI40215', 'CFDI40221'],
    mutate: traslado('TasaOCuota', '0.150000', 0),
  },
  {
    code: 'CFDI40180',
    title: 'traslado Importe one cent above Base x TasaOCuota (summary adjusted)',
    base: 'valid',
    mutate: (x) =>
      comprobante(
        attr(
          traslado('Importe', '458.91', 1)(traslado('Importe', '458.91', 0)(x)),
          'cfdi:Impuestos',
          'TotalImpuestosTrasladados',
          '458.91',
          1,
        ),
        { Total: '3327.02' },
      ),
  },
  {
    code: 'CFDI40181',
    title: 'Retencion Base 0',
    base: 'full',
    also: ['CFDI40186'],
    mutate: retencion('Base', '0', 1),
  },
  {
    code: 'CFDI40182',
    title: 'Retencion Impuesto 004',
    base: 'full',
    also: ['CFDI40211'],
    mutate: retencion('Impuesto', '004', 1),
  },
  {
    code: 'CFDI40183',
    title: 'Retencion TipoFactor Tasas',
    base: 'full',
    mutate: retencion('TipoFactor', 'Tasas', 1),
  },
  {
    code: 'CFDI40184',
    title: 'Retencion TipoFactor Exento',
    base: 'full',
    mutate: retencion('TipoFactor', 'Exento', 1),
  },
  {
    code: 'CFDI40185',
    title: 'ISR retenido at 40 % (catalog range 0 to 35 %)',
    base: 'full',
    mutate: (x) =>
      comprobante(
        attr(
          retencion(
            'Importe',
            '72.00',
            3,
          )(retencion('Importe', '72.00', 1)(retencion('TasaOCuota', '0.400000', 1)(x))),
          'cfdi:Impuestos',
          'TotalImpuestosRetenidos',
          '91.20',
          3,
        ),
        { Total: '205.18' },
      ),
  },
  {
    code: 'CFDI40186',
    title: 'IVA retenido Importe 19.30 for 180.00 x 0.106667 (summary adjusted)',
    base: 'full',
    mutate: (x) =>
      comprobante(
        attr(
          retencion('Importe', '19.30', 2)(retencion('Importe', '19.30', 0)(x)),
          'cfdi:Impuestos',
          'TotalImpuestosRetenidos',
          '37.30',
          3,
        ),
        { Total: '259.08' },
      ),
  },
];
