// How the reports show a datastore kind's groups: the family whose columns
// `compare` puts them in (several kinds can share one: MySQL and Galera both
// speak MySQL), and whether a replication lag chart belongs to them.
export interface ReportFamily {
  /** The column set's name in `compare`, e.g. "MySQL". */
  family: string;
  /** Whether the service's section draws the replication lag its machinery sampled. */
  lagChart: boolean;
  /** Whether a deadlock error means another node's write won certification (Galera), worth its own note. */
  certifies: boolean;
}

/** Each kind's family, by kind name, as a report records them. */
export type ReportFamilies = Readonly<Record<string, ReportFamily>>;

/**
 * Reports written before they recorded families knew three kinds; a report
 * that names a kind it has no family for shows it in a family of its own.
 */
export const FAMILIES_BEFORE_REGISTRY: ReportFamilies = {
  mysql: { family: 'MySQL', lagChart: true, certifies: false },
  galera: { family: 'MySQL', lagChart: false, certifies: true },
  redis: { family: 'Redis', lagChart: false, certifies: false },
};

export function familyOf(families: ReportFamilies | undefined, kind: string): ReportFamily {
  return families?.[kind] ?? FAMILIES_BEFORE_REGISTRY[kind] ?? { family: kind, lagChart: false, certifies: false };
}
