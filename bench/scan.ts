/**
 * Scanner benchmark: time per photo on the QR path (12-megapixel phone JPEG, and a 1200×1600 chat
 * photo) and on the OCR path, and the decode rate per photo condition on generated tickets.
 * `npx tsx bench/scan.ts` prints a table; `benchScan()` returns the figures for bench/index.ts.
 */
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { TicketScanner } from '../src/scan/scanner.ts';
import {
  type Condition,
  type ConditionTally,
  HARD_CONDITIONS,
  MILD_CONDITIONS,
  makeCorpus,
  makeLargePhoto,
  makeSample,
  type Sample,
  tally,
} from '../test/scan/corpus.ts';

export interface ScanBenchOptions {
  /** Timed scans of 12 MP photos. */
  largeRuns?: number;
  /** QR photos per condition for the decode rates. */
  qrPerCondition?: number;
  /** Photos without QR per condition for the OCR decode rates (OCR takes seconds each). */
  ocrPerCondition?: number;
}

interface Timing {
  runs: number;
  /** Wall clock. */
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** CPU time of the whole process (all threads) per photo: roughly its wall time on an idle machine. */
  cpuMedianMs: number;
  cpuP95Ms: number;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0);
}

function timing(ms: number[], cpuMs: number[]): Timing {
  return {
    runs: ms.length,
    medianMs: quantile(ms, 0.5),
    p95Ms: quantile(ms, 0.95),
    maxMs: quantile(ms, 1),
    cpuMedianMs: quantile(cpuMs, 0.5),
    cpuP95Ms: quantile(cpuMs, 0.95),
  };
}

/** Times `scan` on each photo in turn (wall clock and process CPU). */
async function timed(photos: Uint8Array[], scan: (bytes: Uint8Array) => Promise<unknown>): Promise<Timing> {
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (const bytes of photos) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    await scan(bytes);
    ms.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
  }
  return timing(ms, cpuMs);
}

function pct(n: number, of: number): number {
  return of === 0 ? 0 : Math.round((1000 * n) / of) / 10;
}

interface Rate {
  n: number;
  code: number;
  wrong: number;
  date?: number;
  total?: number;
  medianMs: number;
}

function rates(tallies: Map<Condition, ConditionTally>, withFields: boolean): Record<string, Rate> {
  const out: Record<string, Rate> = {};
  for (const [condition, t] of tallies) {
    out[condition] = {
      n: t.samples,
      code: pct(t.found, t.samples),
      wrong: t.wrong,
      ...(withFields ? { date: pct(t.dates, t.samples), total: pct(t.totals, t.samples) } : {}),
      medianMs: quantile(t.ms, 0.5),
    };
  }
  return out;
}

