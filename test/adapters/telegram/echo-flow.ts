/**
 * A tiny conversation for channel-adapter tests (Telegram and WhatsApp): it echoes text, offers
 * two options with every echo, says which option was picked, reports an image's or a document's
 * size and SHA-256, and answers "facturas" with a PDF and an XML. Run by a real ConversationRuntime.
 */
import { createHash } from 'node:crypto';
import { emit, setup } from 'xstate';
import { ConversationRuntime, type FlowDefinition } from '../../../src/conversation/runtime.ts';
import type { Reply } from '../../../src/conversation/types.ts';
import type { Database } from '../../../src/db/database.ts';
import { createLogger } from '../../../src/log.ts';

export const ECHO_CHOICES = [
  { id: 'opt-yes', label: 'Sí, continuar' },
  { id: 'opt-no', label: 'No, gracias' },
];

export const ECHO_FILES = {
  pdf: { name: 'AF-17.pdf', mime: 'application/pdf', bytes: Buffer.from('%PDF-1.7\nfake invoice\n%%EOF\n') },
  xml: {
    name: 'AF-17.xml',
    mime: 'application/xml',
    bytes: Buffer.from('<?xml version="1.0" encoding="UTF-8"?><cfdi:Comprobante Folio="17"/>'),
  },
};

type EchoEvent =
  | { type: 'text'; text: string }
  | { type: 'choice'; choice: string }
  | { type: 'file'; what: 'imagen' | 'documento'; size: number; sha256: string; name?: string; mime?: string }
  | { type: 'expire' };

const say = (reply: Reply) => ({ type: 'reply' as const, reply });

export const echoMachine = setup({
  types: {
    context: {} as { turns: number },
    events: {} as EchoEvent,
    emitted: {} as { type: 'reply'; reply: Reply },
  },
}).createMachine({
  id: 'echo',
  context: { turns: 0 },
  initial: 'waiting',
  states: {
    waiting: {
      tags: ['awaiting'],
      on: {
        text: [
          {
            guard: ({ event }) => event.text.trim().toLowerCase() === 'facturas',
            actions: emit(() =>
              say({ text: 'Aquí están tus archivos.', files: [ECHO_FILES.pdf, ECHO_FILES.xml] }),
            ),
          },
          {
            guard: ({ event }) => event.text.trim().toLowerCase() === 'largo',
            actions: emit(() => say({ text: `${'a'.repeat(4000)}\n${'b'.repeat(4000)}` })),
          },
          { actions: emit(({ event }) => say({ text: `eco: ${event.text}`, choices: ECHO_CHOICES })) },
        ],
        choice: { actions: emit(({ event }) => say({ text: `elegiste ${event.choice}` })) },
        file: {
          actions: emit(({ event }) =>
            say({
              text: `${event.what} ${event.size} bytes sha256 ${event.sha256}${event.name ? ` nombre ${event.name}` : ''}${event.mime ? ` tipo ${event.mime}` : ''}`,
            }),
          ),
        },
        expire: { actions: emit(() => say({ text: 'adiós' })) },
      },
    },
  },
});

export const echoFlow: FlowDefinition = {
  machine: echoMachine,
  version: 1,
  input: () => ({}),
  toEvent(message) {
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    if (message.choice) return { type: 'choice', choice: message.choice };
    if (message.image) {
      return {
        type: 'file',
        what: 'imagen',
        size: message.image.bytes.byteLength,
        sha256: sha(message.image.bytes),
        ...(message.image.mime ? { mime: message.image.mime } : {}),
      };
    }
    if (message.document) {
      return {
        type: 'file',
        what: 'documento',
        size: message.document.bytes.byteLength,
        sha256: sha(message.document.bytes),
        ...(message.document.name ? { name: message.document.name } : {}),
        ...(message.document.mime ? { mime: message.document.mime } : {}),
      };
    }
    return { type: 'text', text: message.text ?? '' };
  },
  expireEvent: () => ({ type: 'expire' }),
  restartNotice: { text: 'Empecemos de nuevo.' },
};

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A real runtime with the echo flow; logs stay quiet unless TEST_LOG_LEVEL is set. */
export function echoRuntime(db: Database): ConversationRuntime {
  return new ConversationRuntime({ db, flow: echoFlow, log: testLogger(), settleTimeoutMs: 10_000 });
}

export function testLogger() {
  return createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', pretty: false });
}
