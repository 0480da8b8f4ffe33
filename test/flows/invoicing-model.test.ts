/**
 * Model-based test: `xstate/graph` explores the machine with a set of representative messages per
 * waiting step and every possible actor result per busy step (as done/error events, i.e. fake actors),
 * proving that EVERY state node and EVERY transition definition is taken. Then each shortest path is
 * replayed on a real actor, runtime-style, with fakes scripted from the path's actor results.
 */

import { describe, expect, it } from 'vitest';
import { type AnyTransitionDefinition, createActor, fromPromise, waitFor } from 'xstate';
import { getShortestPaths, getStateNodes, type StatePath } from 'xstate/graph';
import type {
  IssueInvoiceInput,
  IssueInvoiceOutput,
  LookupCustomerInput,
  LookupCustomerOutput,
  RecallChatInput,
  RecallChatOutput,
  ResendInvoiceInput,
  ResendInvoiceOutput,
  ValidateTicketInput,
  ValidateTicketOutput,
} from '../../flows/actors.ts';
import type { InvoicingEvent, Step } from '../../flows/context.ts';
import { question } from '../../flows/copy.ts';
import { isRegimenValidFor, isUsoValidFor } from '../../flows/fiscal.ts';
import { invoicingMachine } from '../../flows/invoicing.ts';
import { checkSnapshot } from '../../flows/snapshot.ts';
import type { Reply } from '../../src/conversation/types.ts';
import { CODES, NOW, RFCS } from './harness.ts';

type Machine = typeof invoicingMachine;
type Snap = ReturnType<Machine['transition']>;
type AnyEvent = InvoicingEvent | { type: string; output?: unknown; error?: unknown };

const INPUT = { channel: 'whatsapp' as const, chatId: 'model' };

const say = (text: string): InvoicingEvent => ({ type: 'message', text, now: NOW });
const tap = (choice: string): InvoicingEvent => ({ type: 'message', choice, now: NOW });
const photo = (via: 'qr' | 'ocr' | 'none'): InvoicingEvent => ({
  type: 'message',
  hasImage: true,
  now: NOW,
  scan:
    via === 'none'
      ? { code: null, date: null, total: null, via }
      : { code: CODES.main, date: '2026-11-24', total: '1,234.50', via },
});

/** What a customer may do in any waiting step: the global commands, a stale button, the deadline. */
const COMMON: InvoicingEvent[] = [
  say('cancelar'),
  say('ayuda'),
  say('atrás'),
  say('reenviar'),
  say(`reenviar ${CODES.other}`),
  say('/start'),
  say(`/start ${CODES.other}`),
  tap('bogus'),
  { type: 'expire' },
];

const EDITS = ['rfc', 'nombre', 'codigoPostal', 'regimenFiscal', 'usoCfdi', 'email'].map((f) =>
  tap(`edit:${f}`),
);

