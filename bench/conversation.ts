/**
 * Conversation load: N simulated chats at once, each running the whole invoicing conversation
 * (code → date → total → RFC → name → CP → régimen → uso → e-mail "omitir" → confirm) through the
 * real runtime, the real database (DATABASE_URL, else embedded PGlite) and the sandbox PAC, built
 * with `wireServices` exactly as the server builds it (pg-boss is not started: no job is needed when
 * no e-mail is asked for).
 *
 * Then memory per idle conversation: many chats send a first message and are left waiting; the JS
 * heap after a forced GC is compared before and after. The runtime keeps no live actors between
 * messages (the snapshot lives in the database), so it should stay flat.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findCompanyByRfc } from '../src/companies/companies.ts';
import { loadConfig } from '../src/config.ts';
import type { AppContext } from '../src/context.ts';
import type { Reply } from '../src/conversation/types.ts';
import { createDemo, DEMO_RFC } from '../src/demo.ts';
import { createLogger } from '../src/log.ts';
import { rfcCheckDigit } from '../src/sat/rfc.ts';
import { SecretBox } from '../src/secrets.ts';
import { createTicket } from '../src/tickets/service.ts';
import { computeTicketTotal } from '../src/tickets/totals.ts';
import { type Services, wireServices } from '../src/wiring.ts';
import { createTestDatabase, type TestDatabase } from '../test/helpers/db.ts';
import { sampleItems } from './invoicing.ts';
import {
  cpuMs,
  fmtBytes,
  fmtMs,
  fmtNum,
  heading,
  MemorySampler,
  type Summary,
  settledHeapUsed,
  summarize,
  table,
} from './stats.ts';

const PUBLIC_URL = 'http://localhost:3000';
/** Chat starts are spread over this many milliseconds. */
const STAGGER_MS = 250;

export interface ConversationBenchOptions {
  quick: boolean;
  log: (text: string) => void;
  /** Concurrent chats in the load phase (default 50; 20 with --quick). */
  chats?: number;
  /** Idle conversations for the memory check (default 2,000; 500 with --quick). */
  idle?: number;
}

interface ChatTicket {
  code: string;
  /** DD/MM/YYYY as a customer types it. */
  date: string;
  total: string;
}

interface Turn {
  label: string;
  message(last: Reply[]): { text: string } | { choice: string };
}

interface ChatResult {
  latencies: Array<{ label: string; ms: number }>;
  invoiced: boolean;
  error?: string;
}

/** Runs the conversation benchmark, prints its tables and returns the figures for BENCH_JSON. */
export async function benchConversation(options: ConversationBenchOptions): Promise<Record<string, unknown>> {
  const { log, quick } = options;
  const chats = options.chats ?? (quick ? 20 : 50);
  const idle = options.idle ?? (quick ? 500 : 2000);
  const database = process.env.DATABASE_URL
    ? 'server (DATABASE_URL, fresh schema)'
    : 'embedded PGlite (in memory, one connection)';
  log(heading('Conversation load: real runtime, real database, sandbox PAC'));
  log(`database: ${database}`);

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'autofactura-bench-'));
  let db: TestDatabase | undefined;
  let services: Services | undefined;
  try {
    db = await createTestDatabase();
    const ctx: AppContext = {
      config: loadConfig({ PUBLIC_URL, LOG_LEVEL: 'silent', DATA_DIR: dataDir }),
      db,
      sql: db.sql,
      log: createLogger({ level: 'silent', pretty: false }),
      secrets: new SecretBox(randomBytes(32)),
    };
    services = await wireServices(ctx);
    const tickets = await createTickets(ctx, chats);

    const load = await loadPhase(services, tickets, db.embedded ? 'embedded' : 'server', log);
    const [stored] =
      await db.sql`select count(*)::int as n from invoices where status = 'vigente' and uuid is not null`;
    log(`invoices stamped in the database: ${stored?.n ?? 0} of ${chats}`);

    const memory = idle > 0 ? await idlePhase(services, db, idle, log) : null;
    return { database, chats, ...load, invoicesInDatabase: Number(stored?.n ?? 0), idle: memory };
  } finally {
    await services?.runtime.close();
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The demo company (SAT's test CSD) and one fresh 3-line mixed-tax ticket per chat. */
async function createTickets(ctx: AppContext, count: number): Promise<ChatTicket[]> {
  await createDemo(ctx);
  const company = await findCompanyByRfc(ctx.sql, DEMO_RFC);
  if (!company) throw new Error('createDemo did not create the demo company');
  const soldAt = new Date(Date.now() - 2 * 60 * 60 * 1000);
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: company.timeZone })
    .format(soldAt)
    .split('-');
  const lines = sampleItems(3);
  const items = lines.map((item) => ({
    description: item.description,
    quantity: item.quantity,
    unit_price: item.unitPrice,
    product_key: item.productKey,
    unit_key: item.unitKey,
    tax: item.tax,
    ieps_rate: item.iepsRate,
    discount: item.discount,
  }));
  const total = computeTicketTotal(lines, true);
  const tickets: ChatTicket[] = [];
  for (let i = 0; i < count; i++) {
    const result = await createTicket(
      ctx.sql,
      company,
      {
        external_id: `BENCH-${i}`,
        sold_at: soldAt.toISOString(),
        payment_form: '01',
        prices_include_tax: true,
        items,
        total,
      },
      PUBLIC_URL,
    );
    if (result.kind !== 'created') throw new Error(`createTicket: ${JSON.stringify(result)}`);
    tickets.push({ code: result.ticket.code, date: `${day}/${month}/${year}`, total: result.ticket.total });
  }
  return tickets;
}

