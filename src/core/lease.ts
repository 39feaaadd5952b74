// A run's lease: how long its workload agents keep writing when nobody drives
// the run. The agents start with the scenario's TTL; every hadrill command
// that drives the run (up, drill, a fault, heal, check, watch) moves the
// lease's end to TTL from now. Past the end, agents pause, as for a final
// read, and a renewal resumes them: a forgotten run stops growing its
// histories, and `down` still removes it.

/** The file, in the run's history directory (the agents' bind mount), that holds the lease's end. */
export const LEASE_FILE = 'lease.json';

export const DEFAULT_TTL_MS = 60 * 60 * 1000;
export const MIN_TTL_MS = 60 * 1000;
/** The longest duration a scenario can write. */
export const MAX_TTL_MS = 24 * 60 * 60 * 1000;

export interface LeaseFile {
  /** Epoch ms after which the agents pause until the lease is renewed. */
  until: number;
}

/**
 * When the agents must pause: the end the lease file names (`up` writes one
 * before any agent starts), or, without a readable one (a topology Compose
 * started, with no hadrill to drive it), their own start plus the TTL.
 */
export function leaseEnd(startedAtMs: number, ttlMs: number, fileText: string | null): number {
  const own = startedAtMs + ttlMs;
  if (fileText === null) return own;
  try {
    const until = (JSON.parse(fileText) as Partial<LeaseFile>).until;
    return typeof until === 'number' && Number.isFinite(until) ? until : own;
  } catch {
    return own;
  }
}
