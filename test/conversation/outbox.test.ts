/**
 * Replies are committed with the snapshot that produced them (the outbox) and delivered after the
 * commit: a channel that could not take them gets them from `redeliver()`, in order and once; the
 * web chat (no sink) collects what nobody asked for with `takePending`; a chat silent for 30 minutes
 * is closed by `expireIdle()` with a goodbye in the outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuing, timedOut } from '../../flows/copy.ts';
import { verifyXml } from '../../src/cli/cfdi-commands.ts';
import type { ConversationRuntime } from '../../src/conversation/runtime.ts';
import type { Reply } from '../../src/conversation/types.ts';
import { createSandboxPac, type PacDriver } from '../../src/invoicing/pac/index.ts';
import { DEFAULT_RECEPTOR, happyPath, startTestApp, type TestApp } from '../helpers/app.ts';
import { DB_MODE } from '../helpers/db.ts';
import { chat, newRuntime, outbox, stored, xmlIn } from './driver.ts';

describe(`the outbox through the runtime (${DB_MODE})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  }, 120_000);
  afterAll(() => app?.close());

  /** A runtime of its own (closed after the test), with a clock the test moves. */
  async function withRuntime(
    work: (rt: ConversationRuntime, clock: { now: Date }) => Promise<void>,
  ): Promise<void> {
    const clock = { now: new Date() };
    const rt = newRuntime(app, { now: () => clock.now });
    try {
      await work(rt, clock);
    } finally {
      await rt.close();
    }
  }

  it('delivers after a crash between the commit and the delivery: redeliver() sends what is left, in order', async () => {
    await withRuntime(async (rt) => {
      const ticket = await app.ticket();
      const received: Reply[] = [];
      let up = false;
      rt.registerSink('telegram', async (_, replies) => {
        if (!up) throw new Error('telegram is down');
        received.push(...replies);
      });
      const c = chat(rt, 'telegram', 'redeliver-1');
      const answered: Reply[] = [];
      for (const m of [...happyPath(ticket), { choice: 'confirm' }]) answered.push(...(await c.say(m)));

      const left = await outbox(app, 'telegram', 'redeliver-1');
      expect(left.map((r) => r.text)).toEqual(answered.map((r) => r.text));
      expect(left.every((r) => !r.delivered)).toBe(true);
      expect(received).toEqual([]);

      up = true;
      expect(await rt.redeliver()).toBe(left.length);
      expect(received.map((r) => r.text)).toEqual(left.map((r) => r.text));
      // The files were kept until delivered, byte for byte.
      expect(verifyXml(xmlIn(received)!)).toMatchObject({ ok: true });
      expect((await outbox(app, 'telegram', 'redeliver-1')).every((r) => r.delivered)).toBe(true);
      expect(await rt.redeliver()).toBe(0);
      expect(received).toHaveLength(left.length);
    });
  });

  it('says "Generando tu factura…" while the PAC is still working, then sends the invoice', async () => {
    const sandbox = createSandboxPac();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: PacDriver = {
      ...sandbox,
      stamp: async (xml, opts) => {
        await gate;
        return sandbox.stamp(xml, opts);
      },
    };
    const rt = newRuntime(app, { pac: slow });
    try {
      const ticket = await app.ticket();
      const received: Reply[][] = [];
      rt.registerSink('whatsapp', async (_, replies) => {
        received.push(replies);
      });
      const c = chat(rt, 'whatsapp', 'flush-1');
      for (const m of happyPath(ticket, { ...DEFAULT_RECEPTOR, rfc: 'JUFA7608212V6' })) await c.say(m);
      received.length = 0;
      const confirming = c.say({ choice: 'confirm' });
      while (received.length === 0) await new Promise((r) => setTimeout(r, 10));
      // Delivered and committed while the stamp is pending.
      expect(received).toHaveLength(1);
      expect(received[0]!.map((r) => r.text)).toEqual([issuing().text]);
      expect((await stored(app, 'whatsapp', 'flush-1'))?.value).toBe('issuing');
      release();
      const replies = await confirming;
      expect(received).toHaveLength(2);
      expect(replies[0]?.text).toBe(issuing().text);
      expect(verifyXml(xmlIn(received[1]!)!)).toMatchObject({ ok: true });
      expect((await outbox(app, 'whatsapp', 'flush-1')).every((r) => r.delivered)).toBe(true);
    } finally {
      await rt.close();
    }
  });

  it('a reply that fails again is not overtaken by the later ones of its chat', async () => {
    await withRuntime(async (rt) => {
      const ticket = await app.ticket();
      let up = false;
      let retried = false;
      let first = '';
      const received: string[] = [];
      const c = chat(rt, 'telegram', 'redeliver-order');
      rt.registerSink('telegram', async (_, replies) => {
        if (!up) throw new Error('telegram is down');
        for (const r of replies) {
          // The first pending reply cannot be sent on the first sweep (too large, say).
          if (r.text === first && received.length === 0 && !retried) {
            retried = true;
            throw new Error('rejected once');
          }
          received.push(r.text);
        }
      });
      await c.say(ticket.code);
      await c.say(ticket.date);
      const rows = await outbox(app, 'telegram', 'redeliver-order');
      first = rows[0]!.text;
      up = true;
      await rt.redeliver();
      expect(received).toEqual([]);
      await rt.redeliver();
      expect(received).toEqual(rows.map((r) => r.text));
    });
  });

  it('never sends a reply twice when the sweep runs while the turn is still delivering it', async () => {
    await withRuntime(async (rt) => {
      const ticket = await app.ticket();
      const received: string[] = [];
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let slow = true;
      rt.registerSink('whatsapp', async (_, replies) => {
        received.push(...replies.map((r) => r.text));
        if (slow) await gate;
      });
      const c = chat(rt, 'whatsapp', 'sweep-race');
      const turn = c.say(ticket.code);
      // Wait until the turn has committed its replies and is delivering them.
      while (received.length === 0) await new Promise((r) => setTimeout(r, 10));
      slow = false;
      const sweep = rt.redeliver();
      setTimeout(release, 200);
      await Promise.all([turn, sweep]);
      const rows = await outbox(app, 'whatsapp', 'sweep-race');
      expect(received).toEqual(rows.map((r) => r.text));
      expect(rows.every((r) => r.delivered)).toBe(true);
    });
  });

  it('a notification waits for the turn the chat is in, so it never lands in the middle of it', async () => {
    await withRuntime(async (rt) => {
      const ticket = await app.ticket();
      const received: string[] = [];
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started = false;
      rt.registerSink('telegram', async (_, replies) => {
        if (replies[0]?.text !== 'Tu factura ya quedó lista') {
          started = true;
          await gate;
        }
        received.push(...replies.map((r) => r.text));
      });
      const turn = chat(rt, 'telegram', 'notify-1').say(ticket.code);
      while (!started) await new Promise((r) => setTimeout(r, 10));
      const notice = rt.notify('telegram', 'notify-1', [{ text: 'Tu factura ya quedó lista' }]);
      setTimeout(release, 200);
      const [answered] = await Promise.all([turn, notice]);
      expect(received).toEqual([...answered.map((r) => r.text), 'Tu factura ya quedó lista']);
      expect((await outbox(app, 'telegram', 'notify-1')).every((r) => r.delivered)).toBe(true);
    });
  });

  it('expires a chat silent for 30 minutes, with the goodbye in the outbox, delivered to its channel', async () => {
    await withRuntime(async (rt, clock) => {
      const ticket = await app.ticket();
      const received: string[] = [];
      rt.registerSink('telegram', async (_, replies) => {
        received.push(...replies.map((r) => r.text));
      });
      const c = chat(rt, 'telegram', 'idle-1');
      await c.say(ticket.code);
      await c.say(ticket.date);
      const before = await stored(app, 'telegram', 'idle-1');
      expect(before?.value).toBe('askTotal');
      expect(before?.idleDeadline?.getTime()).toBe(clock.now.getTime() + 30 * 60_000);

      const start = clock.now.getTime();
      clock.now = new Date(start + 29 * 60_000);
      expect(await rt.expireIdle()).toBe(0);
      expect((await stored(app, 'telegram', 'idle-1'))?.value).toBe('askTotal');

      clock.now = new Date(start + 31 * 60_000);
      received.length = 0;
      expect(await rt.expireIdle()).toBeGreaterThanOrEqual(1);
      const after = await stored(app, 'telegram', 'idle-1');
      expect(after?.value).toBe('idle');
      expect(after?.idleDeadline).toBeNull();
      expect(after?.context.code).toBeNull();
      const last = (await outbox(app, 'telegram', 'idle-1')).at(-1);
      expect(last).toMatchObject({ text: timedOut().text, delivered: true });
      expect(received).toContain(timedOut().text);

      // Expired once: nothing more to do, and the next message starts afresh.
      clock.now = new Date(start + 120 * 60_000);
      await rt.expireIdle();
      expect(
        (await outbox(app, 'telegram', 'idle-1')).filter((r) => r.text === timedOut().text),
      ).toHaveLength(1);
      const again = await c.say(ticket.code);
      expect(again.at(-1)?.text).toMatch(/fecha de compra/u);
    });
  });

  it('a web chat (no sink) finds the goodbye when it polls', async () => {
    await withRuntime(async (rt, clock) => {
      const ticket = await app.ticket();
      const c = chat(rt, 'web', 'idle-web');
      await c.say(ticket.code);
      clock.now = new Date(clock.now.getTime() + 31 * 60_000);
      await rt.expireIdle();
      expect((await stored(app, 'web', 'idle-web'))?.value).toBe('idle');
      const pending = await rt.takePending('web', 'idle-web');
      expect(pending.map((r) => r.text)).toEqual([timedOut().text]);
      expect(await rt.takePending('web', 'idle-web')).toEqual([]);
    });
  });
});
