/**
 * Rules on cfdi:Concepto and its Parte, ACuentaTerceros and InformacionAduanera nodes: catalogs,
 * ValorUnitario > 0, the Importe limits of Anexo 20, Descuento, ObjetoImp against the Impuestos node.
 * (The concept's Traslado / Retencion lines are in concepto-impuestos.ts.)
 */
import { catalogs } from '../../sat/catalogs.ts';
import { amount, decimalsOf, importeLimits, within } from './amounts.ts';
import {
  type Cfdi,
  type Concepto,
  hasComercioExterior,
  type InformacionAduanera,
  type TaxLine,
} from './model.ts';
import { at, isIngresoEgresoNomina, type Rule } from './rule.ts';
import { currencyDecimals, requiresIvaTrasladado } from './sat-data.ts';

const EXT = 'EXT990101NI1';
const EXT_NOMBRE =
  'EXPEDICION DE CFDI POR RESIDENTES EN MEXICO QUE PRESTAN SERVICIOS DE INTERMEDIACION ENTRE TERCEROS A OFERENTES DE BIENES Y SERVICIOS RESIDENTES EN EL EXTRANJERO';
/** Format of NumeroPedimento: year, aduana, patente, number, separated by two spaces. */
const PEDIMENTO = /^[0-9]{2} {2}[0-9]{2} {2}[0-9]{4} {2}[0-9]{7}$/;
const IVA = '002';
const IEPS = '003';

/** Fields of the concepts (of `cfdi`) for which `broken` holds. */
function conceptos(cfdi: Cfdi, attribute: string, broken: (concepto: Concepto) => boolean): string[] {
  return cfdi.conceptos.filter(broken).map((c) => at(c, attribute));
}

function taxLines(concepto: Concepto): TaxLine[] {
  return [...(concepto.impuestos?.traslados ?? []), ...(concepto.impuestos?.retenciones ?? [])];
}

/** True when Importe lies outside the Anexo 20 limits of Cantidad x ValorUnitario. */
function importeOutOfLimits(
  cfdi: Cfdi,
  node: { cantidad?: string; valorUnitario?: string; importe?: string },
): boolean {
  const places = currencyDecimals(cfdi.moneda);
  const importe = amount(node.importe);
  if (places === undefined || !importe || node.cantidad === undefined || node.valorUnitario === undefined)
    return false;
  const limits = importeLimits(node.cantidad, node.valorUnitario, places);
  return limits !== undefined && !within(importe, limits);
}

