// Spawns the real CLI the way a user does, with no colour and its own
// HADRILL_HOME, and returns exit code and output.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = join(ROOT, 'bin', 'hadrill.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningHadrill {
  child: ChildProcess;
  done: Promise<CliResult>;
  /** Resolves once stderr matches (the phase lines a drill prints when it is not on a terminal); fails after `timeoutMs`. */
  until(pattern: RegExp, timeoutMs: number): Promise<void>;
}

export function startHadrill(args: string[], env: Record<string, string> = {}): RunningHadrill {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    // GITHUB_STEP_SUMMARY emptied: the suite run in a GitHub job must not fill that job's summary with its drills.
    env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  const until = async (pattern: RegExp, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void done.then(() => (exited = true));
    while (!pattern.test(stderr)) {
      if (exited || Date.now() > deadline) throw new Error(`hadrill ${args.join(' ')} never printed ${pattern}${exited ? ' before it exited' : ` within ${timeoutMs} ms`}; stderr:\n${stderr.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, done, until };
}

export function hadrill(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startHadrill(args, env).done;
}

/** Runs `work` over the items, `limit` at a time (CLI tests spawn many short commands). */
export async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}
