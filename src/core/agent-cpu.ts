// The workload agents' cost, summed from the accounts each keeps beside its
// history (see agent/cpu-account.ts): operations sent and CPU time used, per
// agent over all its incarnations, and per operation. An agent that uses a
// large share of a core per operation would be measuring itself, not the
// datastore: the report shows the figure so that a reader can tell.

/** <client>.cpu.json as an agent writes it. */
export interface AgentCpuFile {
  client: string;
  incarnations: { incarnation: string; startedAt: number; at: number; ops: number; cpuMs: number }[];
}

export interface AgentCpu {
  client: string;
  /** Operations sent (writes and reads), over every incarnation. */
  ops: number;
  /** CPU time of the agent's process (user and system), ms. */
  cpuMs: number;
  /** Time the agent ran for, ms, over every incarnation (to its last account). */
  runMs: number;
}

export interface AgentCpuSummary {
  agents: AgentCpu[];
  ops: number;
  cpuMs: number;
  /** CPU per operation over all agents, µs; null when none sent any. */
  cpuPerOpUs: number | null;
  /** The agent that used the most CPU per second of its run: its share of one core. */
  busiest: { client: string; coreShare: number } | null;
}

/** Each agent's account summed over its incarnations; files that are not accounts are skipped. */
export function summarizeAgentCpu(files: readonly unknown[]): AgentCpuSummary {
  const agents: AgentCpu[] = [];
  for (const f of files) {
    if (!isAccount(f)) continue;
    const sum = (pick: (i: AgentCpuFile['incarnations'][number]) => number): number => f.incarnations.reduce((n, i) => n + pick(i), 0);
    agents.push({ client: f.client, ops: sum((i) => i.ops), cpuMs: sum((i) => i.cpuMs), runMs: sum((i) => Math.max(0, i.at - i.startedAt)) });
  }
  agents.sort((a, b) => (a.client < b.client ? -1 : a.client > b.client ? 1 : 0));
  const ops = agents.reduce((n, a) => n + a.ops, 0);
  const cpuMs = agents.reduce((n, a) => n + a.cpuMs, 0);
  let busiest: AgentCpuSummary['busiest'] = null;
  for (const a of agents) {
    if (a.runMs <= 0) continue;
    const coreShare = a.cpuMs / a.runMs;
    if (busiest === null || coreShare > busiest.coreShare) busiest = { client: a.client, coreShare };
  }
  return { agents, ops, cpuMs, cpuPerOpUs: ops > 0 ? (cpuMs * 1000) / ops : null, busiest };
}

function isAccount(v: unknown): v is AgentCpuFile {
  const f = v as Partial<AgentCpuFile> | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.client === 'string' &&
    Array.isArray(f.incarnations) &&
    f.incarnations.every((i) => [i?.startedAt, i?.at, i?.ops, i?.cpuMs].every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0))
  );
}
