/**
 * Drives conversations through the real runtime of a test app: a chat that says things and keeps
 * what it was answered, a second runtime on the same database (a restarted process), and readers
 * for what the database holds about a chat (its stored snapshot, its outbox).
 */

import type { InvoicingContext } from '../../flows/context.ts';
import { invoicingFlow } from '../../src/conversation/invoicing-flow.ts';
import { ConversationRuntime, type RuntimeOptions } from '../../src/conversation/runtime.ts';
import type { Channel, InboundMessage, Reply } from '../../src/conversation/types.ts';
import { createPacResolver } from '../../src/invoices/pac-resolver.ts';
import type { PacDriver } from '../../src/invoicing/pac/index.ts';
import { createLogger } from '../../src/log.ts';
import type { DEFAULT_RECEPTOR, TestApp } from '../helpers/app.ts';

/**
 * What the last reply of each batch asks along `happyPath` followed by the confirmation: the date,
 * the total, the RFC, the nombre, the CP, the régimen, the uso, the e-mail, the summary, another ticket.
 */
export const ASKS = [
  /fecha de compra/u,
  /\*total\*/u,
  /\*RFC\*/u,
  /nombre o razón social/u,
  /\*código postal\*/u,
  /\*régimen fiscal\*/u,
  /\*uso CFDI\*/u,
  /\*correo\*/u,
  /^Revisa tu factura/u,
  /facturar otro ticket/u,
];

export type Said = Omit<InboundMessage, 'channel' | 'chatId' | 'receivedAt'> & { receivedAt?: Date };

export interface TestChat {
  channel: Channel;
  chatId: string;
  /** Sends one message through the runtime; resolves with the replies of that message. */
  say(message: Said | string): Promise<Reply[]>;
}

type Runtime = Pick<ConversationRuntime, 'handle'>;

/** A chat of `channel` talking to `runtime` (or to a function returning the runtime of the moment). */
export function chat(runtime: Runtime | (() => Runtime), channel: Channel, chatId: string): TestChat {
  const current = typeof runtime === 'function' ? runtime : () => runtime;
  return {
    channel,
    chatId,
    say(message) {
      const m = typeof message === 'string' ? { text: message } : message;
      return current().handle({ channel, chatId, receivedAt: new Date(), ...m });
    },
  };
}

/** All the texts of a batch, one after another. */
export function textOf(replies: Reply[]): string {
  return replies.map((r) => r.text).join('\n—\n');
}

/** The last reply of a batch: every batch ends with the question of the step it waits in. */
export function lastText(replies: Reply[]): string {
  return replies.at(-1)?.text ?? '';
}

/** The XML file delivered in a batch, as text, or null. */
export function xmlIn(replies: Reply[]): string | null {
  const file = replies.flatMap((r) => r.files ?? []).find((f) => f.mime === 'application/xml');
  return file ? Buffer.from(file.bytes).toString('utf8') : null;
}

export function mimesIn(replies: Reply[]): string[] {
  return replies
    .flatMap((r) => r.files ?? [])
    .map((f) => f.mime)
    .sort();
}

export interface StoredChat {
  /** The machine state the conversation rests in. */
  value: string;
  context: InvoicingContext;
  flowVersion: number;
  idleDeadline: Date | null;
}

/** What the conversations table holds for a chat, or null. */
export async function stored(app: TestApp, channel: Channel, chatId: string): Promise<StoredChat | null> {
  const [row] = await app.db.sql`
    select flow_version, snapshot, idle_deadline from conversations where channel = ${channel} and chat_id = ${chatId}`;
  if (!row) return null;
  const snapshot = row.snapshot as { value: string; context: InvoicingContext };
  return {
    value: snapshot.value,
    context: snapshot.context,
    flowVersion: Number(row.flow_version),
    idleDeadline: row.idle_deadline,
  };
}

export interface OutboxRow {
  id: string;
  text: string;
  delivered: boolean;
  hadFiles: boolean;
}

/** The outbox rows of a chat, oldest first. */
export async function outbox(app: TestApp, channel: Channel, chatId: string): Promise<OutboxRow[]> {
  const rows = await app.db.sql`
    select id, payload, delivered_at from outbox where channel = ${channel} and chat_id = ${chatId} order by id`;
  return rows.map((r) => ({
    id: String(r.id),
    text: String(r.payload.text),
    delivered: r.delivered_at !== null,
    hadFiles: Boolean(r.payload.files?.length || r.payload.files_delivered),
  }));
}

/**
 * A runtime of its own on the app's database, wired like `wireServices` does (real actors, the
 * sandbox PAC): what a restarted process would build. Close it when done.
 */
export function newRuntime(
  app: TestApp,
  options: Partial<RuntimeOptions> & { pac?: PacDriver } = {},
): ConversationRuntime {
  const { sql, secrets } = app.ctx;
  const { pac, ...runtimeOptions } = options;
  const pacFor = createPacResolver({ sql, secrets, ...(pac ? { sandbox: pac } : {}) });
  const now = options.now;
  const flow = invoicingFlow({ sql, secrets, pacFor, ...(now ? { now } : {}) });
  return new ConversationRuntime({
    db: app.ctx.db,
    flow,
    log: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', pretty: false }),
    ...runtimeOptions,
  });
}

type Receptor = typeof DEFAULT_RECEPTOR;

/** The messages that fill in the receptor one field at a time, from the RFC to the e-mail. */
export function receptorMessages(r: Receptor): string[] {
  return [r.rfc, r.nombre, r.codigoPostal, r.regimenFiscal, r.usoCfdi, r.email ?? 'omitir'];
}

/** Other receptors the sandbox accepts (SAT's test RFCs). */
export const RECEPTORS = {
  fisica: {
    rfc: 'COSC8001137NA',
    nombre: 'Carlos Cortés Soto',
    codigoPostal: '52000',
    regimenFiscal: '612',
    usoCfdi: 'G03',
    email: null,
  },
  otra: {
    rfc: 'XOJI740919U48',
    nombre: 'Ingrid Xodar Jiménez',
    codigoPostal: '76028',
    regimenFiscal: '605',
    usoCfdi: 'S01',
    email: 'ingrid@example.com',
  },
} satisfies Record<string, Receptor>;

/** Code, date and total of a ticket; resolves with the replies to the total (the check's outcome). */
export async function giveTicket(
  c: TestChat,
  ticket: { code: string; date: string; total: string },
): Promise<Reply[]> {
  await c.say(ticket.code);
  await c.say(ticket.date);
  return c.say(ticket.total);
}

/**
 * A whole conversation for a ticket, with any RFC the chat remembers declined and the company's
 * stored data for the RFC used when it has them; resolves with the confirmation's replies.
 */
export async function invoiceTicket(
  c: TestChat,
  ticket: { code: string; date: string; total: string },
  receptor: Receptor = RECEPTORS.fisica,
): Promise<Reply[]> {
  const checked = await giveTicket(c, ticket);
  const offers = (replies: Reply[], id: string) => replies.at(-1)?.choices?.some((ch) => ch.id === id);
  if (offers(checked, 'rfc:recalled')) await c.say({ choice: 'rfc:other' });
  const [rfc, ...fields] = receptorMessages(receptor);
  const afterRfc = await c.say(rfc!);
  if (offers(afterRfc, 'known:use')) await c.say({ choice: 'known:use' });
  else for (const text of fields) await c.say(text);
  return c.say({ choice: 'confirm' });
}