/** What a customer may answer in each waiting step: valid, refused and unexpected answers. */
const STEP_EVENTS: Record<Step, InvoicingEvent[]> = {
  idle: [
    say('hola'),
    say(CODES.main),
    photo('qr'),
    photo('ocr'),
    photo('none'),
    say('reenviar'),
    say(`reenviar ${CODES.main}`),
    say('ayuda'),
    { type: 'expire' },
  ],
  askCode: [say(CODES.main), photo('qr'), photo('ocr'), photo('none'), say('hola')],
  confirmOcrCode: [
    say('sí'),
    say('no'),
    say(CODES.other),
    photo('qr'),
    photo('ocr'),
    photo('none'),
    say('tal vez'),
  ],
  askDate: [say('24/11/2026'), say('30/11/2026'), say('31/02/2026'), tap('use:date'), say('hola')],
  askTotal: [say('$1,234.50'), tap('use:total'), say('mucho')],
  offerResend: [say('sí'), say('no'), say('hola')],
  offerRecalledRfc: [
    tap('rfc:recalled'),
    tap('rfc:other'),
    say(RFCS.fisica),
    say('XAXX010101000'),
    say('GODE561231GR9'),
    say('GODE560231GR8'),
    say('hola'),
  ],
  askRfc: [
    say(RFCS.fisica),
    say(RFCS.known),
    say('XAXX010101000'),
    say('GODE561231GR9'),
    say('GODE560231GR8'),
    say('hola'),
  ],
  knownCustomer: [tap('known:use'), tap('rfc:other'), ...EDITS.slice(1), say('hola')],
  askNombre: [say('Diego Gómez'), say('ACME SA DE CV'), say('123')],
  confirmNombre: [
    tap('nombre:strip'),
    tap('nombre:keep'),
    say('sí'),
    say('ACME S.A.'),
    say('Diego'),
    say('123'),
  ],
  askCodigoPostal: [say('06600'), say('00000'), say('abc')],
  askRegimen: [tap('regimen:612'), tap('regimen:605'), say('601'), say('999')],
  askUso: [tap('uso:G03'), say('D01'), tap('uso:D10'), say('X99')],
  askEmail: [say('diego@example.com'), tap('email:skip'), say('diego@')],
  summary: [tap('confirm'), ...EDITS, say('cambiar nombre'), say('hola')],
  done: [
    tap('another'),
    tap('finish'),
    say(CODES.other),
    photo('qr'),
    photo('ocr'),
    photo('none'),
    say('hola'),
  ],
};

const done = (id: string, output: unknown) => ({ type: `xstate.done.actor.${id}`, output, actorId: id });
const error = (id: string) => ({
  type: `xstate.error.actor.${id}`,
  error: new Error(`${id} failed`),
  actorId: id,
});
const files = [{ name: 'f.pdf', mime: 'application/pdf', bytes: new Uint8Array([1]) }];
const complete = {
  rfc: RFCS.fisica,
  nombre: 'DIEGO',
  codigoPostal: '06600',
  regimenFiscal: '612',
  usoCfdi: 'G03',
  email: null,
};

/** Every result each actor can give, plus a throw. */
const RESULTS: Record<string, AnyEvent[]> = {
  validating: [
    ...['unknown', 'mismatch', 'cancelled', 'disabled'].map((outcome) => done('validateTicket', { outcome })),
    done('validateTicket', { outcome: 'ok', companyName: 'Tacos', total: '1234.50', ticketCode: CODES.main }),
    done('validateTicket', { outcome: 'invoiced', serieFolio: 'A-1', uuid: 'U-1', canResend: true }),
    done('validateTicket', { outcome: 'invoiced', serieFolio: 'A-1', uuid: 'U-1', canResend: false }),
    done('validateTicket', { outcome: 'expired', deadline: '2026-11-30' }),
    done('validateTicket', { outcome: 'cooldown', retryAfterMinutes: 5 }),
    done('validateTicket', { outcome: 'in_progress', serieFolio: 'A-1' }),
    error('validateTicket'),
  ],
  recalling: [
    done('recallChat', null),
    done('recallChat', { rfc: RFCS.recalled }),
    done('recallChat', { rfc: 'XAXX010101000' }),
    error('recallChat'),
  ],
  lookingUpCustomer: [
    done('lookupCustomer', null),
    done('lookupCustomer', complete),
    done('lookupCustomer', { ...complete, usoCfdi: 'CN01' }),
    error('lookupCustomer'),
  ],
  issuing: [
    done('issueInvoice', { outcome: 'issued', serieFolio: 'A-2', uuid: 'U-2', files, emailedTo: null }),
    done('issueInvoice', { outcome: 'queued' }),
    done('issueInvoice', { outcome: 'already_invoiced', serieFolio: 'A-2', uuid: 'U-2' }),
    ...['rfc', 'nombre', 'codigoPostal', 'regimenFiscal', 'usoCfdi', null].map((field) =>
      done('issueInvoice', { outcome: 'rejected', field, message: 'CFDI40145' }),
    ),
    error('issueInvoice'),
  ],
  resending: [
    done('resendInvoice', { outcome: 'sent', files, remaining: 1 }),
    done('resendInvoice', { outcome: 'limit' }),
    done('resendInvoice', { outcome: 'expired' }),
    error('resendInvoice'),
  ],
};

