/**
 * Fuzz through the whole runtime: a few hundred random and hostile messages (empty, 100 KB, control
 * characters, lone surrogates, emoji, SQL and HTML fragments, random choice ids, random bytes and
 * random pictures as photos, real ticket data mixed in) on a real database. After every message:
 * nothing threw, at least one reply came back, every reply has text, and the stored conversation
 * rests in a waiting step, never in a busy one.
 */
import fc from 'fast-check';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photoUnreadable } from '../../flows/copy.ts';
import { invoicingMachine } from '../../flows/invoicing.ts';
import { checkSnapshot } from '../../flows/snapshot.ts';
import type { InboundMessage } from '../../src/conversation/types.ts';
import { TicketScanner } from '../../src/scan/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { DB_MODE } from '../helpers/db.ts';
import { chat, newRuntime, RECEPTORS, stored } from './driver.ts';

/** The machine's states tagged 'busy' (an actor running): a stored conversation must never rest there. */
const BUSY = Object.entries(invoicingMachine.states)
  .filter(([, node]) => node.tags.includes('busy'))
  .map(([key]) => key);

const HOSTILE = [
  '',
  ' ',
  '\u0000',
  '\u0000\u0001\u0002\u001b[31m',
  '\uD800',
  'a\uDFFFb',
  '\n\n\t',
  'A'.repeat(100_000),
  '😀'.repeat(3000),
  '👨‍👩‍👧‍👦🇲🇽',
  "'; DROP TABLE tickets; --",
  "1' OR '1'='1",
  '$1; select pg_sleep(10)',
  '<script>alert(1)</script>',
  '<b>*negritas*</b> _x_',
  '{"type":"expire"}',
  '__proto__',
  'constructor',
  '%s%s%n%x',
  '\u202egnp.exe',
  '1e309',
  '-90.00',
  '0'.repeat(5000),
  '/start',
  '/start@AutofacturaBot 7KQ2M9XD4HPE',
  'reenviar reenviar reenviar',
  'cancelar',
  'atrás',
  'ayuda',
  'sí',
  'no',
  'omitir',
  'confirmar',
  'hoy',
  'ayer',
  '31/02/2026',
  '01/01/2999',
];

const CHOICES = [
  'confirm',
  'yes',
  'no',
  'cancel',
  'help',
  'back',
  'resend',
  'another',
  'finish',
  'use:date',
  'use:total',
  'rfc:recalled',
  'rfc:other',
  'known:use',
  'edit:rfc',
  'edit:nombre',
  'edit:email',
  'edit:__proto__',
  'regimen:612',
  'regimen:601',
  'regimen:999',
  'uso:G03',
  'uso:CN01',
  'email:skip',
  'nombre:strip',
  'nombre:keep',
];

