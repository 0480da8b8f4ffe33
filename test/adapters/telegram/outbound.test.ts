import { describe, expect, it } from 'vitest';
import { inlineKeyboard, splitText, toTelegramHtml } from '../../../adapters/telegram/outbound.ts';
import { parseTelegramHtml } from '../../fakes/telegram-bot-api.ts';

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

describe('toTelegramHtml', () => {
  it('turns *bold* into <b> and escapes whatever a customer typed', () => {
    expect(toTelegramHtml('Folio: *A-12*\nUUID: x')).toBe('Folio: <b>A-12</b>\nUUID: x');
    expect(toTelegramHtml('Nombre: *DIEGO & <HIJOS> "S.A."*')).toBe(
      'Nombre: <b>DIEGO &amp; &lt;HIJOS&gt; "S.A."</b>',
    );
  });

  it('leaves lone or spaced asterisks, and asterisks across lines, as they are', () => {
    expect(toTelegramHtml('5 * 3 = 15')).toBe('5 * 3 = 15');
    expect(toTelegramHtml('*uno\ndos*')).toBe('*uno\ndos*');
    expect(toTelegramHtml('a_b*c')).toBe('a_b*c');
  });

  it('always gives HTML that Telegram parses back to the same words', () => {
    const samples = ['*Tacos* <El> & "Güero"', '**', '* *', '*a* *b* c*', 'ñ_*x_y*_', '&amp; *&lt;*'];
    for (const sample of samples) {
      const parsed = parseTelegramHtml(toTelegramHtml(sample));
      if ('error' in parsed) throw new Error(`${sample}: ${parsed.error}`);
      const shown = parsed.text;
      // Only the bold markers disappear.
      expect(shown.replace(/\*/gu, '')).toBe(sample.replace(/\*/gu, ''));
    }
  });
});
