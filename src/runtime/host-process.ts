// The one place hadrill runs host programs: argument arrays, never shell
// strings, with timeouts.
import { openSync } from 'node:fs';
import { spawn } from 'node:child_process';

export interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runProcess(file: string, args: string[], options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<ProcessResult> {
  // Loaded on first use: most commands never run a host program.
  const { execa } = await import('execa');
  const result = await execa(file, args, { reject: false, timeout: options.timeoutMs ?? 600_000, env: options.env, stdin: 'ignore' });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}

export async function commandExists(name: string): Promise<boolean> {
  const result = await runProcess('sh', ['-c', 'command -v "$1"', 'sh', name], { timeoutMs: 5000 });
  return result.exitCode === 0;
}

/** Starts a daemon that outlives hadrill (dockerd), its output appended to a log file. */
export function startDetached(file: string, args: string[], logFile: string): number | undefined {
  const log = openSync(logFile, 'a', 0o600);
  const child = spawn(file, args, { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  return child.pid;
}
