/**
 * A bounded queue in front of a scarce resource (OCR workers, decode slots): at most `concurrency`
 * jobs run, at most `depth` wait; one more is refused at once with BusyError instead of piling up
 * behind a slow photo. A waiter whose deadline passes leaves the queue with TimeoutError.
 */
import { type Deadline, TimeoutError } from './deadline.ts';

export class BusyError extends Error {
  constructor() {
    super('scan queue full');
    this.name = 'BusyError';
  }
}

interface Waiter {
  start: () => void;
}

export class Gate {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly depth: number,
  ) {}

  /** Jobs running plus jobs waiting. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Runs `job` when a slot is free; rejects with BusyError (queue full) or TimeoutError (deadline). */
  async run<T>(deadline: Deadline, job: () => Promise<T>): Promise<T> {
    await this.enter(deadline);
    try {
      return await job();
    } finally {
      this.leave();
    }
  }

  private enter(deadline: Deadline): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.depth) return Promise.reject(new BusyError());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(timer);
          this.running++;
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new TimeoutError());
      }, deadline.remainingMs);
      this.waiting.push(waiter);
    });
  }

  private leave(): void {
    this.running--;
    this.waiting.shift()?.start();
  }
}
