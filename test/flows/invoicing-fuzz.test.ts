/**
 * Fuzz: thousands of random and hostile messages (empty, 100 KB, control characters, emoji, SQL and
 * HTML fragments, odd field types, random choice ids, photos with junk scans) in random order, with
 * the fake world answering every actor outcome. Property, after each message: nothing throws, the
 * machine is active and waiting, the batch ends with the question of the step it waits in, and the
 * snapshot survives JSON and, restored, continues exactly like the original.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InvoicingEvent, MessageEvent, Step } from '../../flows/context.ts';
import { checkSnapshot } from '../../flows/snapshot.ts';
import type { Reply } from '../../src/conversation/types.ts';
import { Chat, CODES, NOW, RFCS, TOTALS } from './harness.ts';

const HOSTILE = [
  '',
  ' ',
  '\u0000\u0001\u0002',
  '\n\n\t',
  'A'.repeat(100_000),
  '😀'.repeat(3000),
  '👨‍👩‍👧‍👦🇲🇽',
  "'; DROP TABLE tickets; --",
  "1' OR '1'='1",
  '<script>alert(1)</script>',
  '<b>*negritas*</b> _x_',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a hostile input on purpose
  '${process.exit(1)}',
  '{{constructor.constructor("return process")()}}',
  '%s%s%n%x',
  '\u202egnp.exe',
  'constructor',
  '__proto__',
  'toString',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0'.repeat(5000),
  '7KQ2-M9XD-4HPA',
  `${CODES.main} `.repeat(2000),
  '¿¡?!',
  '/cancel@',
  'reenviar reenviar reenviar',
];

const VALID = [
  CODES.main,
  CODES.other,
  CODES.resendLimit,
  CODES.resendExpired,
  CODES.resendFails,
  `reenviar ${CODES.main}`,
  `/start ${CODES.main}`,
  'hoy',
  'ayer',
  '24/11/2026',
  '24 de noviembre',
  '30/11/2026',
  ...Object.values(TOTALS),
  '$1,234.50',
  ...Object.values(RFCS),
  'XAXX010101000',
  'Diego Gómez',
  'ACME SA DE CV',
  'Cola Larga',
  'Ticket Repetido',
  'Falla Total',
  'Rechazo Nombre',
  'Rechazo CP',
  'Rechazo Regimen',
  'Rechazo Uso',
  'Rechazo RFC',
  'Rechazo Otro',
  '06600',
  '00000',
  '612',
  '601',
  '605',
  'G03',
  'D01',
  'diego@example.com',
  'omitir',
  'sí',
  'no',
  'cancelar',
  'ayuda',
  'atrás',
  'reenviar',
  '/start',
  'cambiar nombre',
];

/** Plausible answers per step, so that random walks get deep into the conversation. */
const ANSWERS: Partial<Record<Step, string[]>> = {
  idle: [CODES.main, 'hola', `reenviar ${CODES.resendLimit}`],
  askCode: [CODES.main, CODES.other, CODES.resendExpired, CODES.resendFails, '7KQ2-M9XD-4HPA'],
  askDate: ['hoy', 'ayer', '24/11/2026', '30/11/2026', '31/02/2026'],
  askTotal: [...Object.values(TOTALS), '1,234.50', '1,234.50', '1,234.50', 'mucho'],
  askRfc: [...Object.values(RFCS), 'XAXX010101000', 'GODE561231GR9'],
  askNombre: [
    'Diego Gómez',
    'ACME SA DE CV',
    'Cola Larga',
    'Ticket Repetido',
    'Falla Total',
    'Rechazo Nombre',
    'Rechazo CP',
    'Rechazo Regimen',
    'Rechazo Uso',
    'Rechazo RFC',
    'Rechazo Otro',
  ],
  confirmNombre: ['Diego Gómez', 'ACME S.A.'],
  askCodigoPostal: ['06600', '64000', '00000'],
  askRegimen: ['612', '601', '605', '626'],
  askUso: ['G03', 'D01', 'I04'],
  askEmail: ['diego@example.com', 'omitir', 'diego@'],
};

const CHOICE_IDS = [
  'yes',
  'no',
  'use:date',
  'use:total',
  'rfc:recalled',
  'rfc:other',
  'known:use',
  'nombre:strip',
  'nombre:keep',
  'regimen:612',
  'regimen:601',
  'regimen:999',
  'uso:G03',
  'uso:CN01',
  'email:skip',
  'edit:rfc',
  'edit:nombre',
  'edit:codigoPostal',
  'edit:regimenFiscal',
  'edit:usoCfdi',
  'edit:email',
  'edit:__proto__',
  'confirm',
  'another',
  'finish',
  'cancel',
  'help',
  'back',
  'resend',
  '',
  'x'.repeat(100),
];

const text = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...VALID) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
);

