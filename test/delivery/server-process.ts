/**
 * The real server as a child process for the crash test: `node node_modules/tsx/dist/cli.mjs
 * src/main.ts serve` in a process group of its own (tsx runs the server as its child, so a SIGKILL
 * must reach the whole group), its output appended to a log file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eventually } from './support.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The server exited before it answered /healthz. */
export class StartFailed extends Error {}

/** The server as a child process in its own process group (tsx runs the server as its child). */
export class ServerProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  starts = 0;
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly url: string,
    private readonly logFile: string,
  ) {}

  async start(): Promise<void> {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/main.ts', 'serve'], {
      cwd: REPO,
      env: this.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.starts++;
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let gone = false;
    void this.exited.then(() => {
      gone = true;
    });
    await eventually(
      'the server to answer /healthz',
      async () => {
        if (gone) throw new StartFailed(`the server exited while starting:\n${this.tail()}`);
        const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        return res.ok;
      },
      60_000,
    ).catch((err: unknown) => {
      if (err instanceof Error && err.message.includes('the server exited while starting'))
        throw new StartFailed(err.message);
      throw err;
    });
  }

  /** SIGKILL to the whole process group: tsx and the server in it. */
  async kill(): Promise<void> {
    if (!this.child?.pid) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {}
    await this.exited;
    this.child = null;
  }

  /** SIGTERM to tsx (which relays it once): a graceful stop, SIGKILL if it takes too long. */
  async stop(): Promise<void> {
    if (!this.child?.pid) return;
    this.child.kill('SIGTERM');
    const stopped = await Promise.race([this.exited.then(() => true), pause(20_000).then(() => false)]);
    if (!stopped) await this.kill();
    this.child = null;
  }

  tail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
