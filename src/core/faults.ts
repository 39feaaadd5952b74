// Faults as the drill timeline, the CLI and the journal know them.
import type { LinkShape } from './links.js';

export type IdcFaultMode = 'power' | 'freeze' | 'isolate';

export type FaultSpec =
  | { kind: IdcFaultMode; idc: string }
  | { kind: 'replication-stop'; node: string }
  /** Packets from `from` to `to` are dropped; both ways unless oneWay. */
  | { kind: 'cut'; from: string; to: string; oneWay: boolean }
  /** IDCs in different groups cannot talk; IDCs named in no group keep every link (bridges). */
  | { kind: 'partition'; groups: string[][] }
  /** The link between a and b takes this shape (over its baseline) until healed. */
  | { kind: 'degrade'; a: string; b: string; shape: Partial<LinkShape> }
  /** The node's process dies (SIGKILL); with restart it comes straight back, as under a supervisor. */
  | { kind: 'crash'; node: string; restart: boolean }
  /**
   * Not a failure: the group's machinery moves the writer on purpose (to
   * `to`, or a node of its choice), under write protection, as a planned
   * maintenance does. Measured like a failure; nothing to heal.
   */
  | { kind: 'switchover'; group: string; to: string | null };

/** A fault as it happened: when it was asked for, when it took effect, when it was healed. */
export interface FaultEvent {
  id: string;
  spec: FaultSpec;
  requestedMs: number;
  /** The instant the fault took effect (after the kill/pause/rule returned), epoch ms. */
  appliedMs: number;
  healedMs: number | null;
  /** When set, the fault heals itself this long after it took effect. */
  durationMs?: number;
}

/** Faults that make an IDC unavailable: they exclude that IDC's clients from the RTO. */
export function isOutageFault(spec: FaultSpec): spec is { kind: IdcFaultMode; idc: string } {
  return spec.kind === 'power' || spec.kind === 'freeze' || spec.kind === 'isolate';
}

/**
 * Faults that start the RTO clock: everything that can stop writes. A
 * replication stop or a degraded link only builds up risk, so the clock
 * starts at the fault that follows them.
 */
export function startsRtoClock(spec: FaultSpec): boolean {
  return spec.kind !== 'replication-stop' && spec.kind !== 'degrade';
}

export function describeFault(spec: FaultSpec): string {
  switch (spec.kind) {
    case 'power':
    case 'freeze':
    case 'isolate':
      return `${spec.kind} ${spec.idc}`;
    case 'replication-stop':
      return `replication-stop ${spec.node}`;
    case 'cut':
      return `cut ${spec.from} ${spec.oneWay ? '->' : '<->'} ${spec.to}`;
    case 'partition':
      return `partition ${spec.groups.map((g) => g.join(',')).join(' | ')}`;
    case 'degrade': {
      const s = spec.shape;
      const parts = [
        s.latencyMs !== undefined ? `latency ${s.latencyMs}ms` : '',
        s.jitterMs !== undefined ? `jitter ${s.jitterMs}ms` : '',
        s.lossPct !== undefined ? `loss ${s.lossPct}%` : '',
        s.rateKbit !== undefined && s.rateKbit !== null ? `rate ${s.rateKbit}kbit` : '',
      ].filter(Boolean);
      return `degrade ${spec.a} <-> ${spec.b} (${parts.join(', ')})`;
    }
    case 'crash':
      return `crash ${spec.node}${spec.restart ? ' (restarted)' : ''}`;
    case 'switchover':
      return `switchover ${spec.group}${spec.to === null ? '' : ` to ${spec.to}`}`;
  }
}

/** Every IDC and node name a fault names: each is checked against the name rule where it enters. */
export function faultNames(spec: FaultSpec): { what: string; name: string }[] {
  switch (spec.kind) {
    case 'power':
    case 'freeze':
    case 'isolate':
      return [{ what: 'IDC', name: spec.idc }];
    case 'replication-stop':
    case 'crash':
      return [{ what: 'node', name: spec.node }];
    case 'cut':
      return [{ what: 'IDC', name: spec.from }, { what: 'IDC', name: spec.to }];
    case 'degrade':
      return [{ what: 'IDC', name: spec.a }, { what: 'IDC', name: spec.b }];
    case 'partition':
      return spec.groups.flat().map((name) => ({ what: 'IDC', name }));
    case 'switchover':
      return [{ what: 'group', name: spec.group }, ...(spec.to === null ? [] : [{ what: 'node', name: spec.to }])];
  }
}

/** The directed IDC pairs a cut or partition blocks. */
export function blockedPairs(spec: FaultSpec, idcs: string[]): [string, string][] {
  if (spec.kind === 'cut') return spec.oneWay ? [[spec.from, spec.to]] : [[spec.from, spec.to], [spec.to, spec.from]];
  if (spec.kind === 'isolate') return idcs.filter((i) => i !== spec.idc).flatMap((o): [string, string][] => [[spec.idc, o], [o, spec.idc]]);
  if (spec.kind !== 'partition') return [];
  const groupOf = new Map<string, number>();
  spec.groups.forEach((g, i) => g.forEach((idc) => groupOf.set(idc, i)));
  const pairs: [string, string][] = [];
  for (const a of idcs) {
    for (const b of idcs) {
      const ga = groupOf.get(a);
      const gb = groupOf.get(b);
      if (a !== b && ga !== undefined && gb !== undefined && ga !== gb) pairs.push([a, b]);
    }
  }
  return pairs;
}
