import { describe, expect, it } from 'vitest';
import {
  isComplete,
  isRegimenValidFor,
  isUsoValidFor,
  personaOf,
  regimenKeysFor,
  splitCapitalRegime,
  usableFields,
  usoKeysFor,
} from '../../flows/fiscal.ts';

describe('splitCapitalRegime', () => {
  it.each([
    ['ACME S.A. DE C.V.', 'ACME', 'S.A. DE C.V.'],
    ['ACME SA DE CV', 'ACME', 'SA DE CV'],
    ['ACME, S.A. DE C.V.', 'ACME', 'S.A. DE C.V.'],
    ['ACME S. DE R.L. DE C.V.', 'ACME', 'S. DE R.L. DE C.V.'],
    ['ACME S DE RL DE CV', 'ACME', 'S DE RL DE CV'],
    ['ACME S. DE R.L.', 'ACME', 'S. DE R.L.'],
    ['DESPACHO LOPEZ S.C.', 'DESPACHO LOPEZ', 'S.C.'],
    ['FUNDACION AMIGOS A.C.', 'FUNDACION AMIGOS', 'A.C.'],
    ['FUNDACION AMIGOS AC', 'FUNDACION AMIGOS', 'AC'],
    ['ACME SAPI DE CV', 'ACME', 'SAPI DE CV'],
    ['ACME S.A.P.I. DE C.V.', 'ACME', 'S.A.P.I. DE C.V.'],
    ['ACME S.A.B. DE C.V.', 'ACME', 'S.A.B. DE C.V.'],
    ['ACME S.A.S.', 'ACME', 'S.A.S.'],
    ['GRUPO NORTE S.A.', 'GRUPO NORTE', 'S.A.'],
    ['AGRO S.P.R. DE R.L.', 'AGRO', 'S.P.R. DE R.L.'],
    ['ASILO I.A.P.', 'ASILO', 'I.A.P.'],
    ['ACME S. EN C.', 'ACME', 'S. EN C.'],
  ])('%j is %j + %j', (nombre, base, suffix) => {
    expect(splitCapitalRegime(nombre)).toEqual({ base, suffix });
  });

  it.each([
    ['ROSA'],
    ['MARIA DE LA ROSA'],
    ['ISAAC'],
    ['CASAS'],
    ['S.A. DE C.V.'],
    ['ESCUELA KEMPER URGATE'],
    ['VASCO'],
  ])('%j has none', (nombre) => {
    expect(splitCapitalRegime(nombre)).toBeNull();
  });
});

describe('régimen and uso CFDI for a receptor', () => {
  it('tells persona física (13) from moral (12) and rejects non-RFCs', () => {
    expect(personaOf('GODE561231GR8')).toBe('fisica');
    expect(personaOf('EKU9003173C9')).toBe('moral');
    expect(personaOf('GODE561231GR9')).toBeNull();
    expect(personaOf(null)).toBeNull();
  });

  it('offers only the régimenes of the persona type', () => {
    expect(regimenKeysFor('moral')).toEqual(['601', '603', '610', '620', '622', '623', '624', '626']);
    expect(regimenKeysFor('fisica')).toContain('605');
    expect(regimenKeysFor('fisica')).toContain('626');
    expect(regimenKeysFor('fisica')).not.toContain('601');
  });

  it('offers G03 first, and never pagos (CP01) or nómina (CN01)', () => {
    expect(usoKeysFor('612', 'fisica')[0]).toBe('G03');
    expect(usoKeysFor('601', 'moral')[0]).toBe('G03');
    for (const regimen of ['605', '612', '616', '601']) {
      const keys = usoKeysFor(regimen, regimen === '601' ? 'moral' : 'fisica');
      expect(keys).not.toContain('CP01');
      expect(keys).not.toContain('CN01');
    }
  });

  it('follows SAT: sueldos y salarios (605) deduce D01-D10 but cannot use G03', () => {
    const keys = usoKeysFor('605', 'fisica');
    expect(keys).toContain('D01');
    expect(keys).toContain('S01');
    expect(keys).not.toContain('G03');
  });

  it('checks régimen and uso against the RFC', () => {
    expect(isRegimenValidFor('612', 'GODE561231GR8')).toBe(true);
    expect(isRegimenValidFor('601', 'GODE561231GR8')).toBe(false);
    expect(isRegimenValidFor('601', 'EKU9003173C9')).toBe(true);
    expect(isUsoValidFor('G03', '612', 'GODE561231GR8')).toBe(true);
    expect(isUsoValidFor('D01', '601', 'EKU9003173C9')).toBe(false);
    expect(isUsoValidFor('G03', '605', 'GODE561231GR8')).toBe(false);
  });
});

describe('stored customers', () => {
  const stored = {
    rfc: 'GODE561231GR8',
    nombre: 'DIEGO GOMEZ',
    codigoPostal: '06600',
    regimenFiscal: '612',
    usoCfdi: 'G03',
    email: null,
  };

  it('keeps a complete, consistent customer', () => {
    expect(usableFields(stored)).toEqual(stored);
    expect(isComplete(usableFields(stored))).toBe(true);
  });

  it('drops fields that no longer fit (catalogs change, data gets old)', () => {
    expect(usableFields({ ...stored, regimenFiscal: '601' })).toMatchObject({
      regimenFiscal: null,
      usoCfdi: null,
    });
    expect(usableFields({ ...stored, usoCfdi: 'CN01' })).toMatchObject({
      regimenFiscal: '612',
      usoCfdi: null,
    });
    expect(usableFields({ ...stored, codigoPostal: '00000' }).codigoPostal).toBeNull();
    expect(usableFields({ ...stored, nombre: '  ' }).nombre).toBeNull();
    expect(isComplete(usableFields({ ...stored, usoCfdi: 'D99' }))).toBe(false);
  });

  it('survives values of the wrong type', () => {
    const odd = { ...stored, nombre: 42, codigoPostal: {}, regimenFiscal: null } as unknown as typeof stored;
    expect(usableFields(odd)).toMatchObject({
      nombre: null,
      codigoPostal: null,
      regimenFiscal: null,
      usoCfdi: null,
    });
  });
});
