/**
 * Base CFDIs for the rule tests and small helpers to mutate them. The SAT examples come from
 * test/fixtures/sat/examples (real CFDIs made by others); the synthetic ones are built here from them
 * to reach nodes the examples lack (retenciones, Exento, IEPS, ACuentaTerceros, Parte, pedimentos,
 * InformacionGlobal, a foreign receptor with Comercio Exterior). Each base must pass validateCfdi
 * (tested in examples.test.ts), so a mutation that breaks one rule shows just that rule's code.
 */
import { readFileSync } from 'node:fs';
import type { MatrixCode } from '../../../src/invoicing/rules/messages.ts';

const EXAMPLES = new URL('../../fixtures/sat/examples/', import.meta.url);
const example = (name: string) => readFileSync(new URL(name, EXAMPLES), 'utf8');

/** A reference clock for the mutation tests (the examples are from 2023-2025). */
export const NOW = new Date('2025-06-01T18:00:00Z');

/** Replaces the only occurrence of `from`; fails loudly when it is missing or repeated. */
export function sub(xml: string, from: string, to: string): string {
  const first = xml.indexOf(from);
  if (first < 0) throw new Error(`fixture does not contain: ${from}`);
  if (xml.indexOf(from, first + 1) >= 0) throw new Error(`fixture contains more than once: ${from}`);
  return xml.slice(0, first) + to + xml.slice(first + from.length);
}

/**
 * Sets (or with null removes) an attribute on the `nth` start tag named `element` ("cfdi:Receptor").
 * Adds the attribute at the end of the tag when it is absent.
 */
export function attr(xml: string, element: string, name: string, value: string | null, nth = 0): string {
  const tags = [...xml.matchAll(new RegExp(`<${element}(?=[\\s/>])[^>]*>`, 'g'))];
  const tag = tags[nth];
  if (!tag || tag.index === undefined) throw new Error(`fixture has no <${element}> number ${nth}`);
  const present = new RegExp(`\\s${name}="[^"]*"`);
  let changed: string;
  if (present.test(tag[0])) changed = tag[0].replace(present, value === null ? '' : ` ${name}="${value}"`);
  else if (value === null) throw new Error(`<${element}> has no ${name} to remove`);
  else changed = tag[0].replace(/\s*(\/?>)$/, ` ${name}="${value}"$1`);
  return xml.slice(0, tag.index) + changed + xml.slice(tag.index + tag[0].length);
}

/** Several attribute changes on the root Comprobante. */
export function comprobante(xml: string, changes: Record<string, string | null>): string {
  return Object.entries(changes).reduce(
    (acc, [name, value]) => attr(acc, 'cfdi:Comprobante', name, value),
    xml,
  );
}

const valid = example('cfdiutils_cfdi40-valid.xml');
const CERTIFICADO = /\sCertificado="([^"]+)"/.exec(valid)?.[1] ?? '';
const COMERCIO_EXTERIOR =
  '<cce20:ComercioExterior xmlns:cce20="http://www.sat.gob.mx/ComercioExterior20" Version="2.0"/>';

/**
 * An unstamped I/PUE in MXN by EKU9003173C9 (the SAT test CSD, so CFDI40106 holds) with three
 * concepts: IVA 16 % with a discount and IVA + ISR retenciones and ACuentaTerceros; IVA Exento with a
 * pedimento; IEPS 8 % + IVA 16 % with a Parte that has a pedimento. Amounts worked by hand:
 * SubTotal 280.00 - Descuento 20.00 + traslados 36.38 - retenciones 37.20 = Total 259.18.
 */
