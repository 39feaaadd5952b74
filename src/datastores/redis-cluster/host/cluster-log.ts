// Failover milestones from Redis Cluster nodes' own log lines (`docker logs`), e.g.
//   7:M 07 Dec 2026 12:51:58.767 * Marking node 5c5a... as failing (quorum reached).
//   7:S 07 Dec 2026 12:51:59.485 # Failover election won: I'm the new master.
import type { FailoverMilestones } from '../../../core/check/rto-split.js';
import { redisLogLines } from '../../../core/redis-log.js';

export type ClusterLogEventKind =
  /** This node gathered the majority's failure reports and flagged `node` FAIL. */
  | 'marked-failing'
  /** Another node told this one that `node` is FAIL. */
  | 'fail-received'
  /** The node's own cluster_state; fail: it answers keyed commands with CLUSTERDOWN. */
  | 'state-fail'
  | 'state-ok'
  /** CLUSTER FAILOVER was sent to this replica: the promotion that follows was asked for, not forced by a failure. */
  | 'manual-failover'
  /** A replica scheduled its election (the delay grows with its rank: replicas with less data wait longer). */
  | 'election-delayed'
  | 'election-started'
  /** A master voted for replica `node`. */
  | 'vote-granted'
  /** This replica won and now serves its master's slots, with configEpoch `epoch`. */
  | 'election-won'
  /** A returning master learned that its slots went to `node` (its replica, promoted) and follows it. */
  | 'became-replica'
  | 'fail-cleared';

export interface ClusterLogEvent {
  at: number;
  kind: ClusterLogEventKind;
  /** The node id the line names, if any. */
  node?: string;
  epoch?: number;
  rank?: number;
}

/** Each line Redis 7.0 writes for a cluster failover, and what it means. */
const PATTERNS: [RegExp, ClusterLogEventKind][] = [
  [/^Marking node (\w+) as failing \(quorum reached\)/, 'marked-failing'],
  [/^FAIL message received from \w+ about (\w+)/, 'fail-received'],
  [/^Cluster state changed: fail/, 'state-fail'],
  [/^Cluster state changed: ok/, 'state-ok'],
  [/^Manual failover user request accepted/, 'manual-failover'],
  [/^Start of election delayed for \d+ milliseconds \(rank #(\d+)/, 'election-delayed'],
  [/^Starting a failover election for epoch (\d+)/, 'election-started'],
  [/^Failover auth granted to (\w+) for epoch (\d+)/, 'vote-granted'],
  [/^Failover election won/, 'election-won'],
  [/^configEpoch set to (\d+) after successful failover/, 'election-won'],
  [/^Configuration change detected\. Reconfiguring myself as a replica of (\w+)/, 'became-replica'],
  [/^Clear FAIL state for node (\w+)/, 'fail-cleared'],
];

/** Parses one node's log text (timestamps in UTC, as in hadrill's containers); `docker logs -t` prefixes are ignored. */
export function parseClusterLog(text: string): ClusterLogEvent[] {
  const events: ClusterLogEvent[] = [];
  for (const { at, message } of redisLogLines(text)) {
    for (const [pattern, kind] of PATTERNS) {
      const p = pattern.exec(message);
      if (!p) continue;
      const event: ClusterLogEvent = { at, kind };
      if (kind === 'marked-failing' || kind === 'fail-received' || kind === 'became-replica' || kind === 'fail-cleared') event.node = p[1] as string;
      if (kind === 'vote-granted') Object.assign(event, { node: p[1] as string, epoch: Number(p[2]) });
      if (kind === 'election-started') event.epoch = Number(p[1]);
      if (kind === 'election-delayed') event.rank = Number(p[1]);
      // "Failover election won" and the "configEpoch set to N" line after it (the same or the next
      // millisecond) are one event: the first, with the epoch of the second.
      if (kind === 'election-won' && p[1] !== undefined) {
        const won = [...events].reverse().find((e) => e.kind === 'election-won');
        if (won && won.epoch === undefined) {
          won.epoch = Number(p[1]);
          break;
        }
        event.epoch = Number(p[1]);
      }
      events.push(event);
      break;
    }
  }
  return events;
}

/** Instants closer than this to the one before, for the same failed node, are one detection logged by several nodes. */
const SAME_EVENT_MS = 1000;

/**
 * Detections (the first node to flag a master FAIL, or to hear of it) and
 * promotions (a replica winning its election) at or after `sinceMs`. Each
 * node's log is given with the node's name, since the winner's line does
 * not name it; nameOfId names the failed masters.
 */
export function clusterMilestones(
  logs: { node: string; events: ClusterLogEvent[] }[],
  sinceMs: number,
  nameOfId: (id: string) => string | undefined = () => undefined,
  /** The name of the master a node replicated when it won, when known: of several nodes flagged at once (a whole IDC lost), that is the one it replaced. */
  masterOf: (node: string) => string | undefined = () => undefined,
): FailoverMilestones {
  const flagged = logs
    .flatMap((l) => l.events)
    .filter((e) => (e.kind === 'marked-failing' || e.kind === 'fail-received') && e.at >= sinceMs)
    .sort((a, b) => a.at - b.at);
  const detectedMs: number[] = [];
  const lastByNode = new Map<string, number>();
  for (const e of flagged) {
    const before = lastByNode.get(e.node ?? '');
    if (before === undefined || e.at - before >= SAME_EVENT_MS) detectedMs.push(e.at);
    lastByNode.set(e.node ?? '', e.at);
  }
  const promotions = logs
    .flatMap((l) =>
      l.events
        .filter((e) => e.kind === 'election-won' && e.at >= sinceMs)
        .map((e) => {
          const previousWin = l.events.filter((w) => w.kind === 'election-won' && w.at < e.at).at(-1)?.at ?? -Infinity;
          const since = (f: ClusterLogEvent): boolean => f.at <= e.at && f.at >= sinceMs && f.at > previousWin;
          const epoch = e.epoch === undefined ? '' : ` (configEpoch ${e.epoch})`;
          if (l.events.some((f) => f.kind === 'manual-failover' && since(f))) return { atMs: e.at, node: l.node, reason: `asked to take over by CLUSTER FAILOVER${epoch}` };
          // The master it replaced: the last node its own log saw flagged FAIL since its previous win.
          const flaggedHere = l.events.filter((f) => (f.kind === 'fail-received' || f.kind === 'marked-failing') && since(f)).map((f) => f.node);
          const own = masterOf(l.node);
          const failed = flaggedHere.find((id) => id !== undefined && own !== undefined && nameOfId(id) === own) ?? flaggedHere.at(-1);
          const whose = failed === undefined ? '' : ` of ${nameOfId(failed) ?? failed}`;
          return { atMs: e.at, node: l.node, reason: `won the replicas' election${whose}${epoch}` };
        }),
    )
    .sort((a, b) => a.atMs - b.atMs);
  return { detectedMs: [...new Set(detectedMs)].sort((a, b) => a - b), promotedMs: promotions.map((p) => p.atMs), promotions };
}
