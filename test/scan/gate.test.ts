import { describe, expect, it } from 'vitest';
import { Deadline, TimeoutError } from '../../src/scan/deadline.ts';
import { BusyError, Gate } from '../../src/scan/gate.ts';

function later(): { promise: Promise<void>; release: () => void } {
  let release = (): void => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

describe('Gate', () => {
  it('runs up to `concurrency` jobs, queues up to `depth`, refuses the rest at once', async () => {
    const gate = new Gate(1, 1);
    const first = later();
    const order: string[] = [];
    const a = gate.run(new Deadline(5000), async () => {
      order.push('a');
      await first.promise;
    });
    const b = gate.run(new Deadline(5000), async () => {
      order.push('b');
    });
    await expect(gate.run(new Deadline(5000), async () => 'c')).rejects.toBeInstanceOf(BusyError);
    expect(gate.load).toEqual({ running: 1, waiting: 1 });
    first.release();
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('lets a waiter go with TimeoutError when its deadline passes', async () => {
    const gate = new Gate(1, 4);
    const hold = later();
    const running = gate.run(new Deadline(5000), () => hold.promise);
    await expect(gate.run(new Deadline(20), async () => 'late')).rejects.toBeInstanceOf(TimeoutError);
    expect(gate.load.waiting).toBe(0);
    hold.release();
    await running;
  });

  it('frees the slot when a job fails', async () => {
    const gate = new Gate(1, 0);
    await expect(
      gate.run(new Deadline(1000), async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(gate.run(new Deadline(1000), async () => 'ok')).resolves.toBe('ok');
  });
});

describe('Deadline.race', () => {
  it('rejects with TimeoutError and calls the stop hook when the work overruns', async () => {
    let stopped = false;
    const never = new Promise<never>(() => {});
    await expect(
      new Deadline(10).race(never, () => {
        stopped = true;
      }),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(stopped).toBe(true);
  });

  it('passes the value through in time', async () => {
    await expect(new Deadline(1000).race(Promise.resolve(7))).resolves.toBe(7);
  });
});
