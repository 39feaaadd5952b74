// Conflicts and register divergence over the shared keys. Every keyed write
// makes its id the key's value, so a key's final value names the write that
// set it last on the authoritative node. That write must not be older, in real
// time, than another acknowledged write to the key that survived: if it was
// acknowledged before the other was even sent, the other was applied and then
// silently overwritten by a stale value, which is what multi-active
// replication does when two IDCs write one key.
import type { NodeState, OpRecord } from '../history.js';

export interface ConflictInput {
  /** Every op of the service. */
  ops: readonly OpRecord[];
  /** 1 at the position in ops of each write present in the final state. */
  present: Uint8Array;
  /** The authoritative node's shared keys and their values; absent when the final read found none. */
  registers: Readonly<Record<string, string>> | undefined;
  /** The op whose id is each register's value, found by the caller during its own pass over ops. */
  winners: ReadonlyMap<string, OpRecord>;
}

/** The ids of the overwritten writes, in invoke order. */
export function findConflicts(input: ConflictInput): string[] {
  const { ops, present, registers, winners } = input;
  if (registers === undefined || winners.size === 0) return [];
  const overwritten: string[] = [];
  for (let i = 0; i < ops.length; i++) {
    const w = ops[i]!;
    if (w.key === undefined || w.outcome !== 'ok' || present[i] !== 1) continue;
    const winner = winners.get(w.key);
    if (winner === undefined || winner === w || winner.outcome !== 'ok' || winner.completeMs === null) continue;
    if (winner.idc !== w.idc && winner.completeMs < w.invokeMs) overwritten.push(w.id);
  }
  return overwritten;
}

/**
 * Which op set each register's final value, given the register values and the
 * ops present on the authoritative node. A key's winner is the write to that
 * key whose id is the key's value: looked up by key, since a damaged state can
 * hold one id under several keys, and only the key the write set makes it the
 * winner.
 */
export class RegisterWinners {
  private readonly registers: Readonly<Record<string, string>>;
  readonly winners = new Map<string, OpRecord>();
  readonly empty: boolean;

  constructor(registers: Readonly<Record<string, string>> | undefined) {
    this.registers = registers ?? {};
    this.empty = Object.keys(this.registers).length === 0;
  }

  /** Called for each keyed write. */
  note(op: OpRecord): void {
    if (op.key !== undefined && Object.hasOwn(this.registers, op.key) && this.registers[op.key] === op.id) this.winners.set(op.key, op);
  }
}

/** Shared keys whose value differs between the nodes in service, or that some of them lack. */
export function divergentRegisters(nodes: readonly NodeState[]): number {
  const withRegisters = nodes.filter((n) => n.registers !== undefined);
  if (withRegisters.length < 2) return 0;
  const keys = new Set<string>();
  for (const n of withRegisters) for (const k of Object.keys(n.registers!)) keys.add(k);
  let differ = 0;
  for (const k of keys) {
    const first = withRegisters[0]!.registers![k];
    if (withRegisters.some((n) => n.registers![k] !== first)) differ++;
  }
  return differ;
}

/** The writes overwritten by a stale value on any of the nodes, each once, in invoke order. */
export function conflictsOnNodes(ops: readonly OpRecord[], present: Uint8Array, nodes: readonly NodeState[], winners: readonly RegisterWinners[]): string[] {
  if (nodes.length === 1) return findConflicts({ ops, present, registers: nodes[0]!.registers, winners: winners[0]!.winners });
  const found = new Set<string>();
  nodes.forEach((n, k) => {
    for (const id of findConflicts({ ops, present, registers: n.registers, winners: winners[k]!.winners })) found.add(id);
  });
  if (found.size === 0) return [];
  return ops.filter((op) => found.has(op.id)).map((op) => op.id);
}
