/**
 * Rules on the attributes of cfdi:Comprobante: Fecha, FormaPago, SubTotal, Descuento, Moneda,
 * TipoCambio, Total, TipoDeComprobante, Exportacion, MetodoPago, LugarExpedicion, Confirmacion.
 * (CFDI40106, the certificate, is in certificado.ts; CFDI40102, the seal, in ../verify.ts.)
 */
import type { Decimal } from 'decimal.js';
import { catalogs } from '../../sat/catalogs.ts';
import { amount, amounts, decimalsOf, round, sum } from './amounts.ts';
import { EASTERN_ZONE, instantOf, isFecha, zoneOf } from './clock.ts';
import { type Cfdi, hasComercioExterior, IMPLOCAL_NS } from './model.ts';
import { at, isIngresoEgresoNomina, isTrasladoOrPago, type Rule, when } from './rule.ts';
import { currencyDecimals, totalLimit } from './sat-data.ts';

/**
 * Fecha may run ahead of the reference clock by this much before it counts as "not the local time":
 * the c_CodigoPostal copy is 2022 data, before Chihuahua and parts of the border changed zone
 * (one hour), plus a few minutes of clock skew between machines.
 */
const FUTURE_TOLERANCE_MS = 65 * 60_000;

/** True when the attribute has more decimals than the CFDI's currency supports. */
function exceedsCurrencyDecimals(cfdi: Cfdi, value: string | undefined): boolean {
  const places = currencyDecimals(cfdi.moneda);
  return value !== undefined && places !== undefined && decimalsOf(value) > places;
}

/** TipoCambio and Total are "within range" for sure only in pesos or XXX, below the catalog limit. */
function surelyWithinRange(cfdi: Cfdi): boolean {
  const total = amount(cfdi.total);
  const limit = amount(totalLimit(cfdi.tipoDeComprobante));
  const currencyWithoutRate = cfdi.moneda === 'MXN' || cfdi.moneda === 'XXX';
  const rateIsOne = cfdi.tipoCambio === undefined || amount(cfdi.tipoCambio)?.eq(1) === true;
  return currencyWithoutRate && rateIsOne && total !== undefined && limit !== undefined && total.lte(limit);
}

/** Local taxes of the implocal complement: traslados minus retenciones. */
function localTaxes(cfdi: Cfdi): Decimal | undefined {
  let net = sum([]);
  for (const complemento of cfdi.complementos) {
    if (complemento.namespace !== IMPLOCAL_NS || complemento.name !== 'ImpuestosLocales') continue;
    const traslados = amount(complemento.attributes.get('TotaldeTraslados') ?? '0');
    const retenciones = amount(complemento.attributes.get('TotaldeRetenciones') ?? '0');
    if (!traslados || !retenciones) return undefined;
    net = net.plus(traslados).minus(retenciones);
  }
  return net;
}

