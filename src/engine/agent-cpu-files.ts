// Reads the CPU accounts the workload agents keep beside their histories.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeAgentCpu, type AgentCpuSummary } from '../core/agent-cpu.js';
import { historyDir } from './agents-control.js';

export function readAgentCpu(run: string): AgentCpuSummary {
  const dir = historyDir(run);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cpu.json')) : [];
  return summarizeAgentCpu(files.flatMap((f) => {
    try {
      return [JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown];
    } catch {
      // An account is a measure of cost: one cut short is left out, never fatal.
      return [];
    }
  }));
}
