/**
 * Rules on cfdi:InformacionGlobal (the global invoice to "PUBLICO EN GENERAL") and
 * cfdi:CfdiRelacionados.
 */
import { catalogs } from '../../sat/catalogs.ts';
import { currentYears } from './clock.ts';
import { at, PUBLICO_EN_GENERAL, RFC_PUBLICO_GENERAL, type Rule, when } from './rule.ts';
import { isMes, isPeriodicidad } from './sat-data.ts';

const BIMESTRAL = '05';
const MONTHS = new Set(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12']);
const BIMESTERS = new Set(['13', '14', '15', '16', '17', '18']);

export const globalRelacionadosRules: readonly Rule[] = [
  {
    code: 'CFDI40130',
    check: (cfdi) =>
      when(
        cfdi.tipoDeComprobante === 'I' &&
          cfdi.receptor?.rfc === RFC_PUBLICO_GENERAL &&
          cfdi.receptor.nombre === PUBLICO_EN_GENERAL &&
          cfdi.informacionGlobal === undefined,
        'InformacionGlobal',
      ),
  },
  {
    code: 'CFDI40131',
    check: ({ informacionGlobal: global }) =>
      when(
        global !== undefined && !isPeriodicidad(global.periodicidad),
        at('InformacionGlobal', 'Periodicidad'),
      ),
  },
  {
    code: 'CFDI40132',
    check: (cfdi) =>
      when(
        cfdi.informacionGlobal?.periodicidad === BIMESTRAL && cfdi.emisor?.regimenFiscal !== '621',
        at('Emisor', 'RegimenFiscal'),
      ),
  },
  {
    code: 'CFDI40133',
    check: ({ informacionGlobal: global }) =>
      when(global !== undefined && !isMes(global.meses), at('InformacionGlobal', 'Meses')),
  },
  {
    code: 'CFDI40134',
    check: ({ informacionGlobal: global }) =>
      when(
        global !== undefined &&
          isPeriodicidad(global.periodicidad) &&
          global.periodicidad !== BIMESTRAL &&
          isMes(global.meses) &&
          !MONTHS.has(global.meses ?? ''),
        at('InformacionGlobal', 'Meses'),
      ),
  },
  {
    code: 'CFDI40135',
    check: ({ informacionGlobal: global }) =>
      when(
        global?.periodicidad === BIMESTRAL && isMes(global.meses) && !BIMESTERS.has(global.meses ?? ''),
        at('InformacionGlobal', 'Meses'),
      ),
  },
  {
    code: 'CFDI40136',
    check: ({ informacionGlobal: global }, env) => {
      if (global === undefined) return [];
      const years = currentYears(env.now);
      const año = /^[0-9]{4}$/.test(global.año ?? '') ? Number(global.año) : Number.NaN;
      return when(!(año >= years.earliest - 5 && año <= years.latest), at('InformacionGlobal', 'Año'));
    },
  },
  {
    code: 'CFDI40137',
    check: (cfdi) =>
      cfdi.cfdiRelacionados
        .filter((node) => node.tipoRelacion === undefined || !catalogs.tipoRelacion(node.tipoRelacion))
        .map((node) => at(node, 'TipoRelacion')),
  },
];
