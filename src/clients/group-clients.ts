// What a datastore kind gives the workload agent for one group: a writer, a
// reader, and their start and stop. Each kind makes them in its inside/
// folder; the agent finds them by the group's kind or route.
import type { AgentGroupConfig } from '../core/plan/runtime-configs.js';
import type { OpFn } from './operation.js';

export interface GroupClients {
  write: OpFn;
  read: OpFn | null;
  /** Starts following announcements, and resolves once the first connections are up (or after a bound). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type GroupClientsFactory = (config: AgentGroupConfig, client: string, idc: string, opTimeoutMs: number) => GroupClients;

/** How long a client's start waits for its first connections before the agent writes anyway. */
export const READY_MS = 10_000;

/** Whether the client reads at all: a read route and a rate. */
export function readsOf(config: AgentGroupConfig): boolean {
  return config.readHost !== null && config.readsPerSecond > 0;
}