function eventsFor(snapshot: Snap): AnyEvent[] {
  const busy = RESULTS[String(snapshot.value)];
  if (busy) return [...busy, { type: 'expire' }, say('hola')];
  const step = snapshot.context.step;
  return step === 'idle' ? STEP_EVENTS.idle : [...COMMON, ...STEP_EVENTS[step]];
}

/** Abstract state: value plus what decides behaviour (keeps the graph finite and small). */
function serialize(snapshot: Snap): string {
  const c = snapshot.context;
  const r = c.receptor;
  return JSON.stringify([
    snapshot.value,
    c.mode,
    c.suggestedDate !== null || c.suggestedTotal !== null,
    c.recalledRfc !== null,
    r.rfc?.length ?? 0,
    isRegimenValidFor(r.regimenFiscal, r.rfc),
    isUsoValidFor(r.usoCfdi, r.regimenFiscal, r.rfc),
    c.emailDone,
    c.known,
    c.editing,
  ]);
}

/** Explores the machine through a logic wrapper whose actor scope records every microstep. */
function explore() {
  const probe = createActor(invoicingMachine, { input: INPUT });
  const taken = new Set<AnyTransitionDefinition>();
  const reached = new Set<string>([invoicingMachine.root.id]);
  probe.system.inspect((event) => {
    if (event.type !== '@xstate.microstep') return;
    for (const t of event._transitions) taken.add(t);
    reached.add(`${invoicingMachine.root.id}.${String((event.snapshot as Snap).value)}`);
  });
  const scope = {
    self: probe,
    system: probe.system,
    id: 'model',
    sessionId: 'model',
    logger: () => {},
    defer: () => {},
    emit: () => {},
    stopChild: () => {},
    actionExecutor: () => {},
  } as unknown as Parameters<Machine['transition']>[2];
  const initial = invoicingMachine.getInitialSnapshot(scope, INPUT);
  reached.add(`${invoicingMachine.root.id}.${String(initial.value)}`);
  const logic = {
    transition: (s: Snap, e: AnyEvent) => invoicingMachine.transition(s, e as InvoicingEvent, scope),
    getInitialSnapshot: () => initial,
  } as unknown as Machine;
  const options = {
    fromState: initial,
    events: eventsFor as (s: Snap) => InvoicingEvent[],
    serializeState: serialize,
    limit: 200_000,
  };
  // getShortestPaths builds the whole adjacency map, so the probe sees every explored transition.
  const paths = getShortestPaths(logic, options) as StatePath<Snap, AnyEvent>[];
  return { taken, reached, paths };
}

const model = explore();

function allTransitions(): AnyTransitionDefinition[] {
  return getStateNodes(invoicingMachine.root).flatMap((node) => [
    ...[...node.transitions.values()].flat(),
    ...(node.always ?? []),
  ]);
}

function describeGuard(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function' && 'guards' in guard)
    return `${guard.name}(${(guard.guards as unknown[]).map(describeGuard)})`;
  if (typeof guard === 'object' && guard !== null && 'type' in guard)
    return `${String(guard.type)}${JSON.stringify((guard as { params?: unknown }).params ?? '')}`;
  return guard === undefined ? '' : 'inline';
}

function describeTransition(t: AnyTransitionDefinition): string {
  return `${t.source.id} --${t.eventType}[${describeGuard(t.guard)}]--> ${(t.target ?? []).map((n) => n.id).join(',') || '(self)'}`;
}