function plain(text: string | undefined): string {
  return (text ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
}

function badPedimentos(nodes: readonly InformacionAduanera[]): string[] {
  return nodes.filter((n) => !PEDIMENTO.test(n.numeroPedimento ?? '')).map((n) => at(n, 'NumeroPedimento'));
}

const partes = (cfdi: Cfdi) => cfdi.conceptos.flatMap((c) => c.partes);
const terceros = (cfdi: Cfdi) =>
  cfdi.conceptos.flatMap((c) => (c.aCuentaTerceros ? [c.aCuentaTerceros] : []));

export const conceptoRules: readonly Rule[] = [
  {
    code: 'CFDI40162',
    check: (cfdi) => conceptos(cfdi, 'ClaveProdServ', (c) => !catalogs.claveProdServ(c.claveProdServ ?? '')),
  },
  {
    code: 'CFDI40164',
    check: (cfdi) =>
      conceptos(
        cfdi,
        'ClaveProdServ',
        (c) =>
          requiresIvaTrasladado(c.claveProdServ) &&
          !(c.impuestos?.traslados ?? []).some((t) => t.impuesto === IVA),
      ),
  },
  {
    code: 'CFDI40165',
    check: (cfdi) => conceptos(cfdi, 'ClaveUnidad', (c) => !catalogs.claveUnidad(c.claveUnidad ?? '')),
  },
  {
    code: 'CFDI40166',
    check: (cfdi) =>
      isIngresoEgresoNomina(cfdi)
        ? conceptos(cfdi, 'ValorUnitario', (c) => amount(c.valorUnitario)?.gt(0) === false)
        : [],
  },
  {
    code: 'CFDI40167',
    check: (cfdi) => conceptos(cfdi, 'Importe', (c) => importeOutOfLimits(cfdi, c)),
  },
  {
    code: 'CFDI40168',
    check: (cfdi) =>
      conceptos(
        cfdi,
        'Descuento',
        (c) =>
          c.descuento !== undefined &&
          c.importe !== undefined &&
          decimalsOf(c.descuento) > decimalsOf(c.importe),
      ),
  },
  {
    code: 'CFDI40169',
    check: (cfdi) =>
      conceptos(cfdi, 'Descuento', (c) => {
        const descuento = amount(c.descuento);
        const importe = amount(c.importe);
        return descuento !== undefined && importe !== undefined && descuento.gt(importe);
      }),
  },
  {
    code: 'CFDI40170',
    check: (cfdi) => conceptos(cfdi, 'ObjetoImp', (c) => !catalogs.objetoImp(c.objetoImp ?? '')),
  },
  {
    code: 'CFDI40171',
    check: (cfdi) => conceptos(cfdi, 'ObjetoImp', (c) => c.objetoImp === '02' && c.impuestos === undefined),
  },
  {
    code: 'CFDI40172',
    check: (cfdi) =>
      conceptos(
        cfdi,
        'ObjetoImp',
        (c) => ['01', '03', '04', '05'].includes(c.objetoImp ?? '') && c.impuestos !== undefined,
      ),
  },
  {
    code: 'CFDI40173',
    check: (cfdi) =>
      cfdi.conceptos
        .filter((c) => c.impuestos !== undefined && taxLines(c).length === 0)
        .map((c) => at(`${c.path}/Impuestos`)),
  },
  {
    code: 'CFDI40188',
    check: (cfdi) =>
      terceros(cfdi)
        .filter((t) => t.rfc === cfdi.emisor?.rfc || t.rfc === cfdi.receptor?.rfc)
        .map((t) => at(t, 'RfcACuentaTerceros')),
  },
  {
    code: 'CFDI40189',
    check: (cfdi) =>
      terceros(cfdi)
        .filter((t) => t.rfc === EXT && plain(t.nombre) !== EXT_NOMBRE)
        .map((t) => at(t, 'NombreACuentaTerceros')),
  },
  {
    code: 'CFDI40191',
    check: (cfdi) =>
      terceros(cfdi)
        .filter((t) => !catalogs.regimenFiscal(t.regimenFiscal ?? ''))
        .map((t) => at(t, 'RegimenFiscalACuentaTerceros')),
  },
  {
    code: 'CFDI40193',
    check: (cfdi) =>
      terceros(cfdi)
        .filter((t) => t.rfc === EXT && t.domicilioFiscal !== cfdi.lugarExpedicion)
        .map((t) => at(t, 'DomicilioFiscalACuentaTerceros')),
  },
  {
    code: 'CFDI40194',
    check: (cfdi) => badPedimentos(cfdi.conceptos.flatMap((c) => c.informacionAduanera)),
  },
  {
    code: 'CFDI40195',
    check: (cfdi) =>
      hasComercioExterior(cfdi)
        ? cfdi.conceptos.flatMap((c) => c.informacionAduanera).map((n) => at(n, 'NumeroPedimento'))
        : [],
  },
  {
    code: 'CFDI40196',
    check: (cfdi) =>
      partes(cfdi)
        .filter((p) => !catalogs.claveProdServ(p.claveProdServ ?? ''))
        .map((p) => at(p, 'ClaveProdServ')),
  },
  {
    code: 'CFDI40197',
    check: (cfdi) =>
      partes(cfdi)
        .filter((p) => amount(p.valorUnitario)?.gt(0) === false)
        .map((p) => at(p, 'ValorUnitario')),
  },
  {
    code: 'CFDI40198',
    check: (cfdi) =>
      partes(cfdi)
        .filter((p) => importeOutOfLimits(cfdi, p))
        .map((p) => at(p, 'Importe')),
  },
  {
    code: 'CFDI40199',
    check: (cfdi) => badPedimentos(partes(cfdi).flatMap((p) => p.informacionAduanera)),
  },
  {
    code: 'CFDI40200',
    check: (cfdi) =>
      hasComercioExterior(cfdi)
        ? partes(cfdi)
            .flatMap((p) => p.informacionAduanera)
            .map((n) => at(n, 'NumeroPedimento'))
        : [],
  },
  {
    code: 'CFDI140223',
    check: (cfdi) =>
      terceros(cfdi)
        .filter((t) => t.rfc === EXT && t.regimenFiscal !== '616')
        .map((t) => at(t, 'RegimenFiscalACuentaTerceros')),
  },
  {
    code: 'CFDI140226',
    check: (cfdi) =>
      conceptos(
        cfdi,
        'ObjetoImp',
        (c) =>
          (c.objetoImp === '06' || c.objetoImp === '08') &&
          taxLines(c).some((t) => t.impuesto === IVA || t.impuesto === IEPS),
      ),
  },
  {
    code: 'CFDI140227',
    check: (cfdi) =>
      conceptos(
        cfdi,
        'ObjetoImp',
        (c) =>
          c.objetoImp === '07' &&
          (taxLines(c).some((t) => t.impuesto === IVA) ||
            !(c.impuestos?.traslados ?? []).some((t) => t.impuesto === IEPS)),
      ),
  },
];
