// How long writes stopped (the RTO): each client's gaps without a durable
// write, per client and IDC, and the worst gap split by failover milestones.

/** A stretch of time in which one client had no durable write. */
export interface RtoGap {
  /** Its first write that failed, ended unknown or was later lost (no earlier than the first fault). */
  startMs: number;
  /** The invoke of the write that starts its recovery window; null when it never recovered. */
  endMs: number | null;
  /** endMs - startMs; for an open gap, up to the client's last write. */
  lengthMs: number;
  /** The client's own IDC went down (power, freeze, isolation) before the gap closed: it ends there. */
  interrupted: boolean;
}

export interface ClientRto {
  client: string;
  idc: string;
  /** Its longest gap; null when it never recovered or was never measured. */
  rtoMs: number | null;
  recovered: boolean;
  /** false when every write of the client in the period fell while its own IDC was down. */
  measured: boolean;
  gaps: RtoGap[];
}

export interface IdcRto {
  idc: string;
  rtoMs: number | null;
  recovered: boolean;
  measured: boolean;
  /** The client that set the IDC's figure. */
  client: string | null;
}

export interface RtoDetail {
  /** The RTO's resolution: the interval between one client's writes; null when unknown. */
  resolutionMs: number | null;
  /** The client that set the service's RTO, and its IDC. */
  client: string | null;
  idc: string | null;
  /** That client's longest gap (its open one, when it never recovered). */
  gap: RtoGap | null;
  /** When the last client recovered from its last gap (the first fault, when none stopped): the end of the "during" phase. null without an outage, or when a client never recovered. */
  recoveredAtMs: number | null;
  byClient: ClientRto[];
  byIdc: IdcRto[];
}

/** Durations between milestones in order (fault, detected, promoted, first durable write); never negative. */
export interface RtoSplit {
  /** The fault the gap belongs to. */
  faultId: string | null;
  detectMs: number | null;
  promoteMs: number | null;
  rerouteMs: number | null;
  /** Of the reroute, the part until a proxy marked the new writer up (proxy routes only; absent otherwise). */
  proxyMs?: number | null;
  /** Said in words where a part cannot be a duration, e.g. clients served again before the promotion was reported. */
  note: string | null;
}
