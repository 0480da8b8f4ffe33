import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { IssueInvoiceInput, IssueInvoiceOutput } from '../../flows/actors.ts';
import type { InvoicingEvent } from '../../flows/context.ts';
import type { Reply } from '../../src/conversation/types.ts';
import { Chat, CODES, fakeMachine, NOW, RFCS } from './harness.ts';

const msg = (text: string): InvoicingEvent => ({ type: 'message', text, now: NOW });
const tap = (choice: string): InvoicingEvent => ({ type: 'message', choice, now: NOW });

const CONVERSATION: InvoicingEvent[] = [
  msg('hola'),
  {
    type: 'message',
    hasImage: true,
    now: NOW,
    scan: { code: CODES.main, date: '2026-11-24', total: '1234.50', via: 'ocr' },
  },
  tap('yes'),
  tap('use:date'),
  msg('ayuda'),
  tap('use:total'),
  msg(RFCS.fisica),
  msg('Acme Soluciones SA de CV'),
  tap('nombre:strip'),
  msg('06600'),
  msg('atrás'),
  msg('06600'),
  tap('regimen:612'),
  tap('uso:G03'),
  msg('acme@example.com'),
  tap('edit:codigoPostal'),
  msg('64000'),
  tap('confirm'),
  tap('another'),
  msg(CODES.other),
  { type: 'expire' },
];

describe('persisted snapshots', () => {
  it('survive a JSON round trip at every step and continue identically', async () => {
    const original = new Chat();
    for (const event of CONVERSATION) {
      const stored = original.persisted();
      expect(stored).toEqual(original.actor.getPersistedSnapshot());
      const restored = new Chat({ snapshot: stored });
      expect(restored.state).toBe(original.state);
      expect(restored.context).toEqual(original.context);

      const a = await original.send(event);
      const b = await restored.send(event);
      expect(b).toEqual(a);
      expect(restored.persisted()).toEqual(original.persisted());
      expect(JSON.stringify(original.persisted())).not.toMatch(/"bytes"|factura\.pdf/u);
    }
    expect(original.state).toBe('idle');
  });

  it('stays small: nothing but short strings, booleans and null in context', async () => {
    const chat = new Chat();
    for (const event of CONVERSATION.slice(0, 18)) {
      await chat.send(event);
      const json = JSON.stringify(chat.persisted());
      expect(json.length).toBeLessThan(4000);
    }
    const values = JSON.stringify(chat.context, (_key, value) => {
      if (value === null || typeof value === 'object') return value;
      expect(['string', 'boolean']).toContain(typeof value);
      return value;
    });
    expect(values).toContain('ACME SOLUCIONES');
  });

  it('re-runs an actor that was in flight when the process died', async () => {
    // The process dies while issuing: the stored snapshot is the busy state.
    const stuck = fakeMachine().provide({
      actors: {
        issueInvoice: fromPromise<IssueInvoiceOutput, IssueInvoiceInput>(() => new Promise(() => {})),
      },
    });
    const dying = createActor(stuck, { input: { channel: 'web', chatId: 'w1' } });
    dying.start();
    for (const event of [
      msg(CODES.main),
      msg('hoy'),
      msg('1234.50'),
      msg(RFCS.known),
      tap('known:use'),
      tap('confirm'),
    ]) {
      dying.send(event);
      await waitFor(dying, (s) => s.hasTag('awaiting') || s.value === 'issuing');
    }
    expect(dying.getSnapshot().hasTag('busy')).toBe(true);
    const stored = JSON.parse(JSON.stringify(dying.getPersistedSnapshot()));
    dying.stop();

    const restarted = new Chat({ snapshot: stored });
    const replies: Reply[] = [];
    restarted.actor.on('reply', ({ reply }) => replies.push(reply));
    await waitFor(restarted.actor, (s) => s.hasTag('awaiting'));
    expect(restarted.state).toBe('done');
    expect(restarted.calls.issueInvoice).toHaveLength(1);
    expect(restarted.calls.issueInvoice[0]?.receptor.rfc).toBe(RFCS.known);
    expect(replies.flatMap((r) => r.files ?? [])).toHaveLength(2);
  });
});
