/**
 * A stored snapshot is untrusted input (old code, a bad migration, hand edits): restoring garbage
 * makes XState throw or end in an error state. `checkSnapshot` accepts only what this version of
 * the machine persists: a resting state, a context of the right shape, and, in a busy state, the one
 * in-flight actor of that state. Anything else returns null and the runtime starts the chat over.
 */

import type { Snapshot } from 'xstate';
import { z } from 'zod';
import { STEPS } from './context.ts';
import { invoicingMachine } from './invoicing.ts';

const text = (max: number) => z.string().max(max);
const maybe = (max: number) => text(max).nullable();

const step = z.enum(STEPS);

const context = z.strictObject({
  channel: z.enum(['whatsapp', 'telegram', 'web']),
  chatId: text(200),
  step,
  mode: z.enum(['invoice', 'resend']),
  code: maybe(20),
  ocrCode: maybe(20),
  suggestedDate: maybe(10),
  suggestedTotal: maybe(20),
  date: maybe(10),
  total: maybe(20),
  ticket: z.strictObject({ ticketCode: text(40), companyName: text(300), total: text(20) }).nullable(),
  invoice: z.strictObject({ serieFolio: text(60), uuid: text(60) }).nullable(),
  recalledRfc: maybe(13),
  receptor: z.strictObject({
    rfc: maybe(13),
    nombre: maybe(254),
    codigoPostal: maybe(5),
    regimenFiscal: maybe(3),
    usoCfdi: maybe(4),
    email: maybe(254),
  }),
  emailDone: z.boolean(),
  known: z.boolean(),
  editing: z.boolean(),
  pendingNombre: maybe(254),
});

/** Resting states: tagged 'awaiting' or 'busy'; for busy ones, the id of the actor they invoke. */
const RESTING = new Map<string, string | null>(
  Object.entries(invoicingMachine.states)
    .filter(([, node]) => node.tags.includes('awaiting') || node.tags.includes('busy'))
    .map(([key, node]) => [key, node.invoke[0]?.id ?? null]),
);

const child = z.object({
  src: z.string(),
  snapshot: z.object({ status: z.literal('active'), input: z.record(z.string(), z.unknown()) }),
});

const shape = z.strictObject({
  status: z.literal('active'),
  value: z.string(),
  historyValue: z.strictObject({}),
  context,
  children: z.record(z.string(), child),
});

/**
 * The stored snapshot when this machine can safely continue from it, else null. Checks shape
 * only: the runtime also compares the stored `FLOW_VERSION` before calling this.
 */
export function checkSnapshot(stored: unknown): Snapshot<unknown> | null {
  const parsed = shape.safeParse(stored);
  if (!parsed.success) return null;
  const { value, children } = parsed.data;
  if (!RESTING.has(value)) return null;
  const actorId = RESTING.get(value) ?? null;
  const ids = Object.keys(children);
  if (actorId === null ? ids.length > 0 : ids.length !== 1 || children[actorId]?.src !== actorId) return null;
  return stored as Snapshot<unknown>;
}
