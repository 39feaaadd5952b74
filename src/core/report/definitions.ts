// What each number of a report means, in the words every rendered report
// prints under its figures (HTML, Markdown): one text, so they cannot drift
// apart. docs/measurements.md gives the full definitions.

export const DEFINITIONS: readonly { term: string; meaning: string }[] = [
  { term: 'Lost', meaning: 'acknowledged, then absent from the authoritative node. Unknown writes (timed out, connection lost) are not losses, present or not.' },
  { term: 'Durable', meaning: 'acknowledged and present in the final state. A write acknowledged by a node whose writes were later discarded served nobody.' },
  {
    term: 'RTO',
    meaning:
      "the worst client's longest gap without durable writes, per client outside the IDCs taken down: from its first write that failed, ended unknown or was later lost, to the first write of a window in which all its writes were durable. Split into detect (fault to the failure being detected), promote (detection to promotion) and reroute (promotion to the first durable write), never negative.",
  },
  {
    term: 'Why lost',
    meaning:
      'unreplicated: the node that acknowledged it was replaced (another promoted, or it is out of service) before replication shipped it; split-brain: acknowledged while another node was the writer too (it took writes at once, or had been promoted in its place); after-restored-backup: after the restored backup began; dropped-by-its-node: the writer, never replaced, no longer holds it; lost-with-successor: the node that replaced it later lost its own data too; unexplained: none of these fits, worth a bug report. "Still on" names the nodes that hold it now.',
  },
  { term: 'RPO window', meaning: "from the oldest to the newest lost write's acknowledgement." },
  { term: 'Split brain', meaning: 'how long two or more nodes of a one-writer service acknowledged writes at once.' },
  { term: 'Conflicts', meaning: 'acknowledged writes to a shared key that survived but whose value an older write from another IDC overwrote.' },
  { term: 'Promotions', meaning: "each new writer the failover machinery promoted after the first fault, with the machinery's own reason." },
  {
    term: 'Cold backups',
    meaning: "each backup stops the writer's server: server down is stopped to serving again; clients without an acknowledged write is the longest any client waited across it. Restorable: the newest backup complete before the first fault.",
  },
  { term: 'Steady write latency', meaning: "per client IDC, of acknowledged writes before the first fault: what that IDC's clients pay in normal operation." },
  {
    term: 'Stale read',
    meaning: 'a read whose client had an acknowledged write newer than the answer; its age is how long the oldest such write had been acknowledged when the read was sent. Unexplained: reads that returned a write their client never attempted.',
  },
];
