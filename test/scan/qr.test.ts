import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFromQrText } from '../../src/scan/qr.ts';
import { TicketScanner } from '../../src/scan/scanner.ts';
import {
  type ConditionTally,
  formatTallies,
  HARD_CONDITIONS,
  MILD_CONDITIONS,
  makeCorpus,
  sum,
  tally,
} from './corpus.ts';

describe('codeFromQrText', () => {
  it.each([
    ['https://factura.ejemplo.mx/t/1X22324C0FFJ', '1X22-324C-0FFJ'],
    ['https://factura.ejemplo.mx/t/1X22-324C-0FFJ?utm=qr', '1X22-324C-0FFJ'],
    ['1X22-324C-0FFJ', '1X22-324C-0FFJ'],
    ['1x22 324c 0ffj', '1X22-324C-0FFJ'],
    ['https://wa.me/5215512345678?text=Quiero%20facturar%20mi%20ticket%201X22-324C-0FFJ', '1X22-324C-0FFJ'],
    ['https://t.me/AutofacturaBot?start=1X22324C0FFJ', '1X22-324C-0FFJ'],
    ['https://factura.ejemplo.mx/#/t/1X22324C0FFJ', '1X22-324C-0FFJ'],
    ['Quiero facturar mi ticket 1X22-324C-0FFJ', '1X22-324C-0FFJ'],
    // A shop's web site QR: the host name must never be taken for a code.
    ['https://tiendasmexicanas.com/', null],
    ['https://factura.ejemplo.mx/t/1X22324C0FFK', null],
    ['WIFI:S:Tienda;T:WPA;P:secreto;;', null],
  ])('%s -> %s', (text, expected) => {
    expect(codeFromQrText(text)?.toString() ?? null).toBe(expected);
  });
});

// The QR path alone (OCR off), on generated photos: 4 per condition, all four QR payload kinds.
const PER_CONDITION = 4;

describe('QR path on generated photos', () => {
  const scanner = new TicketScanner({ ocrWorkers: 0, timeBudgetMs: 120_000 });
  let tallies: Map<string, ConditionTally>;

  beforeAll(async () => {
    const samples = await makeCorpus([...MILD_CONDITIONS, ...HARD_CONDITIONS], PER_CONDITION, true);
    tallies = await tally((bytes) => scanner.scan(bytes), samples);
    console.log(`QR path, ${samples.length} photos\n${formatTallies(tallies.values())}`);
  }, 400_000);

  afterAll(() => scanner.close());

  const pick = (names: readonly string[]): ConditionTally[] =>
    names.map((name) => tallies.get(name)).filter((t): t is ConditionTally => t !== undefined);

  it('reads at least 95 % of photos in mild conditions, and at least 3 of 4 in each', () => {
    const mild = sum(pick(MILD_CONDITIONS));
    expect(mild.samples).toBe(MILD_CONDITIONS.length * PER_CONDITION);
    expect(mild.found / mild.samples).toBeGreaterThanOrEqual(0.95);
    for (const t of pick(MILD_CONDITIONS)) expect(t.found, t.condition).toBeGreaterThanOrEqual(3);
  });

  it('reads at least half of the photos in hard conditions (measured: about 80 %)', () => {
    const hard = sum(pick(HARD_CONDITIONS));
    expect(hard.found / hard.samples).toBeGreaterThanOrEqual(0.5);
  });

  it('never returns a wrong code, and QR codes come with high confidence', () => {
    const all = sum(tallies.values());
    expect(all.wrong).toBe(0);
    expect(all.viaQr).toBe(all.found);
  });
});