/** Runs the benchmark; takes a few minutes (most of it OCR). */
export async function benchScan(options: ScanBenchOptions = {}): Promise<Record<string, unknown>> {
  const { largeRuns = 9, qrPerCondition = 6, ocrPerCondition = 2 } = options;
  const conditions = [...MILD_CONDITIONS, ...HARD_CONDITIONS];

  // QR path, 12 MP: decode (shrink-on-load) + QR search; no OCR.
  const qrOnly = new TicketScanner({ ocrWorkers: 0, timeBudgetMs: 60_000 });
  const large = await Promise.all([1, 2, 3].map((seed) => makeLargePhoto(seed)));
  let largeFound = 0;
  const largePhotos = Array.from({ length: largeRuns }, (_, i) => large[i % large.length] as Sample);
  const qr12mp = await timed(
    largePhotos.map((s) => s.bytes),
    async (bytes) => {
      const result = await qrOnly.scan(bytes);
      if (!('error' in result) && largePhotos.some((s) => s.expected.code === result.code)) largeFound++;
    },
  );

  // QR path on chat-sized photos, and its decode rate per condition.
  const qrCorpus = await makeCorpus(conditions, qrPerCondition, true, 5000);
  const qrTallies = await tally((bytes) => qrOnly.scan(bytes), qrCorpus);
  const qrMild = [...qrTallies.values()].filter((t) =>
    (MILD_CONDITIONS as readonly string[]).includes(t.condition),
  );
  await qrOnly.close();

  // OCR path: one warm worker (its start-up is timed apart), photos without QR.
  const ocr = new TicketScanner({ ocrWorkers: 1, timeBudgetMs: 120_000 });
  const warmStart = performance.now();
  await ocr.warmUp();
  const workerStartMs = Math.round(performance.now() - warmStart);
  const ocrCorpus = await makeCorpus(conditions, ocrPerCondition, false, 7000);
  const ocrTallies = await tally((bytes) => ocr.scan(bytes), ocrCorpus);
  const ocrMild = [...ocrTallies.values()].filter((t) =>
    (MILD_CONDITIONS as readonly string[]).includes(t.condition),
  );
  const ocrMildMs = ocrMild.flatMap((t) => t.ms);

  // QR + date/total (readFields): the QR path plus one OCR pass.
  const withFields = await Promise.all([1, 2, 3, 4].map((seed) => makeSample(9000 + seed, 'clean', true)));
  const qrWithFields = await timed(
    withFields.map((s) => s.bytes),
    (bytes) => ocr.scan(bytes, { readFields: true }),
  );
  await ocr.close();

  const budget = 8000;
  return {
    machine: { cpus: cpus().length, loadavg1m: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
    qr12mp: { ...qr12mp, found: `${largeFound}/${largeRuns}` },
    qrChatPhoto: timing(
      qrMild.flatMap((t) => t.ms),
      qrMild.flatMap((t) => t.cpuMs),
    ),
    qrWithFields,
    ocr: {
      ...timing(
        ocrMildMs,
        ocrMild.flatMap((t) => t.cpuMs),
      ),
      overDefaultBudget: ocrMildMs.filter((ms) => ms > budget).length,
      workerStartMs,
    },
    qrRates: rates(qrTallies, false),
    ocrRates: rates(ocrTallies, true),
  };
}

function printTable(r: Record<string, unknown>): void {
  const t = (x: unknown): string => {
    const v = x as Timing;
    const n = (ms: number): string => String(ms).padStart(5);
    return `median ${n(v.medianMs)} ms  p95 ${n(v.p95Ms)} ms | CPU median ${n(v.cpuMedianMs)} ms  p95 ${n(v.cpuP95Ms)} ms  (${v.runs} photos)`;
  };
  const machine = r.machine as { cpus: number; loadavg1m: number };
  console.log(`scanner benchmark — ${machine.cpus} CPUs, load average ${machine.loadavg1m}`);
  console.log(`QR path, 12 MP JPEG      ${t(r.qr12mp)}  found ${(r.qr12mp as { found: string }).found}`);
  console.log(`QR path, 1200×1600 photo ${t(r.qrChatPhoto)}`);
  console.log(`QR + date/total (OCR)    ${t(r.qrWithFields)}`);
  const ocr = r.ocr as Timing & { overDefaultBudget: number; workerStartMs: number };
  console.log(
    `OCR path (warm worker)   ${t(ocr)}  >8 s: ${ocr.overDefaultBudget}; worker start ${ocr.workerStartMs} ms`,
  );
  console.log("\ndecode rate per condition (% of photos; wrong = codes that are not the ticket's)");
  console.log('condition     QR code   | OCR code  date  total wrong  median');
  const qr = r.qrRates as Record<string, Rate>;
  const oc = r.ocrRates as Record<string, Rate>;
  for (const name of Object.keys(qr)) {
    const a = qr[name] as Rate;
    const b = oc[name];
    const cell = (v: number | undefined): string => `${v ?? '-'}`.padStart(5);
    console.log(
      `${name.padEnd(12)} ${cell(a.code)} (n=${a.n}) | ${cell(b?.code)} ${cell(b?.date)} ${cell(b?.total)} ${cell(b?.wrong)} ${cell(b?.medianMs)} ms (n=${b?.n ?? 0})`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  printTable(await benchScan());
}