export const comprobanteRules: readonly Rule[] = [
  {
    code: 'CFDI40101',
    check(cfdi, env) {
      const field = at(cfdi, 'Fecha');
      if (!isFecha(cfdi.fecha)) return [field];
      const zone = zoneOf(cfdi.lugarExpedicion) ?? EASTERN_ZONE;
      return when(instantOf(cfdi.fecha, zone).getTime() > env.now.getTime() + FUTURE_TOLERANCE_MS, field);
    },
  },
  {
    code: 'CFDI40103',
    check: (cfdi) =>
      when(
        ['T', 'N', 'P'].includes(cfdi.tipoDeComprobante ?? '') && cfdi.formaPago !== undefined,
        at(cfdi, 'FormaPago'),
      ),
  },
  {
    code: 'CFDI40104',
    check: (cfdi) =>
      when(cfdi.formaPago !== undefined && !catalogs.formaPago(cfdi.formaPago), at(cfdi, 'FormaPago')),
  },
  {
    code: 'CFDI40105',
    check: (cfdi) => when(cfdi.metodoPago === 'PPD' && cfdi.formaPago !== '99', at(cfdi, 'FormaPago')),
  },
  {
    code: 'CFDI40107',
    check: (cfdi) => when(exceedsCurrencyDecimals(cfdi, cfdi.subTotal), at(cfdi, 'SubTotal')),
  },
  {
    code: 'CFDI40108',
    check(cfdi) {
      const places = currencyDecimals(cfdi.moneda);
      const subTotal = amount(cfdi.subTotal);
      const importes = amounts(cfdi.conceptos.map((c) => c.importe));
      if (!isIngresoEgresoNomina(cfdi) || places === undefined || !subTotal || !importes) return [];
      return when(!round(sum(importes), places).eq(subTotal), at(cfdi, 'SubTotal'));
    },
  },
  {
    code: 'CFDI40109',
    check: (cfdi) =>
      when(isTrasladoOrPago(cfdi) && amount(cfdi.subTotal)?.isZero() === false, at(cfdi, 'SubTotal')),
  },
  {
    code: 'CFDI40110',
    check(cfdi) {
      const descuento = amount(cfdi.descuento);
      const subTotal = amount(cfdi.subTotal);
      return when(
        descuento !== undefined && subTotal !== undefined && descuento.gt(subTotal),
        at(cfdi, 'Descuento'),
      );
    },
  },
  {
    code: 'CFDI40111',
    check(cfdi) {
      const field = at(cfdi, 'Descuento');
      const conceptDiscounts = cfdi.conceptos.filter((c) => c.descuento !== undefined);
      if (!catalogs.tipoDeComprobante(cfdi.tipoDeComprobante ?? '')) return [];
      if (!isIngresoEgresoNomina(cfdi) || conceptDiscounts.length === 0)
        return when(cfdi.descuento !== undefined, field);
      if (cfdi.descuento === undefined) return [field];
      const places = currencyDecimals(cfdi.moneda);
      const descuento = amount(cfdi.descuento);
      const parts = amounts(conceptDiscounts.map((c) => c.descuento));
      if (places === undefined || !descuento || !parts) return [];
      return when(!round(sum(parts), places).eq(descuento), field);
    },
  },
  {
    code: 'CFDI40112',
    check: (cfdi) => when(exceedsCurrencyDecimals(cfdi, cfdi.descuento), at(cfdi, 'Descuento')),
  },
  {
    code: 'CFDI40113',
    check: (cfdi) => when(cfdi.moneda === undefined || !catalogs.moneda(cfdi.moneda), at(cfdi, 'Moneda')),
  },
  {
    code: 'CFDI40114',
    check: (cfdi) =>
      when(
        cfdi.moneda === 'MXN' && cfdi.tipoCambio !== undefined && amount(cfdi.tipoCambio)?.eq(1) !== true,
        at(cfdi, 'TipoCambio'),
      ),
  },
  {
    code: 'CFDI40115',
    check: (cfdi) =>
      when(
        cfdi.moneda !== undefined &&
          cfdi.moneda !== 'MXN' &&
          cfdi.moneda !== 'XXX' &&
          catalogs.moneda(cfdi.moneda) !== undefined &&
          cfdi.tipoCambio === undefined,
        at(cfdi, 'TipoCambio'),
      ),
  },
  {
    code: 'CFDI40116',
    check: (cfdi) => when(cfdi.moneda === 'XXX' && cfdi.tipoCambio !== undefined, at(cfdi, 'TipoCambio')),
  },
  {
    code: 'CFDI40117',
    check: (cfdi) =>
      when(
        cfdi.tipoCambio !== undefined && !/^[0-9]{1,18}(\.[0-9]{1,6})?$/.test(cfdi.tipoCambio),
        at(cfdi, 'TipoCambio'),
      ),
  },
  {
    code: 'CFDI40119',
    check(cfdi) {
      const total = amount(cfdi.total);
      const subTotal = amount(cfdi.subTotal);
      const descuento = amount(cfdi.descuento ?? '0');
      const trasladados = amount(cfdi.impuestos?.totalImpuestosTrasladados ?? '0');
      const retenidos = amount(cfdi.impuestos?.totalImpuestosRetenidos ?? '0');
      const locales = localTaxes(cfdi);
      if (!total || !subTotal || !descuento || !trasladados || !retenidos || !locales) return [];
      const expected = subTotal.minus(descuento).plus(trasladados).minus(retenidos).plus(locales);
      const places = currencyDecimals(cfdi.moneda);
      return when(!(places === undefined ? expected : round(expected, places)).eq(total), at(cfdi, 'Total'));
    },
  },
  {
    code: 'CFDI40120',
    check(cfdi) {
      const total = amount(cfdi.total);
      const limit = amount(totalLimit(cfdi.tipoDeComprobante));
      return when(
        total !== undefined && limit !== undefined && total.gt(limit) && cfdi.confirmacion === undefined,
        at(cfdi, 'Total'),
      );
    },
  },
  {
    code: 'CFDI40121',
    check: (cfdi) =>
      when(
        cfdi.tipoDeComprobante === undefined || !catalogs.tipoDeComprobante(cfdi.tipoDeComprobante),
        at(cfdi, 'TipoDeComprobante'),
      ),
  },
  {
    code: 'CFDI40122',
    check: (cfdi) => when(cfdi.exportacion === '02' && !hasComercioExterior(cfdi), at(cfdi, 'Exportacion')),
  },
  {
    code: 'CFDI40123',
    check: (cfdi) =>
      when(
        cfdi.exportacion === undefined || !catalogs.exportacion(cfdi.exportacion),
        at(cfdi, 'Exportacion'),
      ),
  },
  {
    code: 'CFDI40124',
    check: (cfdi) =>
      when(cfdi.metodoPago !== undefined && !catalogs.metodoPago(cfdi.metodoPago), at(cfdi, 'MetodoPago')),
  },
  {
    code: 'CFDI40125',
    check: (cfdi) => when(isTrasladoOrPago(cfdi) && cfdi.metodoPago !== undefined, at(cfdi, 'MetodoPago')),
  },
  {
    code: 'CFDI40126',
    check: (cfdi) =>
      when(
        cfdi.lugarExpedicion === undefined || !catalogs.codigoPostal(cfdi.lugarExpedicion),
        at(cfdi, 'LugarExpedicion'),
      ),
  },
  {
    code: 'CFDI40127',
    check: (cfdi) =>
      when(cfdi.confirmacion !== undefined && surelyWithinRange(cfdi), at(cfdi, 'Confirmacion')),
  },
  {
    code: 'CFDI40222',
    check: (cfdi) =>
      when(
        (cfdi.exportacion === '01' || cfdi.exportacion === '03') && hasComercioExterior(cfdi),
        at(cfdi, 'Exportacion'),
      ),
  },
];
