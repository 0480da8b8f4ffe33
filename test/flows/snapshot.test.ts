import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import type { IssueInvoiceInput, IssueInvoiceOutput } from '../../flows/actors.ts';
import { checkSnapshot } from '../../flows/snapshot.ts';
import { Chat, fakeMachine, NOW, reachSummary } from './harness.ts';

async function storedAtSummary(): Promise<Record<string, unknown>> {
  const chat = new Chat();
  await reachSummary(chat);
  return chat.persisted() as Record<string, unknown>;
}

describe('checkSnapshot', () => {
  it('accepts what the machine persists, and the chat continues from it', async () => {
    const stored = await storedAtSummary();
    expect(checkSnapshot(stored)).toBe(stored);
    const restored = new Chat({ snapshot: checkSnapshot(stored) });
    await restored.tap('confirm');
    expect(restored.state).toBe('done');
    expect(checkSnapshot(new Chat().persisted())).not.toBeNull();
  });

  it('accepts a busy snapshot with its in-flight actor', async () => {
    const stuck = fakeMachine().provide({
      actors: {
        issueInvoice: fromPromise<IssueInvoiceOutput, IssueInvoiceInput>(() => new Promise(() => {})),
      },
    });
    const chat = new Chat();
    await reachSummary(chat);
    const actor = createActor(stuck, {
      snapshot: chat.actor.getPersistedSnapshot(),
      input: { channel: 'web', chatId: 'x' },
    });
    actor.start();
    actor.send({ type: 'message', choice: 'confirm', now: NOW });
    const stored = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    actor.stop();
    expect(stored.value).toBe('issuing');
    expect(checkSnapshot(stored)).not.toBeNull();
    // Without its actor the busy state would wait forever: refused.
    expect(checkSnapshot({ ...stored, children: {} })).toBeNull();
    expect(checkSnapshot({ ...stored, children: { other: stored.children.issueInvoice } })).toBeNull();
  });

  it.each([
    ['null', () => null],
    ['a string', () => 'snapshot'],
    ['an empty object', () => ({})],
    ['an error snapshot', (s: Record<string, unknown>) => ({ ...s, status: 'error' })],
    ['an unknown state', (s: Record<string, unknown>) => ({ ...s, value: 'askShoeSize' })],
    ['the routing state', (s: Record<string, unknown>) => ({ ...s, value: 'checkReceptor' })],
    ['a nested state value', (s: Record<string, unknown>) => ({ ...s, value: { summary: 'x' } })],
    ['a missing context', (s: Record<string, unknown>) => ({ ...s, context: null })],
    [
      'an extra context key',
      (s: Record<string, unknown>) => ({ ...s, context: { ...(s.context as object), files: [] } }),
    ],
    [
      'a wrong type',
      (s: Record<string, unknown>) => ({ ...s, context: { ...(s.context as object), editing: 'yes' } }),
    ],
    [
      'an unknown step',
      (s: Record<string, unknown>) => ({ ...s, context: { ...(s.context as object), step: 'x' } }),
    ],
    [
      'a huge value',
      (s: Record<string, unknown>) => ({
        ...s,
        context: { ...(s.context as object), code: 'A'.repeat(10_000) },
      }),
    ],
    [
      'children in a waiting state',
      (s: Record<string, unknown>) => ({
        ...s,
        children: { x: { src: 'x', snapshot: { status: 'active', input: {} } } },
      }),
    ],
    ['history', (s: Record<string, unknown>) => ({ ...s, historyValue: { x: [] } })],
  ])('refuses %s', async (_name, mutate) => {
    expect(checkSnapshot(mutate(await storedAtSummary()))).toBeNull();
  });

  it('refuses a snapshot that restores but breaks on the next message', async () => {
    const stored = await storedAtSummary();
    const broken = { ...stored, context: { ...(stored.context as object), receptor: null } };
    expect(checkSnapshot(broken)).toBeNull();
    // What the check prevents: the restored actor ends in an error state.
    const actor = createActor(fakeMachine(), {
      snapshot: broken as never,
      input: { channel: 'web', chatId: 'x' },
    });
    actor.subscribe({ error: () => {} });
    actor.start();
    actor.send({ type: 'message', choice: 'confirm', now: NOW });
    expect(actor.getSnapshot().status).toBe('error');
  });
});
