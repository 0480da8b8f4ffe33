/**
 * Rules on cfdi:Emisor and cfdi:Receptor that need no online list: régimen and uso catalogs against
 * the persona type (RFC length), the generic RFCs XAXX010101000 / XEXX010101000, and the foreign
 * receptor's ResidenciaFiscal / NumRegIdTrib. Names and postal codes registered for an RFC (LRFC)
 * are online-only and not checked here.
 */
import { catalogs, type RegimenFiscal } from '../../sat/catalogs.ts';
import { hasComercioExterior } from './model.ts';
import {
  at,
  isGenericRfc,
  PUBLICO_EN_GENERAL,
  personaOf,
  RFC_EXTRANJERO,
  RFC_PUBLICO_GENERAL,
  type Rule,
  when,
} from './rule.ts';
import { taxIdPattern } from './sat-data.ts';

/** True when the régimen is known and does not apply to the persona type of the RFC. */
function regimenMismatch(regimen: RegimenFiscal | undefined, rfc: string | undefined): boolean {
  const persona = personaOf(rfc);
  if (!regimen || !persona) return false;
  return persona === 'fisica' ? !regimen.aplica_fisica : !regimen.aplica_moral;
}

const emisorPath = 'Emisor';
const receptorPath = 'Receptor';

export const emisorReceptorRules: readonly Rule[] = [
  {
    code: 'CFDI40140',
    check: (cfdi) => {
      const regimen = cfdi.emisor?.regimenFiscal;
      return when(regimen === undefined || !catalogs.regimenFiscal(regimen), at(emisorPath, 'RegimenFiscal'));
    },
  },
  {
    code: 'CFDI40141',
    check: (cfdi) =>
      when(
        regimenMismatch(catalogs.regimenFiscal(cfdi.emisor?.regimenFiscal ?? ''), cfdi.emisor?.rfc),
        at(emisorPath, 'RegimenFiscal'),
      ),
  },
  {
    code: 'CFDI40146',
    check: (cfdi) =>
      when(
        cfdi.receptor?.nombre === PUBLICO_EN_GENERAL && cfdi.receptor.rfc !== RFC_PUBLICO_GENERAL,
        at(receptorPath, 'Rfc'),
      ),
  },
  {
    code: 'CFDI40149',
    check: (cfdi) =>
      when(
        isGenericRfc(cfdi.receptor?.rfc) && cfdi.receptor?.domicilioFiscalReceptor !== cfdi.lugarExpedicion,
        at(receptorPath, 'DomicilioFiscalReceptor'),
      ),
  },
  {
    code: 'CFDI40150',
    check: (cfdi) => {
      const residencia = cfdi.receptor?.residenciaFiscal;
      return when(
        residencia !== undefined && !catalogs.pais(residencia),
        at(receptorPath, 'ResidenciaFiscal'),
      );
    },
  },
  {
    code: 'CFDI40151',
    check: (cfdi) =>
      when(
        cfdi.receptor?.residenciaFiscal !== undefined && cfdi.receptor.rfc !== RFC_EXTRANJERO,
        at(receptorPath, 'ResidenciaFiscal'),
      ),
  },
  {
    code: 'CFDI40152',
    check: (cfdi) => when(cfdi.receptor?.residenciaFiscal === 'MEX', at(receptorPath, 'ResidenciaFiscal')),
  },
  {
    code: 'CFDI40153',
    check: (cfdi) =>
      when(
        cfdi.receptor?.rfc === RFC_EXTRANJERO &&
          (hasComercioExterior(cfdi) || cfdi.receptor.numRegIdTrib !== undefined) &&
          cfdi.receptor.residenciaFiscal === undefined,
        at(receptorPath, 'ResidenciaFiscal'),
      ),
  },
  {
    code: 'CFDI40154',
    check: (cfdi) =>
      when(
        cfdi.receptor?.numRegIdTrib !== undefined && cfdi.receptor.rfc !== RFC_EXTRANJERO,
        at(receptorPath, 'NumRegIdTrib'),
      ),
  },
  {
    code: 'CFDI40155',
    check: (cfdi) =>
      when(
        cfdi.receptor?.rfc === RFC_EXTRANJERO &&
          hasComercioExterior(cfdi) &&
          cfdi.receptor.numRegIdTrib === undefined,
        at(receptorPath, 'NumRegIdTrib'),
      ),
  },
  {
    code: 'CFDI40156',
    check: (cfdi) => {
      const numero = cfdi.receptor?.numRegIdTrib;
      const pattern = taxIdPattern(cfdi.receptor?.residenciaFiscal);
      return when(
        numero !== undefined && pattern !== undefined && !pattern.test(numero),
        at(receptorPath, 'NumRegIdTrib'),
      );
    },
  },
  {
    code: 'CFDI40157',
    check: (cfdi) => {
      const regimen = cfdi.receptor?.regimenFiscalReceptor;
      return when(
        regimen === undefined || !catalogs.regimenFiscal(regimen),
        at(receptorPath, 'RegimenFiscalReceptor'),
      );
    },
  },
  {
    code: 'CFDI40158',
    check: (cfdi) =>
      when(
        regimenMismatch(
          catalogs.regimenFiscal(cfdi.receptor?.regimenFiscalReceptor ?? ''),
          cfdi.receptor?.rfc,
        ),
        at(receptorPath, 'RegimenFiscalReceptor'),
      ),
  },
  {
    code: 'CFDI40159',
    check: (cfdi) =>
      when(
        isGenericRfc(cfdi.receptor?.rfc) && cfdi.receptor?.regimenFiscalReceptor !== '616',
        at(receptorPath, 'RegimenFiscalReceptor'),
      ),
  },
  {
    code: 'CFDI40160',
    check: (cfdi) => {
      const uso = cfdi.receptor?.usoCfdi;
      return when(uso === undefined || !catalogs.usoCfdi(uso), at(receptorPath, 'UsoCFDI'));
    },
  },
  {
    code: 'CFDI40161',
    check: (cfdi) => {
      const uso = catalogs.usoCfdi(cfdi.receptor?.usoCfdi ?? '');
      const regimen = cfdi.receptor?.regimenFiscalReceptor ?? '';
      const persona = personaOf(cfdi.receptor?.rfc);
      if (!uso || !catalogs.regimenFiscal(regimen) || !persona) return [];
      const allowed = catalogs.usosFor(regimen, persona).some((u) => u.id === uso.id);
      return when(!allowed, at(receptorPath, 'UsoCFDI'));
    },
  },
];
