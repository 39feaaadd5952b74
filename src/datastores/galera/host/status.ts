// What a Galera node says of itself: whether it is in the primary component
// (the only one that takes writes), how big that component is, and whether
// it has caught up with it.
import type mysql from 'mysql2/promise';

export interface GaleraStatus {
  /** Primary, non-Primary or Disconnected: only a Primary node takes reads and writes. */
  clusterStatus: string;
  clusterSize: number;
  /** Synced, Donor/Desynced, Joining, Joined, Initialized... */
  localState: string;
  /** Transactions this node failed to certify against others' (conflicts it lost), since it started. */
  certFailures: number;
}

const VARIABLES = ['wsrep_cluster_status', 'wsrep_cluster_size', 'wsrep_local_state_comment', 'wsrep_local_cert_failures'];

export async function galeraStatus(c: mysql.Connection): Promise<GaleraStatus> {
  const [rows] = (await c.query(`SHOW GLOBAL STATUS WHERE Variable_name IN (${VARIABLES.map(() => '?').join(', ')})`, VARIABLES)) as unknown as [{ Variable_name: string; Value: string }[]];
  const value = (name: string): string => rows.find((r) => r.Variable_name.toLowerCase() === name)?.Value ?? '';
  return {
    clusterStatus: value('wsrep_cluster_status') || 'Disconnected',
    clusterSize: Number(value('wsrep_cluster_size') || 0),
    localState: value('wsrep_local_state_comment'),
    certFailures: Number(value('wsrep_local_cert_failures') || 0),
  };
}

/** In service: in the primary component and caught up with it. */
export function serving(s: GaleraStatus): boolean {
  return s.clusterStatus === 'Primary' && s.localState === 'Synced';
}
