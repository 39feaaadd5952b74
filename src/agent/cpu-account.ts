// What the workload agent costs: the CPU time its process used and the
// operations it sent, kept in <client>.cpu.json beside its history. A drill
// under load must show that the agents were not what limited it, so the
// report puts the agents' CPU per operation beside the figures. Written every
// few seconds and at each pause, replaced whole (write, then rename), so a
// killed agent leaves its last account; a restarted one adds its own
// incarnation after those of earlier ones.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AgentCpuFile } from '../core/agent-cpu.js';
import { nowMs } from './history-writer.js';

export class CpuAccount {
  private readonly earlier: AgentCpuFile['incarnations'];
  private readonly startedAt = nowMs();

  constructor(
    private readonly file: string,
    private readonly client: string,
    private readonly incarnation: string,
  ) {
    this.earlier = readEarlier(file, client);
  }

  /** Records the process's CPU time so far and the operations it has sent. */
  write(ops: number): void {
    const cpu = process.cpuUsage();
    const own = { incarnation: this.incarnation, startedAt: this.startedAt, at: nowMs(), ops, cpuMs: (cpu.user + cpu.system) / 1000 };
    const content: AgentCpuFile = { client: this.client, incarnations: [...this.earlier, own] };
    writeFileSync(`${this.file}.tmp`, JSON.stringify(content) + '\n');
    renameSync(`${this.file}.tmp`, this.file);
  }
}

/** An earlier incarnation's account, when there is one (damage is ignored: this is a measure of cost, not of correctness). */
function readEarlier(file: string, client: string): AgentCpuFile['incarnations'] {
  if (!existsSync(file)) return [];
  try {
    const old = JSON.parse(readFileSync(file, 'utf8')) as AgentCpuFile;
    return old.client === client && Array.isArray(old.incarnations) ? old.incarnations : [];
  } catch {
    return [];
  }
}
