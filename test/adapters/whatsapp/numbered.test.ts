import { describe, expect, it } from 'vitest';
import { matchChoice, renderChoices } from '../../../adapters/whatsapp/numbered.ts';

const choices = [
  { id: 'uso-g03', label: 'G03 Gastos en general' },
  { id: 'uso-s01', label: 'S01 Sin efectos fiscales' },
  { id: 'otro', label: 'Otro uso' },
];

describe('renderChoices', () => {
  it('adds numbered lines and how to answer', () => {
    expect(renderChoices('¿Para qué usarás la factura?', choices)).toBe(
      '¿Para qué usarás la factura?\n\n1. G03 Gastos en general\n2. S01 Sin efectos fiscales\n3. Otro uso\n\nResponde 1, 2 o 3.',
    );
    expect(renderChoices('¿Confirmas?', [{ id: 'si', label: 'Sí' }])).toBe(
      '¿Confirmas?\n\n1. Sí\n\nResponde 1.',
    );
    expect(renderChoices('Sin opciones', [])).toBe('Sin opciones');
  });
});

describe('matchChoice', () => {
  it.each([
    ['2', 'uso-s01'],
    [' 3 ', 'otro'],
    ['1.', 'uso-g03'],
    ['2)', 'uso-s01'],
    ['#3', 'otro'],
    ['Opción 2', 'uso-s01'],
    ['opcion 1', 'uso-g03'],
    ['g03 gastos en general', 'uso-g03'],
    ['Otro uso.', 'otro'],
    ['¡OTRO USO!', 'otro'],
  ])('"%s" -> %s', (answer, id) => {
    expect(matchChoice(answer, choices)).toBe(id);
  });

  it.each([['0'], ['4'], ['12'], ['otro'], ['1 y 2'], ['mi RFC es EKU9003173C9'], ['']])(
    '"%s" names no option',
    (answer) => {
      expect(matchChoice(answer, choices)).toBeNull();
    },
  );

  it('names nothing when no options were offered', () => {
    expect(matchChoice('1', [])).toBeNull();
  });
});
