import { describe, expect, it } from 'vitest';
import { inlineKeyboard, splitText } from '../../../adapters/telegram/outbound.ts';

describe('splitText', () => {
  it('keeps short text whole', () => {
    expect(splitText('hola', 10)).toEqual(['hola']);
  });

  it('cuts at line breaks, then spaces, then hard; every part fits', () => {
    expect(splitText('uno dos\ntres cuatro', 12)).toEqual(['uno dos', 'tres cuatro']);
    expect(splitText('uno dos tres cuatro', 12)).toEqual(['uno dos tres', 'cuatro']);
    expect(splitText('uno dos tres cuatro', 11)).toEqual(['uno dos', 'tres cuatro']);
    expect(splitText('abcdefghijklmnop', 5)).toEqual(['abcde', 'fghij', 'klmno', 'p']);
  });

  it('never splits a surrogate pair', () => {
    const text = `${'a'.repeat(9)}😀${'b'.repeat(5)}`;
    const parts = splitText(text, 10);
    expect(parts.join('')).toBe(text);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(10);
      expect(p).not.toMatch(/[\uD800-\uDBFF]$/u);
    }
  });
});

describe('inlineKeyboard', () => {
  it('puts one option per row with its id as callback_data', () => {
    expect(
      inlineKeyboard([
        { id: 'a', label: 'Uno' },
        { id: 'b', label: 'Dos' },
      ]),
    ).toEqual({
      inline_keyboard: [[{ text: 'Uno', callback_data: 'a' }], [{ text: 'Dos', callback_data: 'b' }]],
    });
  });

  it('leaves out options whose id is longer than 64 bytes', () => {
    expect(inlineKeyboard([{ id: 'ñ'.repeat(33), label: 'Demasiado' }])).toBeUndefined();
    expect(inlineKeyboard([{ id: 'ñ'.repeat(32), label: 'Cabe' }])?.inline_keyboard).toHaveLength(1);
  });
});