describe(`fuzzing the runtime (${DB_MODE})`, () => {
  let app: TestApp;
  const scanner = new TicketScanner({ ocrWorkers: 0, timeBudgetMs: 4000 });
  /** Real data the fuzz mixes in, so conversations get deep as well as wide. */
  let real: string[] = [];
  let pictures: Uint8Array[] = [];

  beforeAll(async () => {
    app = await startTestApp({ scanImage: (bytes) => scanner.scan(bytes) });
    const tickets = await Promise.all([app.ticket(), app.ticket(), app.ticket()]);
    const r = RECEPTORS.fisica;
    real = [
      ...tickets.flatMap((t) => [t.code, t.date, t.total, `reenviar ${t.code}`]),
      r.rfc,
      RECEPTORS.otra.rfc,
      'XAXX010101000',
      r.nombre,
      'ACME SA DE CV',
      r.codigoPostal,
      '00000',
      r.regimenFiscal,
      '605',
      r.usoCfdi,
      'S01',
      'cliente@example.com',
    ];
    const noise = await sharp(Buffer.from(Array.from({ length: 48 * 48 * 3 }, (_, i) => (i * 7919) % 256)), {
      raw: { width: 48, height: 48, channels: 3 },
    })
      .png()
      .toBuffer();
    const qr = await QRCode.toBuffer(`${app.url}/t/${tickets[0]!.code.replace(/-/gu, '')}`, { scale: 4 });
    pictures = [noise, qr, Buffer.from('GIF89a'), Buffer.from('%PDF-1.4 not really')];
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await scanner.close();
  });

  type Said = Omit<InboundMessage, 'channel' | 'chatId' | 'receivedAt'>;
  type Ticket = { code: string; date: string; total: string };

  /** The answer a cooperative customer gives in each step, so that runs also get deep (to the PAC). */
  const NEXT: Record<string, (t: Ticket) => Said> = {
    idle: (t) => ({ text: t.code }),
    askCode: (t) => ({ text: t.code }),
    confirmOcrCode: () => ({ choice: 'yes' }),
    askDate: (t) => ({ text: t.date }),
    askTotal: (t) => ({ text: t.total }),
    offerResend: () => ({ text: 'sí' }),
    offerRecalledRfc: () => ({ choice: 'rfc:recalled' }),
    askRfc: () => ({ text: RECEPTORS.fisica.rfc }),
    knownCustomer: () => ({ choice: 'known:use' }),
    askNombre: () => ({ text: RECEPTORS.fisica.nombre }),
    confirmNombre: () => ({ choice: 'nombre:strip' }),
    askCodigoPostal: () => ({ text: RECEPTORS.fisica.codigoPostal }),
    askRegimen: () => ({ choice: 'regimen:612' }),
    askUso: () => ({ text: 'g03' }),
    askEmail: () => ({ choice: 'email:skip' }),
    summary: () => ({ choice: 'confirm' }),
    done: () => ({ choice: 'another' }),
  };

  /** One message: text, choice, photo, several at once, or nothing at all. */
  const message = (): fc.Arbitrary<Said> => {
    const text = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
      { weight: 4, arbitrary: fc.constantFrom(...real) },
      { weight: 2, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
      { weight: 1, arbitrary: fc.string({ maxLength: 3000, unit: 'grapheme' }) },
    );
    const choice = fc.oneof(fc.constantFrom(...CHOICES), fc.string({ maxLength: 100, unit: 'binary' }));
    const image = fc.oneof(
      fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({ bytes, mime: 'image/jpeg' })),
      fc.constantFrom(...pictures.map((bytes) => ({ bytes, mime: 'image/png' }))),
    );
    return fc.oneof(
      { weight: 6, arbitrary: text.map((t) => ({ text: t })) },
      { weight: 3, arbitrary: choice.map((c) => ({ choice: c })) },
      { weight: 1, arbitrary: image.map((i) => ({ image: i })) },
      { weight: 1, arbitrary: fc.record({ text, choice, image }, { requiredKeys: [] }) },
    );
  };

  it('a photo the scanner chokes on counts as unreadable', async () => {
    const rt = newRuntime(app, {
      scanImage: async () => {
        throw new Error('decoder exploded');
      },
    });
    try {
      const replies = await chat(rt, 'whatsapp', 'scan-fails').say({
        image: { bytes: new Uint8Array([0xff, 0xd8, 0xff]), mime: 'image/jpeg' },
      });
      expect(replies.map((r) => r.text)).toContain(photoUnreadable().text);
      expect((await stored(app, 'whatsapp', 'scan-fails'))?.value).toBe('askCode');
    } finally {
      await rt.close();
    }
  });

  it('never crashes, always answers, never rests busy', async () => {
    let run = 0;
    let said = 0;
    const reached = new Set<string>();
    // Each run has an eagerness 0..10: a step gives the cooperative answer when its coin is below it.
    const run$ = fc.tuple(
      fc.integer({ min: 0, max: 10 }),
      fc.array(fc.tuple(message(), fc.integer({ min: 0, max: 9 })), { minLength: 5, maxLength: 25 }),
    );
    const cooperative: [number, [Said, number][]] = [10, Array.from({ length: 20 }, () => [{ text: '' }, 0])];
    await fc.assert(
      fc.asyncProperty(run$, async ([eagerness, steps]) => {
        const chatId = `fuzz-${run++}`;
        const channel = (['web', 'telegram', 'whatsapp'] as const)[run % 3]!;
        const ticket = await app.ticket();
        let value = 'idle';
        for (const [hostile, coin] of steps) {
          const m = coin < eagerness ? NEXT[value]!(ticket) : hostile;
          said++;
          const replies = await app.services.runtime.handle({
            channel,
            chatId,
            receivedAt: new Date(),
            ...m,
          });
          expect(replies.length).toBeGreaterThan(0);
          for (const reply of replies)
            expect(typeof reply.text === 'string' && reply.text.length > 0).toBe(true);
          const [row] = await app.db.sql`
            select flow_version, snapshot from conversations where channel = ${channel} and chat_id = ${chatId}`;
          value = String(row?.snapshot?.value);
          reached.add(value);
          expect(BUSY).not.toContain(value);
          // What was stored is something the runtime will take back.
          expect(checkSnapshot(row?.snapshot)).not.toBeNull();
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 20), examples: [[cooperative]] },
    );
    if (process.env.FUZZ_RUNS) console.log(said, [...reached].join(' '));
    expect(said).toBeGreaterThanOrEqual(80);
    // The cooperative answers took runs all the way through (the first one to an invoice).
    expect([...reached]).toEqual(expect.arrayContaining(['askTotal', 'askRfc', 'summary', 'done']));
  }, 180_000);
});