/** A persona física RFC that is valid (check digit included) and different for every chat. */
function rfcFor(index: number): string {
  const birth = new Date(Date.UTC(1956, 0, 1) + index * 86_400_000);
  const yymmdd = birth.toISOString().slice(2, 10).replace(/-/g, '');
  const head = `GODE${yymmdd}GR`;
  return head + rfcCheckDigit(head);
}

/** The full conversation; choices are picked from the previous answer, as a person would tap them. */
function script(ticket: ChatTicket, index: number): Turn[] {
  return [
    { label: 'code', message: () => ({ text: ticket.code }) },
    { label: 'date', message: () => ({ text: ticket.date }) },
    { label: 'total', message: () => ({ text: ticket.total }) },
    { label: 'rfc', message: () => ({ text: rfcFor(index) }) },
    { label: 'nombre', message: () => ({ text: 'MARÍA LÓPEZ PÉREZ' }) },
    { label: 'cp', message: () => ({ text: '06600' }) },
    { label: 'regimen', message: (last) => ({ choice: pick(last, 'regimen:612', 'regimen:') }) },
    { label: 'uso', message: (last) => ({ choice: pick(last, 'uso:G03', 'uso:') }) },
    { label: 'email', message: () => ({ text: 'omitir' }) },
    { label: 'confirm', message: (last) => ({ choice: pick(last, 'confirm', 'confirm') }) },
  ];
}

/** The preferred choice id of the last answer, else the first starting with `prefix`; throws when absent. */
function pick(replies: Reply[], preferred: string, prefix: string): string {
  const choices = replies.at(-1)?.choices ?? [];
  const found = choices.find((c) => c.id === preferred) ?? choices.find((c) => c.id.startsWith(prefix));
  if (!found) throw new Error(`expected a "${prefix}" choice, the bot said: ${excerpt(replies)}`);
  return found.id;
}

function excerpt(replies: Reply[]): string {
  return JSON.stringify(replies.map((r) => r.text.slice(0, 160)));
}

async function runChat(
  services: Services,
  ticket: ChatTicket,
  index: number,
  delayMs: number,
): Promise<ChatResult> {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  const chatId = `bench-${index}`;
  const latencies: ChatResult['latencies'] = [];
  let last: Reply[] = [];
  try {
    for (const turn of script(ticket, index)) {
      const message = turn.message(last);
      const t0 = performance.now();
      last = await services.runtime.handle({ channel: 'web', chatId, ...message, receivedAt: new Date() });
      latencies.push({ label: turn.label, ms: performance.now() - t0 });
    }
    const invoiced = last.some((r) =>
      r.files?.some((f) => f.mime === 'application/pdf' && f.bytes.length > 0),
    );
    return invoiced
      ? { latencies, invoiced }
      : { latencies, invoiced, error: `no PDF at the end: ${excerpt(last)}` };
  } catch (err) {
    return { latencies, invoiced: false, error: err instanceof Error ? err.message : String(err) };
  }
}

