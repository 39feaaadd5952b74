// Faults as the drill timeline and the journal know them.

export type IdcFaultMode = 'power' | 'freeze' | 'isolate';

export type FaultSpec =
  | { kind: IdcFaultMode; idc: string }
  | { kind: 'replication-stop'; node: string };

/** A fault as it happened: when it was asked for, when it took effect, when it was healed. */
export interface FaultEvent {
  id: string;
  spec: FaultSpec;
  requestedMs: number;
  /** The instant the fault took effect (after the kill/pause/rule returned), epoch ms. */
  appliedMs: number;
  healedMs: number | null;
}

/** Faults that make an IDC unavailable: they start the RTO clock and exclude that IDC's clients from it. */
export function isOutageFault(spec: FaultSpec): spec is { kind: IdcFaultMode; idc: string } {
  return spec.kind === 'power' || spec.kind === 'freeze' || spec.kind === 'isolate';
}

export function describeFault(spec: FaultSpec): string {
  switch (spec.kind) {
    case 'power':
    case 'freeze':
    case 'isolate':
      return `${spec.kind} ${spec.idc}`;
    case 'replication-stop':
      return `replication-stop ${spec.node}`;
  }
}
