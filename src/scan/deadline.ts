/**
 * A photo's time budget: one absolute deadline checked between steps, and a promise race for the
 * steps that cannot check it themselves (an OCR pass).
 */

export class TimeoutError extends Error {
  constructor() {
    super('scan time budget exhausted');
    this.name = 'TimeoutError';
  }
}

export class Deadline {
  private readonly at: number;

  constructor(budgetMs: number) {
    this.at = Date.now() + budgetMs;
  }

  get remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  get expired(): boolean {
    return Date.now() >= this.at;
  }

  /** Throws TimeoutError once the budget is spent; call between steps. */
  check(): void {
    if (this.expired) throw new TimeoutError();
  }

  /**
   * Settles with `work`, or rejects with TimeoutError when the budget runs out first; `onTimeout`
   * runs then, to stop the work (e.g. terminate the OCR worker that is still busy).
   */
  race<T>(work: Promise<T>, onTimeout?: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        onTimeout?.();
        reject(new TimeoutError());
      }, this.remainingMs);
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