async function loadPhase(
  services: Services,
  tickets: ChatTicket[],
  database: 'embedded' | 'server',
  log: (text: string) => void,
) {
  const sampler = new MemorySampler().start();
  const started = performance.now();
  const cpuStarted = cpuMs();
  // Closed loop, no think time: each chat sends its next message as soon as it has the answer.
  // Starts are spread over a quarter second so the chats do not move in lockstep.
  const results = await Promise.all(
    tickets.map((ticket, i) => runChat(services, ticket, i, (i * STAGGER_MS) / tickets.length)),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = (cpuMs() - cpuStarted) / 1000;
  const { peakRss, peakHeapUsed } = sampler.stop();

  const all = results.flatMap((r) => r.latencies);
  const turns = all.length;
  const invoices = results.filter((r) => r.invoiced).length;
  const failures = results.filter((r) => r.error);
  const allTurns = summarize(all.map((l) => l.ms));
  const confirm = summarize(all.filter((l) => l.label === 'confirm').map((l) => l.ms));
  const others = summarize(all.filter((l) => l.label !== 'confirm').map((l) => l.ms));
  const row = (name: string, s: Summary) => [
    name,
    String(s.count),
    fmtMs(s.p50),
    fmtMs(s.p95),
    fmtMs(s.p99),
    fmtMs(s.max),
  ];

  log(
    `${tickets.length} chats at once, ${turns} turns in ${seconds.toFixed(1)} s: ` +
      `${fmtNum(turns / seconds)} turns/s, ${fmtNum(invoices / seconds)} invoices/s, ` +
      `${invoices}/${tickets.length} chats invoiced, peak RSS ${fmtBytes(peakRss)}`,
  );
  log(
    `this process used ${cpuSeconds.toFixed(1)} CPU-s (${fmtMs((cpuSeconds * 1000) / turns)} per turn` +
      `${database === 'embedded' ? ', the embedded database included' : ', the database server not included'}); ` +
      'closed loop without think time: latency is mostly queueing behind the other chats',
  );
  log(
    table(
      ['turn latency', 'turns', 'p50', 'p95', 'p99', 'max'],
      [
        row('all turns', allTurns),
        row('  questions (no invoice)', others),
        row('  confirm (issue: seal, stamp, PDF)', confirm),
      ],
    ),
  );
  for (const failure of failures.slice(0, 5)) log(`  chat failed: ${failure.error}`);
  if (failures.length > 5) log(`  ... and ${failures.length - 5} more failed chats`);
  return {
    seconds,
    turns,
    turnsPerSecond: turns / seconds,
    invoices,
    invoicesPerSecond: invoices / seconds,
    processCpuSeconds: cpuSeconds,
    processCpuMsPerTurn: (cpuSeconds * 1000) / turns,
    failedChats: failures.length,
    firstFailure: failures[0]?.error ?? null,
    latencyMs: { all: allTurns, questions: others, confirm },
    peakRssBytes: peakRss,
    peakHeapUsedBytes: peakHeapUsed,
  };
}

/** Starts `count` conversations with one message each, `concurrency` at a time, and leaves them waiting. */
async function startIdle(services: Services, from: number, count: number, concurrency = 50): Promise<void> {
  for (let start = from; start < from + count; start += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, from + count - start) }, (_, k) => start + k);
    await Promise.all(
      batch.map(async (n) => {
        const replies = await services.runtime.handle({
          channel: 'web',
          chatId: `idle-${n}`,
          text: 'hola, quiero facturar',
          receivedAt: new Date(),
        });
        if (replies.length === 0) throw new Error(`idle chat ${n} got no answer`);
      }),
    );
  }
}

async function idlePhase(services: Services, db: TestDatabase, idle: number, log: (text: string) => void) {
  const warmup = Math.min(300, Math.ceil(idle / 5));
  await startIdle(services, 0, warmup);
  const before = await settledHeapUsed();
  if (!before.gc) log('(could not force a GC: heap figures include garbage)');
  const half = Math.floor(idle / 2);
  const started = performance.now();
  await startIdle(services, warmup, half);
  const middle = await settledHeapUsed();
  await startIdle(services, warmup + half, idle - half);
  const seconds = (performance.now() - started) / 1000;
  const after = await settledHeapUsed();
  const [rows] = await db.sql`select count(*)::int as n from conversations where chat_id like 'idle-%'`;

  const perChat = (a: number, b: number, n: number) => (n > 0 ? (b - a) / n : 0);
  const figures = {
    conversations: idle,
    warmup,
    storedConversations: Number(rows?.n ?? 0),
    firstMessagesPerSecond: idle / seconds,
    gcForced: before.gc,
    heapUsedBytes: { before: before.heapUsed, middle: middle.heapUsed, after: after.heapUsed },
    heapBytesPerIdleConversation: perChat(before.heapUsed, after.heapUsed, idle),
    heapBytesPerIdleMarginal: perChat(middle.heapUsed, after.heapUsed, idle - half),
    externalBytesPerIdleConversation: perChat(before.external, after.external, idle),
    rssBytesPerIdleConversation: perChat(before.rss, after.rss, idle),
  };
  const line = (name: string, a: number, b: number, c: number) => [
    name,
    fmtBytes(a),
    fmtBytes(b),
    fmtBytes(c),
    fmtBytes(perChat(a, c, idle)),
    fmtBytes(perChat(b, c, idle - half)),
  ];
  log(
    `\nidle conversations: ${idle} chats sent one message each and were left waiting (after ${warmup} warm-up chats)`,
  );
  log(
    table(
      ['after a forced GC', 'before', `+${half}`, `+${idle}`, 'per chat', `per chat, last ${idle - half}`],
      [
        line('JS heap used', before.heapUsed, middle.heapUsed, after.heapUsed),
        line('external (incl. embedded DB)', before.external, middle.external, after.external),
        line('RSS', before.rss, middle.rss, after.rss),
      ],
    ),
  );
  log(
    `conversations stored in the database: ${figures.storedConversations}; ${fmtNum(figures.firstMessagesPerSecond)} first messages/s.\n` +
      'The runtime keeps no actor between messages; the heap growth left is V8 bookkeeping (JIT code, weak lists)\n' +
      'that levels off, so the last column is the marginal cost of one more idle conversation.' +
      (db.embedded
        ? '\nWith PGlite the database lives in this process: external/RSS grow with its stored rows.'
        : ''),
  );
  return figures;
}
