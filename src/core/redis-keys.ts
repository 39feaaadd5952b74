// The key names of hadrill's workload, shared by the agents that write them,
// the set-up that seeds them and the final read that reads them back.

/** One key per write: its presence is what the checker counts. */
export const WRITE_KEY_PREFIX = 'hadrill:w:';
/** A client's latest write: what a read asks a node for. */
export const LAST_WRITE_KEY_PREFIX = 'hadrill:last:';
/** The shared keys (registers): each holds the id of the write that set it last. */
export const SHARED_KEY_PREFIX = 'hadrill:k:';

/** The name of shared key number n, the same in every kind (the Redis key adds SHARED_KEY_PREFIX). */
export function sharedKeyName(n: number): string {
  return `k${n}`;
}
