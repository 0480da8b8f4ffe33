import { describe, expect, it } from 'vitest';
import { catalogs } from '../../src/sat/catalogs.ts';

describe('SAT catalogs', () => {
  it('knows régimen applicability', () => {
    expect(catalogs.regimenFiscal('601')).toMatchObject({ aplica_moral: true, aplica_fisica: false });
    expect(catalogs.regimenesFor('fisica').map((r) => r.id)).toContain('612');
    expect(catalogs.regimenesFor('fisica').map((r) => r.id)).not.toContain('601');
  });

  it('follows the uso CFDI / régimen receptor matrix', () => {
    expect(catalogs.isUsoAllowedForRegimen('G03', '612')).toBe(true);
    expect(catalogs.isUsoAllowedForRegimen('D01', '601')).toBe(false);
    expect(catalogs.usosFor('605', 'fisica').map((u) => u.id)).toEqual(
      expect.arrayContaining(['D01', 'S01', 'CN01']),
    );
  });

  it('looks up postal codes, product and unit keys', () => {
    expect(catalogs.codigoPostal('22000')).toMatchObject({ estado: 'BCN', estimulo_franja_fronteriza: 1 });
    expect(catalogs.codigoPostal('06600')).toMatchObject({ estado: 'DIF', estimulo_franja_fronteriza: 0 });
    expect(catalogs.codigoPostal('00000')).toBeUndefined();
    expect(catalogs.claveProdServ('90101501')?.descripcion).toBe('Restaurantes');
    expect(catalogs.claveProdServ('99999999')).toBeUndefined();
    expect(catalogs.claveUnidad('H87')?.texto).toBe('Pieza');
    expect(catalogs.formaPago('01')?.texto).toBe('Efectivo');
    expect(catalogs.formaPago('00')).toBeUndefined();
  });
});
