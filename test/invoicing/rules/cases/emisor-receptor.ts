/** Mutations of cfdi:Emisor and cfdi:Receptor. */
import { attr, type Case } from '../fixtures.ts';

const receptor = (name: string, value: string | null) => (xml: string) =>
  attr(xml, 'cfdi:Receptor', name, value);

export const emisorReceptorCases: readonly Case[] = [
  {
    code: 'CFDI40140',
    title: 'Emisor RegimenFiscal 600',
    base: 'valid',
    mutate: (x) => attr(x, 'cfdi:Emisor', 'RegimenFiscal', '600'),
  },
  {
    code: 'CFDI40141',
    title: 'persona moral with a régimen of personas físicas',
    base: 'valid',
    mutate: (x) => attr(x, 'cfdi:Emisor', 'RegimenFiscal', '612'),
  },
  {
    code: 'CFDI40146',
    title: 'PUBLICO EN GENERAL with a specific RFC',
    base: 'valid',
    mutate: receptor('Nombre', 'PUBLICO EN GENERAL'),
  },
  {
    code: 'CFDI40149',
    title: 'generic RFC with a postal code other than LugarExpedicion',
    base: 'global',
    mutate: receptor('DomicilioFiscalReceptor', '54700'),
  },
  {
    code: 'CFDI40150',
    title: 'ResidenciaFiscal XYZ',
    base: 'exportacion',
    mutate: receptor('ResidenciaFiscal', 'XYZ'),
  },
  {
    code: 'CFDI40151',
    title: 'ResidenciaFiscal for a Mexican RFC',
    base: 'valid',
    mutate: receptor('ResidenciaFiscal', 'USA'),
  },
  {
    code: 'CFDI40152',
    title: 'ResidenciaFiscal MEX',
    base: 'exportacion',
    also: ['CFDI40156'],
    mutate: receptor('ResidenciaFiscal', 'MEX'),
  },
  {
    code: 'CFDI40153',
    title: 'foreign receptor with NumRegIdTrib but no ResidenciaFiscal',
    base: 'exportacion',
    mutate: receptor('ResidenciaFiscal', null),
  },
  {
    code: 'CFDI40154',
    title: 'NumRegIdTrib for a Mexican RFC',
    base: 'valid',
    mutate: receptor('NumRegIdTrib', '123456789'),
  },
  {
    code: 'CFDI40155',
    title: 'foreign receptor with Comercio Exterior but no NumRegIdTrib',
    base: 'exportacion',
    mutate: receptor('NumRegIdTrib', null),
  },
  {
    code: 'CFDI40156',
    title: 'NumRegIdTrib not following the USA pattern',
    base: 'exportacion',
    mutate: receptor('NumRegIdTrib', '12345'),
  },
  {
    code: 'CFDI40157',
    title: 'RegimenFiscalReceptor 600',
    base: 'valid',
    mutate: receptor('RegimenFiscalReceptor', '600'),
  },
  {
    code: 'CFDI40158',
    title: 'persona moral receptor with a régimen of personas físicas',
    base: 'valid',
    mutate: receptor('RegimenFiscalReceptor', '612'),
  },
  {
    code: 'CFDI40159',
    title: 'público en general with régimen 605',
    base: 'global',
    mutate: receptor('RegimenFiscalReceptor', '605'),
  },
  { code: 'CFDI40160', title: 'UsoCFDI G99', base: 'valid', mutate: receptor('UsoCFDI', 'G99') },
  {
    code: 'CFDI40161',
    title: 'UsoCFDI D01 (personas físicas) for a persona moral',
    base: 'valid',
    mutate: receptor('UsoCFDI', 'D01'),
  },
  {
    code: 'CFDI40161',
    title: 'UsoCFDI G03 for régimen 616',
    base: 'global',
    mutate: receptor('UsoCFDI', 'G03'),
  },
];
