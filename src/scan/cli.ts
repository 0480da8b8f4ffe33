/**
 * `autofactura scan IMAGE [--fast] [--timeout MS]`: reads a ticket photo and prints one JSON line,
 * `{"code":…,"date":…,"total":…,"via":"qr|ocr|none"}` (or `{"error":…,"message":…}` when the photo is
 * refused). Exit code: 0 code found, 1 not found (or no time / too busy), 2 bad input.
 */
import { readFile } from 'node:fs/promises';
import { TicketScanner } from './scanner.ts';
import { isRefused } from './types.ts';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Longer than the chat's budget: nobody else is waiting, and the OCR worker starts cold. */
const CLI_BUDGET_MS = 30_000;

const USAGE = `usage: scan IMAGE [--fast] [--timeout MS]
  Reads the ticket code (QR first, OCR fallback), date and total from a photo and prints JSON.
  --fast        when the QR gives the code, skip reading the date and total (no OCR)
  --timeout MS  time budget for the photo (default 30000: a one-off run also starts the OCR engine)
exit: 0 code found, 1 not found, 2 bad input`;

interface Parsed {
  image: string;
  fast: boolean;
  timeoutMs: number | undefined;
}

function parse(args: string[]): Parsed | string {
  let image: string | undefined;
  let fast = false;
  let timeoutMs: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--fast') fast = true;
    else if (arg === '--timeout') {
      timeoutMs = Number(args[++i]);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
        return '--timeout expects a positive number of milliseconds';
    } else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else if (image === undefined) image = arg;
    else return 'only one IMAGE at a time';
  }
  return image === undefined ? 'missing IMAGE' : { image, fast, timeoutMs };
}

/** Runs the command; returns the process exit code. */
export async function scanCommand(args: string[], io: CliIo = consoleIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const parsed = parse(args);
  if (typeof parsed === 'string') {
    io.err(`scan: ${parsed}\n${USAGE}`);
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(parsed.image);
  } catch (error) {
    io.err(`scan: cannot read ${parsed.image}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    return 2;
  }
  const scanner = new TicketScanner();
  try {
    const timeBudgetMs = parsed.timeoutMs ?? CLI_BUDGET_MS;
    const result = await scanner.scan(bytes, { readFields: !parsed.fast, timeBudgetMs });
    if (isRefused(result)) {
      io.out(JSON.stringify({ error: result.error, message: result.message }));
      return result.error === 'timeout' || result.error === 'busy' ? 1 : 2;
    }
    io.out(JSON.stringify({ code: result.code, date: result.date, total: result.total, via: result.via }));
    return result.code ? 0 : 1;
  } finally {
    await scanner.close();
  }
}
