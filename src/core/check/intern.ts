// One copy of each string that repeats on every record of a history. JSON.parse
// makes a fresh string for every value longer than a few characters, so ten
// million operations would hold ten million copies of "app-idc-a", of
// "10.209.1.10" and of the same error message: more memory than the ids
// themselves. Reading through an Interner keeps the first copy of each and
// hands it out for the rest, and equal strings are then one object, which
// also makes them cheaper to compare and to look up by.

/**
 * Past this many distinct strings nothing new is kept: the fields interned
 * take a handful of values (clients, IDCs, nodes, error codes), and a field
 * that turns out to be unique per record (an error message naming its op)
 * must not grow the table without bound.
 */
const MAX_DISTINCT = 10_000;

export class Interner {
  private readonly seen = new Map<string, string>();

  /** The kept copy of s (s itself the first time it is seen). */
  of(s: string): string {
    const kept = this.seen.get(s);
    if (kept !== undefined) return kept;
    if (this.seen.size < MAX_DISTINCT) this.seen.set(s, s);
    return s;
  }

  /** of(s), for a field that may be absent. */
  maybe<T extends string | undefined | null>(s: T): T {
    return (typeof s === 'string' ? this.of(s) : s) as T;
  }
}

/**
 * A read's answer is the id of a write, mostly the reading client's latest:
 * that write's own id string is kept for it rather than a second copy (a
 * third of a drill's ops are reads). Ops are noted in the order the client
 * sent them; an answer that is not the client's latest is kept as it came.
 */
export class LatestWrites {
  private readonly latest = new Map<string, string>();

  /** Notes a write: from now on it is its client's latest. */
  note(write: { client: string; id: string }): void {
    this.latest.set(write.client, write.id);
  }

  /** The read's answer, as the latest write's own string when it is that write's id. */
  answer<T extends string | null>(client: string, observed: T): T {
    if (observed === null) return observed;
    const latest = this.latest.get(client);
    return (latest === observed ? latest : observed) as T;
  }
}
