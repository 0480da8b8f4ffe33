import { describe, expect, it } from 'vitest';
import { CROCKFORD, checkSymbol, TicketCode } from '../../src/sat/code.ts';

describe('TicketCode', () => {
  it('generates 12 Crockford symbols with a valid check symbol, shown as XXXX-XXXX-XXXX', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = TicketCode.generate();
      expect(code.compact).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/u);
      expect(code.toString()).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/u);
      expect(checkSymbol(code.compact.slice(0, 11))).toBe(code.compact[11]);
      seen.add(code.compact);
    }
    expect(seen.size).toBe(500);
  });

  it('reads codes case- and separator-insensitively and tolerates O/0 and I/L/1', () => {
    const code = TicketCode.generate();
    const spaced = code.toString().toLowerCase().replace(/-/gu, ' ');
    expect(TicketCode.parse(spaced)?.compact).toBe(code.compact);
    const lookAlike = code.compact.replace(/0/gu, 'O').replace(/1/gu, 'l');
    expect(TicketCode.parse(lookAlike)?.compact).toBe(code.compact);
  });

  it('the check symbol catches every single-symbol substitution', () => {
    for (let n = 0; n < 30; n++) {
      const code = TicketCode.generate().compact;
      for (let i = 0; i < 12; i++) {
        for (const ch of CROCKFORD) {
          if (ch === code[i]) continue;
          expect(TicketCode.parse(code.slice(0, i) + ch + code.slice(i + 1))).toBeNull();
        }
      }
    }
  });

  it('finds a code inside URLs and sentences, never a run straddling a neighbouring word', () => {
    for (let n = 0; n < 300; n++) expectFound(TicketCode.generate());
    expect(TicketCode.findIn('hola buenas tardes')).toBeNull();
  });
});

function expectFound(code: TicketCode): void {
  expect(TicketCode.findIn(`https://factura.example.mx/t/${code.compact}`)?.compact).toBe(code.compact);
  expect(TicketCode.findIn(`https://t.me/MiBot?start=${code.compact}`)?.compact).toBe(code.compact);
  expect(TicketCode.findIn(`Hola, quiero facturar mi ticket ${code.toString()} por favor`)?.compact).toBe(
    code.compact,
  );
  expect(TicketCode.findIn(`/start ${code.compact}`)?.compact).toBe(code.compact);
  expect(TicketCode.findIn(`ticket ${code.toString().replace(/-/gu, ' ')}`)?.compact).toBe(code.compact);
}
