// The resources a container hadrill creates may take. A forgotten run, a
// runaway agent or a fork loop in a node stops at its own ceiling instead of
// taking the machine: memory (with no swap beyond it) and process count.
// CPU is not capped: a cap throttles the failover machinery on a small
// machine and so changes the RTO a drill measures; a CPU-hungry container
// shares the machine, it does not exhaust it.
import type { NodeKind } from './topology-plan.js';

export interface ContainerLimits {
  memoryBytes: number;
  /** Processes and threads together (the kernel counts each thread). */
  pids: number;
}

const MIB = 1024 * 1024;

/** Datastore nodes: a buffer pool, a connection thread per client, Galera's certification. */
const NODE: ContainerLimits = { memoryBytes: 1024 * MIB, pids: 2048 };
/** Machinery, agents and the router: one program each, a few hundred MiB at the most measured load. */
const MACHINERY: ContainerLimits = { memoryBytes: 512 * MIB, pids: 512 };
/** A helper that runs one command (routes, a clock reading, a fault in an attached container) and exits. */
export const HELPER_LIMITS: ContainerLimits = { memoryBytes: 128 * MIB, pids: 64 };

const MACHINERY_KINDS: ReadonlySet<string> = new Set(['sentinel', 'manager', 'mha', 'restore', 'storage', 'dal', 'dal-controller', 'proxy', 'agent', 'router']);

export function limitsFor(kind: NodeKind): ContainerLimits {
  return MACHINERY_KINDS.has(kind) ? MACHINERY : NODE;
}