describe('invoicing machine, model-based', () => {
  it('reaches every state node', () => {
    const all = getStateNodes(invoicingMachine.root).map((n) => n.id);
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((id) => !model.reached.has(id))).toEqual([]);
  });

  it('takes every transition (message handlers, actor results, errors, routing)', () => {
    const all = allTransitions();
    expect(all.length).toBeGreaterThan(200);
    expect(all.filter((t) => !model.taken.has(t)).map(describeTransition)).toEqual([]);
  });

  it('tags every resting state as awaiting or busy, and never rests elsewhere', () => {
    expect(model.paths.length).toBeGreaterThan(300);
    for (const { state } of model.paths) {
      expect(state.status).toBe('active');
      expect(state.hasTag('awaiting') !== state.hasTag('busy')).toBe(true);
    }
  });

  it('replays every shortest path on a real actor with scripted fake actors', async () => {
    // A path that is the beginning of a longer one is replayed as part of it.
    const key = (path: StatePath<Snap, AnyEvent>, length: number) =>
      path.steps
        .slice(0, length)
        .map((s) => JSON.stringify(s.event))
        .join('|');
    const prefixes = new Set(model.paths.flatMap((p) => p.steps.slice(0, -1).map((_, i) => key(p, i + 1))));
    const maximal = model.paths.filter((p) => !prefixes.has(key(p, p.steps.length)));
    expect(maximal.length).toBeGreaterThan(50);
    for (const path of maximal) await replay(path);
  });
});

/** Runs `path` like the runtime would, with fakes that return the path's actor results in order. */
async function replay(path: StatePath<Snap, AnyEvent>): Promise<void> {
  const script = new Map<string, AnyEvent[]>();
  for (const { event } of path.steps) {
    const m = /^xstate\.(done|error)\.actor\.(\w+)$/u.exec(event.type);
    if (m?.[2]) script.set(m[2], [...(script.get(m[2]) ?? []), event]);
  }
  const fake = <TOutput, TInput>(id: string) =>
    fromPromise<TOutput, TInput>(async () => {
      const next = script.get(id)?.shift() as { type: string; output?: unknown; error?: unknown } | undefined;
      if (!next) throw new Error(`unscripted call to ${id}`);
      if (next.type.startsWith('xstate.error')) throw next.error;
      return next.output as TOutput;
    });
  const machine = invoicingMachine.provide({
    actors: {
      validateTicket: fake<ValidateTicketOutput, ValidateTicketInput>('validateTicket'),
      recallChat: fake<RecallChatOutput, RecallChatInput>('recallChat'),
      lookupCustomer: fake<LookupCustomerOutput, LookupCustomerInput>('lookupCustomer'),
      issueInvoice: fake<IssueInvoiceOutput, IssueInvoiceInput>('issueInvoice'),
      resendInvoice: fake<ResendInvoiceOutput, ResendInvoiceInput>('resendInvoice'),
    },
  });
  const actor = createActor(machine, { input: INPUT });
  let batch: Reply[] = [];
  actor.on('reply', ({ reply }) => batch.push(reply));
  actor.start();

  const steps = path.steps.filter((s) => s.event.type !== 'xstate.init');
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (!step || step.event.type.startsWith('xstate.')) continue;
    let settled = step.state;
    for (let j = i + 1; j < steps.length && steps[j]?.event.type.startsWith('xstate.'); j++) {
      settled = steps[j]?.state ?? settled;
    }
    batch = [];
    actor.send(step.event as InvoicingEvent);
    if (settled.hasTag('busy')) {
      // The path ends while an actor works (no result scripted): the real actor is busy there too.
      await waitFor(actor, (s) => s.value === settled.value, { timeout: 1000 });
      expect(checkSnapshot(JSON.parse(JSON.stringify(actor.getPersistedSnapshot())))).not.toBeNull();
      break;
    }
    const snapshot = await waitFor(actor, (s) => s.hasTag('awaiting'), { timeout: 1000 });
    // Paths are built over abstract states, so compare the abstraction, not every context value.
    expect(serialize(snapshot), JSON.stringify(step.event)).toEqual(serialize(settled));
    if (step.event.type === 'message') expect(batch.at(-1)).toEqual(question(snapshot.context));
    const stored = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    expect(stored).toEqual(actor.getPersistedSnapshot());
    expect(checkSnapshot(stored)).not.toBeNull();
  }
  actor.stop();
}
