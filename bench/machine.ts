// The machine a benchmark ran on, for RESULTS.md: figures mean little
// without it, and this machine is shared, so how busy it was is said too.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
}

export function describeMachine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown CPU';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // No /proc (not Linux): os.cpus() named it.
  }
  return { cpu, cores: cpus().length, memoryGb: totalmem() / 2 ** 30, node: process.version };
}

export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGb.toFixed(1)} GB of memory, Node ${m.node}`;
}

/** The 1-minute load average: over the core count, other work competed for the CPU. */
export function loadLine(): string {
  return loadavg()[0]!.toFixed(2);
}