const scanText = fc.oneof(
  fc.constant(null),
  fc.constantFrom(CODES.main, '24/11/2026', '1,234.50', '2030-01-01'),
  text,
);
const scan = fc.record({
  code: scanText,
  date: scanText,
  total: scanText,
  via: fc.constantFrom('qr', 'ocr', 'none', 'bogus'),
});

const now = fc.oneof(
  { weight: 8, arbitrary: fc.constant(NOW) },
  {
    weight: 1,
    arbitrary: fc
      .date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  },
  { weight: 1, arbitrary: fc.constantFrom('garbage', '', 'NaN') },
);

type Intent =
  | { kind: 'text'; text: string; now: string }
  | { kind: 'choice'; choice: string }
  | { kind: 'pick'; index: number }
  | { kind: 'photo'; scan: unknown; caption: string | null }
  | { kind: 'odd'; event: unknown }
  | { kind: 'expire' }
  | { kind: 'restore' };

const intent: fc.Arbitrary<Intent> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('text' as const), text, now }) },
  { weight: 9, arbitrary: fc.record({ kind: fc.constant('pick' as const), index: fc.nat(20) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('choice' as const),
      choice: fc.oneof(fc.constantFrom(...CHOICE_IDS), fc.string()),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('photo' as const),
      scan: fc.oneof(scan, fc.constant(undefined), fc.anything()),
      caption: fc.option(text),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('odd' as const),
      event: fc.record(
        {
          type: fc.constant('message'),
          text: fc.anything(),
          choice: fc.anything(),
          hasImage: fc.anything(),
          scan: fc.anything(),
          now: fc.anything(),
        },
        { requiredKeys: ['type'] },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'expire' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restore' as const }) },
);

function eventFor(chat: Chat, i: Intent): InvoicingEvent | null {
  switch (i.kind) {
    case 'text':
      return { type: 'message', text: i.text, now: i.now };
    case 'choice':
      return { type: 'message', choice: i.choice, now: NOW };
    case 'pick': {
      const choices = chat.currentQuestion().choices ?? [];
      const picked = choices[i.index % Math.max(choices.length, 1)];
      const answers = ANSWERS[chat.context.step] ?? VALID;
      const answer = answers[i.index % answers.length] ?? '';
      return picked && i.index % 3 !== 0
        ? { type: 'message', choice: picked.id, now: NOW }
        : { type: 'message', text: answer, now: NOW };
    }
    case 'photo':
      return {
        type: 'message',
        hasImage: true,
        now: NOW,
        scan: i.scan as MessageEvent['scan'],
        ...(i.caption === null ? {} : { text: i.caption }),
      };
    case 'odd':
      return i.event as InvoicingEvent;
    case 'expire':
      return { type: 'expire' };
    case 'restore':
      return null;
  }
}

function checkBatch(chat: Chat, event: InvoicingEvent, replies: Reply[]): void {
  const snapshot = chat.snapshot;
  expect(snapshot.status).toBe('active');
  expect(snapshot.hasTag('awaiting')).toBe(true);
  for (const reply of replies) {
    expect(typeof reply.text).toBe('string');
    expect(reply.text.length).toBeGreaterThan(0);
    expect(reply.text.length).toBeLessThan(4096);
  }
  if (event.type === 'message') {
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.at(-1)).toEqual(chat.currentQuestion());
  } else {
    expect(replies.length).toBeLessThanOrEqual(1);
  }
  const stored = JSON.stringify(chat.actor.getPersistedSnapshot());
  expect(stored.length).toBeLessThan(8000);
  expect(JSON.parse(stored)).toEqual(chat.actor.getPersistedSnapshot());
  expect(checkSnapshot(JSON.parse(stored))).not.toBeNull();
}

describe('invoicing machine under random and hostile messages', () => {
  it('always answers with the current question, never throws, never errors, always persists', async () => {
    let messages = 0;
    const visited = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('chat-1', 'recall', 'recall-generic', 'recall-fails'),
        fc.array(intent, { minLength: 15, maxLength: 60, size: 'max' }),
        async (chatId, intents) => {
          let chat = new Chat({ chatId });
          let twin: Chat | null = null;
          for (const i of intents) {
            const event = eventFor(chat, i);
            if (event === null) {
              twin = new Chat({ chatId, snapshot: chat.persisted() });
              continue;
            }
            messages++;
            const replies = await chat.send(event);
            checkBatch(chat, event, replies);
            visited.add(chat.state);
            if (twin) {
              // The restored chat, given the same message, says and stores exactly the same.
              expect(await twin.send(event)).toEqual(replies);
              expect(twin.persisted()).toEqual(chat.persisted());
              chat = twin;
              twin = null;
            }
          }
        },
      ),
      { numRuns: 120 },
    );
    expect(messages).toBeGreaterThan(3000);
    // The random walk gets deep: through the fiscal questions to issued invoices and re-sends.
    // Random walks get deep (every step is covered for sure by the model-based test).
    expect([...visited]).toEqual(
      expect.arrayContaining(['askUso', 'summary', 'done', 'offerResend', 'knownCustomer']),
    );
  });
});
