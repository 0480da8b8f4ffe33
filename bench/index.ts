/**
 * `npm run bench`: the speed figures of Autofactura (speed is measured here, never in tests).
 *
 *   npm run bench                          all sections (~5 minutes on a 2-core machine)
 *   npm run bench -- --quick               shorter runs, fewer chats
 *   npm run bench -- --only=invoicing      one section: invoicing | conversation | scan (comma list)
 *   npm run bench -- --chats=100 --idle=5000   conversation load size
 *
 * Prints a table per section and, last, one line `BENCH_JSON {...}` with every figure (the README's
 * numbers are copied from it). A section that fails is reported and the others still run; the exit
 * code is then 1.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fmtMs, heading, roundDeep, table } from './stats.ts';

const SECTIONS = ['invoicing', 'conversation', 'scan'] as const;
type Section = (typeof SECTIONS)[number];

interface Args {
  quick: boolean;
  only: Section[];
  chats: number | undefined;
  idle: number | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: [...SECTIONS], chats: undefined, idle: undefined };
  for (const arg of argv) {
    const [name, value] = arg.split('=', 2) as [string, string | undefined];
    if (name === '--quick') args.quick = true;
    else if (name === '--only' && value) {
      const wanted = value.split(',').map((s) => s.trim());
      const unknown = wanted.filter((s) => !(SECTIONS as readonly string[]).includes(s));
      if (unknown.length)
        throw new Error(`--only: unknown section ${unknown.join(', ')} (use ${SECTIONS.join('|')})`);
      args.only = wanted as Section[];
    } else if ((name === '--chats' || name === '--idle') && value && /^[0-9]+$/.test(value)) {
      args[name === '--chats' ? 'chats' : 'idle'] = Number(value);
    } else {
      throw new Error(
        `unknown argument ${arg}\nusage: npm run bench -- [--quick] [--only=${SECTIONS.join('|')}] [--chats=N] [--idle=N]`,
      );
    }
  }
  return args;
}

type ScanModule = { benchScan?: (options?: Record<string, unknown>) => Promise<Record<string, unknown>> };
/** bench/scan.ts's own option names (ScanBenchOptions) for a shorter run; unknown names are ignored. */
const QUICK_SCAN = { largeRuns: 3, qrPerCondition: 2, ocrPerCondition: 1 };

async function runScan(quick: boolean, log: (text: string) => void): Promise<Record<string, unknown>> {
  log(heading('Scan: ticket photo -> code (bench/scan.ts)'));
  const file = new URL('./scan.ts', import.meta.url);
  const mod = existsSync(file) ? ((await import(file.href)) as ScanModule) : {};
  if (typeof mod.benchScan !== 'function') {
    log('scan bench not available');
    return { available: false };
  }
  const figures = await mod.benchScan(quick ? QUICK_SCAN : {});
  const timings = Object.entries(figures).filter(
    (entry): entry is [string, Record<string, number>] =>
      typeof entry[1] === 'object' && entry[1] !== null && 'medianMs' in entry[1],
  );
  log(
    table(
      ['timing per photo', 'runs', 'median', 'p95', 'max'],
      timings.map(([name, t]) => [
        name,
        String(t.runs ?? '-'),
        fmtMs(t.medianMs!),
        fmtMs(t.p95Ms!),
        fmtMs(t.maxMs!),
      ]),
    ),
  );
  type Rate = { n: number; code: number; wrong: number; date?: number; total?: number };
  const qrRates = (figures.qrRates ?? {}) as Record<string, Rate>;
  const ocrRates = (figures.ocrRates ?? {}) as Record<string, Rate>;
  const pct = (v: number | undefined) => (v === undefined ? '-' : `${v} %`);
  log("\ndecode rate per photo condition (% of photos; wrong: a code that is not the ticket's)");
  log(
    table(
      ['condition', 'QR: code', 'n', 'OCR: code', 'date', 'total', 'wrong', 'n'],
      Object.keys(qrRates).map((name) => {
        const qr = qrRates[name]!;
        const ocr = ocrRates[name];
        return [
          name,
          pct(qr.code),
          String(qr.n),
          pct(ocr?.code),
          pct(ocr?.date),
          pct(ocr?.total),
          pct(ocr?.wrong),
          String(ocr?.n ?? 0),
        ];
      }),
    ),
  );
  return figures;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const log = (text: string) => process.stdout.write(`${text}\n`);
  const cpus = os.cpus();
  const machine = {
    node: process.version,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryBytes: os.totalmem(),
    platform: `${process.platform}-${process.arch}`,
  };
  log(`Autofactura bench${args.quick ? ' (quick)' : ''}: ${args.only.join(', ')}`);
  log(
    `node ${machine.node}, ${machine.cpus} x ${machine.cpuModel}, ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
  );
  const loadBefore = os.loadavg()[0]!;
  if (loadBefore > machine.cpus) {
    log(
      `note: load average ${loadBefore.toFixed(1)} on ${machine.cpus} CPUs: other work competes, absolute figures are noisy`,
    );
  }

  const figures: Record<string, unknown> = { machine, quick: args.quick, loadAverageBefore: loadBefore };
  let failed = false;
  const started = performance.now();
  for (const section of args.only) {
    try {
      // Each section is imported when it runs, so a module that does not load yet fails only its section.
      if (section === 'invoicing') {
        const { benchInvoicing } = await import('./invoicing.ts');
        figures.invoicing = await benchInvoicing({ quick: args.quick, log });
      }
      if (section === 'conversation') {
        const { benchConversation } = await import('./conversation.ts');
        figures.conversation = await benchConversation({
          quick: args.quick,
          log,
          ...(args.chats !== undefined ? { chats: args.chats } : {}),
          ...(args.idle !== undefined ? { idle: args.idle } : {}),
        });
      }
      if (section === 'scan') figures.scan = await runScan(args.quick, log);
    } catch (err) {
      failed = true;
      figures[section] = { error: err instanceof Error ? err.message : String(err) };
      log(`\n!! ${section} bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  figures.totalSeconds = (performance.now() - started) / 1000;
  figures.loadAverageAfter = os.loadavg()[0];
  log(`\nbench finished in ${(figures.totalSeconds as number).toFixed(0)} s`);
  log(`BENCH_JSON ${JSON.stringify(roundDeep(figures))}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
