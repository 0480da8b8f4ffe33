import { describe, expect, it } from 'vitest';
import { type InvoicingContext, initialContext, STEPS, type Step } from '../../flows/context.ts';
import { EXAMPLES, help, longDate, money, question, unexpected } from '../../flows/copy.ts';
import { codigoPostalExists, isRegimenValidFor, isUsoValidFor } from '../../flows/fiscal.ts';
import { typedCodeOf } from '../../flows/input.ts';
import { parseDate, parseEmail, parseNombre, parseTotal } from '../../flows/parse.ts';
import { Rfc } from '../../src/sat/rfc.ts';
import { NOW } from './harness.ts';

/** A context where every step has what its question shows. */
function filled(step: Step): InvoicingContext {
  return {
    ...initialContext({ channel: 'whatsapp', chatId: '1' }),
    step,
    code: '7KQ2-M9XD-4HPE',
    ocrCode: '7KQ2-M9XD-4HPE',
    suggestedDate: '2026-11-24',
    suggestedTotal: '1234.50',
    ticket: { ticketCode: '7KQ2-M9XD-4HPE', companyName: 'Tacos El Güero', total: '1234.50' },
    recalledRfc: 'GODE561231GR8',
    pendingNombre: 'ACME S.A. DE C.V.',
    receptor: {
      rfc: 'GODE561231GR8',
      nombre: 'DIEGO GOMEZ',
      codigoPostal: '06600',
      regimenFiscal: '612',
      usoCfdi: 'G03',
      email: null,
    },
  };
}

describe('copy', () => {
  it('gives examples that the flow itself accepts', () => {
    expect(typedCodeOf({ type: 'message', text: EXAMPLES.code, now: NOW })).toBe(EXAMPLES.code);
    expect(parseDate(EXAMPLES.date, '2026-12-31').ok).toBe(true);
    expect(parseTotal(EXAMPLES.total)).toBe('1234.50');
    expect(Rfc.parseOrNull(EXAMPLES.rfcFisica)?.persona).toBe('fisica');
    expect(Rfc.parseOrNull(EXAMPLES.rfcMoral)?.persona).toBe('moral');
    expect(parseNombre(EXAMPLES.nombre)).toBe(EXAMPLES.nombre);
    expect(codigoPostalExists(EXAMPLES.codigoPostal)).toBe(true);
    expect(isRegimenValidFor(EXAMPLES.regimen, EXAMPLES.rfcFisica)).toBe(true);
    expect(isUsoValidFor(EXAMPLES.uso, EXAMPLES.regimen, EXAMPLES.rfcFisica)).toBe(true);
    expect(parseEmail(EXAMPLES.email)).toBe(EXAMPLES.email);
  });

  it.each(STEPS)('asks a chat-friendly question at %s', (step) => {
    const reply = question(filled(step));
    expect(reply.text.length).toBeGreaterThan(20);
    expect(reply.text.length).toBeLessThan(1500);
    expect(reply.text).not.toMatch(/<[a-z/]/iu);
    expect(reply.text).not.toMatch(/undefined|null|NaN|\[object/u);
    const ids = (reply.choices ?? []).map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const choice of reply.choices ?? []) {
      expect(choice.label.length).toBeGreaterThan(0);
      expect(choice.label.length).toBeLessThanOrEqual(48);
    }
    // An instruction: either choices to tap or an example of what to type.
    expect(reply.choices?.length || /ej\.|\?/u.test(reply.text)).toBeTruthy();
  });

  it.each(STEPS)('has help and an "I did not understand" for %s', (step) => {
    expect(help(step).text).toMatch(/atrás.*cancelar/su);
    expect(unexpected(step).text.length).toBeGreaterThan(5);
  });

  it('writes dates and money the Mexican way', () => {
    expect(longDate('2026-11-30')).toBe('30 de noviembre de 2026');
    expect(longDate('2026-01-05')).toBe('5 de enero de 2026');
    expect(money('1234.50')).toBe('$1,234.50');
    expect(money('1234567.89')).toBe('$1,234,567.89');
    expect(money('90.00')).toBe('$90.00');
    expect(money('0.99')).toBe('$0.99');
  });
});