const full = `<?xml version="1.0" encoding="UTF-8"?>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" Serie="A" Folio="17" Fecha="2025-03-10T12:00:00" FormaPago="03" NoCertificado="30001000000500003416" Certificado="${CERTIFICADO}" SubTotal="280.00" Descuento="20.00" Moneda="MXN" Total="259.18" TipoDeComprobante="I" Exportacion="01" MetodoPago="PUE" LugarExpedicion="52000" Sello="">
  <cfdi:CfdiRelacionados TipoRelacion="04">
    <cfdi:CfdiRelacionado UUID="6F35D3B5-3651-5370-BC2C-14CDBE384CD7"/>
  </cfdi:CfdiRelacionados>
  <cfdi:Emisor Rfc="EKU9003173C9" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>
  <cfdi:Receptor Rfc="MCI7306249Y1" Nombre="MUNICIPIO DE CUAUTITLAN IZCALLI" DomicilioFiscalReceptor="54700" RegimenFiscalReceptor="603" UsoCFDI="G03"/>
  <cfdi:Conceptos>
    <cfdi:Concepto ClaveProdServ="84111506" Cantidad="2" ClaveUnidad="E48" Descripcion="Servicio" ValorUnitario="100.00" Importe="200.00" Descuento="20.00" ObjetoImp="02">
      <cfdi:Impuestos>
        <cfdi:Traslados>
          <cfdi:Traslado Base="180.00" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="28.80"/>
        </cfdi:Traslados>
        <cfdi:Retenciones>
          <cfdi:Retencion Base="180.00" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.106667" Importe="19.20"/>
          <cfdi:Retencion Base="180.00" Impuesto="001" TipoFactor="Tasa" TasaOCuota="0.100000" Importe="18.00"/>
        </cfdi:Retenciones>
      </cfdi:Impuestos>
      <cfdi:ACuentaTerceros RfcACuentaTerceros="COSC8001137NA" NombreACuentaTerceros="CARLOS CORTES SOTO" RegimenFiscalACuentaTerceros="612" DomicilioFiscalACuentaTerceros="52176"/>
    </cfdi:Concepto>
    <cfdi:Concepto ClaveProdServ="01010101" Cantidad="1" ClaveUnidad="H87" Descripcion="Libro" ValorUnitario="50.00" Importe="50.00" ObjetoImp="02">
      <cfdi:Impuestos>
        <cfdi:Traslados>
          <cfdi:Traslado Base="50.00" Impuesto="002" TipoFactor="Exento"/>
        </cfdi:Traslados>
      </cfdi:Impuestos>
      <cfdi:InformacionAduanera NumeroPedimento="21  47  3807  8003832"/>
    </cfdi:Concepto>
    <cfdi:Concepto ClaveProdServ="50202306" Cantidad="3" ClaveUnidad="H87" Descripcion="Refresco" ValorUnitario="10.00" Importe="30.00" ObjetoImp="02">
      <cfdi:Impuestos>
        <cfdi:Traslados>
          <cfdi:Traslado Base="30.00" Impuesto="003" TipoFactor="Tasa" TasaOCuota="0.080000" Importe="2.40"/>
          <cfdi:Traslado Base="32.40" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="5.18"/>
        </cfdi:Traslados>
      </cfdi:Impuestos>
      <cfdi:Parte ClaveProdServ="50202306" Cantidad="1" Descripcion="Lata" ValorUnitario="10.00" Importe="10.00">
        <cfdi:InformacionAduanera NumeroPedimento="21  47  3807  8003833"/>
      </cfdi:Parte>
    </cfdi:Concepto>
  </cfdi:Conceptos>
  <cfdi:Impuestos TotalImpuestosRetenidos="37.20" TotalImpuestosTrasladados="36.38">
    <cfdi:Retenciones>
      <cfdi:Retencion Impuesto="002" Importe="19.20"/>
      <cfdi:Retencion Impuesto="001" Importe="18.00"/>
    </cfdi:Retenciones>
    <cfdi:Traslados>
      <cfdi:Traslado Base="212.40" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="33.98"/>
      <cfdi:Traslado Base="50.00" Impuesto="002" TipoFactor="Exento"/>
      <cfdi:Traslado Base="30.00" Impuesto="003" TipoFactor="Tasa" TasaOCuota="0.080000" Importe="2.40"/>
    </cfdi:Traslados>
  </cfdi:Impuestos>
</cfdi:Comprobante>
`;

/** The stamped test-environment invoice, turned into a global invoice to "PUBLICO EN GENERAL". */
const global = sub(
  attr(
    attr(
      attr(
        attr(
          attr(valid, 'cfdi:Receptor', 'Rfc', 'XAXX010101000'),
          'cfdi:Receptor',
          'Nombre',
          'PUBLICO EN GENERAL',
        ),
        'cfdi:Receptor',
        'DomicilioFiscalReceptor',
        '86000',
      ),
      'cfdi:Receptor',
      'RegimenFiscalReceptor',
      '616',
    ),
    'cfdi:Receptor',
    'UsoCFDI',
    'S01',
  ),
  '  <cfdi:Emisor ',
  '  <cfdi:InformacionGlobal Periodicidad="04" Meses="01" Año="2025"/>\n  <cfdi:Emisor ',
);

/** The stamped test-environment invoice, turned into an export to a foreign receptor. */
const exportacion = sub(
  sub(
    comprobante(valid, { Exportacion: '02' }),
    '<cfdi:Receptor Rfc="MCI7306249Y1" Nombre="MUNICIPIO DE CUAUTITLAN IZCALLI" DomicilioFiscalReceptor="54700" RegimenFiscalReceptor="603" UsoCFDI="G03"/>',
    '<cfdi:Receptor Rfc="XEXX010101000" Nombre="ACME INC" DomicilioFiscalReceptor="86000" ResidenciaFiscal="USA" NumRegIdTrib="123456789" RegimenFiscalReceptor="616" UsoCFDI="S01"/>',
  ),
  '<cfdi:Complemento>',
  `<cfdi:Complemento>\n    ${COMERCIO_EXTERIOR}`,
);

export const BASES = {
  /** Stamped by Finkok's test environment: I/PUE with a discount (cfdiutils_cfdi40-valid.xml). */
  valid,
  /** A real production invoice of 2025 with 6-decimal amounts and TipoCambio="1". */
  real: example('cfdiutils_cfdi40-real.xml'),
  /** Sealed, not stamped: I in USD with discounts and pedimentos. */
  discounts: example('cfdiutils_created-with-discounts-40.xml'),
  /** Sealed, not stamped: P (Pagos 2.0) in XXX. */
  pago: example('cfdiutils_created-cfdi40-pago20-valid.xml'),
  full,
  global,
  exportacion,
} as const;

export type BaseName = keyof typeof BASES;

export { COMERCIO_EXTERIOR };

/** One mutation that breaks `code` (and, where unavoidable, the codes in `also`). */
export interface Case {
  readonly code: MatrixCode;
  readonly title: string;
  readonly base: BaseName;
  readonly mutate: (xml: string) => string;
  readonly also?: readonly MatrixCode[];
  /** Reference clock; NOW unless given. `null` = let validateCfdi choose (FechaTimbrado). */
  readonly now?: Date | null;
}
