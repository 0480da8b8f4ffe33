/**
 * Measuring helpers for the benchmarks: percentiles, time-boxed loops, memory sampling, a forced
 * garbage collection, and the compact tables the bench prints. Nothing here knows the product.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The p-th percentile (0-100) of samples, nearest-rank on a sorted copy; NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The median: the middle sample, or the mean of the two middle ones; NaN when empty. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Count, mean and the usual percentiles of a list of samples (milliseconds, bytes...). */
export function summarize(samples: readonly number[]): Summary {
  const count = samples.length;
  const total = samples.reduce((acc, x) => acc + x, 0);
  return {
    count,
    mean: count ? total / count : Number.NaN,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: count ? Math.max(...samples) : Number.NaN,
  };
}

/**
 * Peak memory seen while it runs: sampled every `intervalMs` by a timer (catches async work) and
 * whenever `sample()` is called (catches synchronous loops, where timers cannot fire).
 */
export class MemorySampler {
  peakRss = 0;
  peakHeapUsed = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 20) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.peakRss) this.peakRss = m.rss;
    if (m.heapUsed > this.peakHeapUsed) this.peakHeapUsed = m.heapUsed;
  }

  stop(): { peakRss: number; peakHeapUsed: number } {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return { peakRss: this.peakRss, peakHeapUsed: this.peakHeapUsed };
  }
}

/** CPU time used by this process so far (user + system, all its threads), in milliseconds. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export interface RateResult {
  /** Completed operations. */
  ops: number;
  /** Wall-clock time and rate. */
  seconds: number;
  perSecond: number;
  /**
   * CPU time and rate: on a machine shared with other work this is the steadier figure, since
   * time the process spends waiting for a CPU is not counted.
   */
  cpuSeconds: number;
  perCpuSecond: number;
  /** Per-operation latency, milliseconds. */
  latencies: number[];
}

/**
 * Runs `op` back to back for about `seconds` (at least `minOps` times) after an untimed warm-up
 * (`warmup` runs and at least `warmupSeconds`, so the JIT has settled), and reports the rate.
 * `onEach` runs after every timed operation (keep it cheap), e.g. a memory sample.
 */
export async function measureRate(
  op: (i: number) => unknown,
  options: { seconds: number; warmup?: number; warmupSeconds?: number; minOps?: number; onEach?: () => void },
): Promise<RateResult> {
  let i = 0;
  const warmUntil = performance.now() + (options.warmupSeconds ?? 0) * 1000;
  for (let w = 0; w < (options.warmup ?? 3) || performance.now() < warmUntil; w++) await op(i++);
  const latencies: number[] = [];
  const minOps = options.minOps ?? 5;
  const start = performance.now();
  const cpuStart = cpuMs();
  const deadline = start + options.seconds * 1000;
  let now = start;
  while (now < deadline || latencies.length < minOps) {
    const t0 = now;
    const result = op(i++);
    if (result instanceof Promise) await result;
    now = performance.now();
    latencies.push(now - t0);
    options.onEach?.();
  }
  const seconds = (now - start) / 1000;
  const cpuSeconds = (cpuMs() - cpuStart) / 1000;
  const ops = latencies.length;
  return { ops, seconds, perSecond: ops / seconds, cpuSeconds, perCpuSecond: ops / cpuSeconds, latencies };
}

let gcFunction: (() => void) | null | undefined;

/** A full garbage collection, if V8 lets us expose `gc` at run time; returns false when it cannot. */
export function forceGc(): boolean {
  if (gcFunction === undefined) {
    const global = globalThis as { gc?: () => void };
    if (typeof global.gc === 'function') {
      gcFunction = global.gc;
    } else {
      try {
        setFlagsFromString('--expose-gc');
        gcFunction = runInNewContext('gc') as () => void;
      } catch {
        gcFunction = null;
      }
    }
  }
  if (!gcFunction) return false;
  // Twice: the first pass can leave objects that only the second collects (weak callbacks, finalizers).
  gcFunction();
  gcFunction();
  return true;
}

/** Heap used after a forced GC (settles pending work first), in bytes. */
export async function settledHeapUsed(): Promise<{
  heapUsed: number;
  external: number;
  rss: number;
  gc: boolean;
}> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const gc = forceGc();
  await new Promise((resolve) => setImmediate(resolve));
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, rss: m.rss, gc };
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** 1234.5 -> "1,234.5"; digits chosen by magnitude unless given. */
export function fmtNum(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return '-';
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export function fmtMs(value: number): string {
  return Number.isFinite(value) ? `${fmtNum(value, value >= 100 ? 0 : value >= 10 ? 1 : 2)} ms` : '-';
}

/** Bytes as MiB with one decimal, or as bytes when small; signed values keep their sign. */
export function fmtBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  const abs = Math.abs(bytes);
  if (abs >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

export function fmtPercent(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)} %` : '-';
}

/** A plain-text table: first column left-aligned, the rest right-aligned. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** A section title for the console output. */
export function heading(title: string): string {
  return `\n== ${title} ${'='.repeat(Math.max(3, 72 - title.length))}`;
}

/** Rounds every number in a JSON-able value to `digits` decimals (for the BENCH_JSON line). */
export function roundDeep(value: unknown, digits = 3): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? Number(value.toFixed(digits)) : null;
  if (Array.isArray(value)) return value.map((v) => roundDeep(v, digits));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v, digits)]));
  }
  return value;
}
