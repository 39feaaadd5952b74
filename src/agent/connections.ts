// A client that keeps several writes in flight does so as several clients
// side by side, each with its own connection, waiting for its own answers:
// the way an application's thread pool loads a database. Each is its own
// client in the history, so every per-client figure (RTO, a client's latest
// write) keeps its meaning of one thread's view.

/** The history's client names of a client's connections: its own name first, then <client>#2, #3, ... */
export function connectionNames(client: string, inFlight: number): string[] {
  return Array.from({ length: Math.max(1, inFlight) }, (_, k) => (k === 0 ? client : `${client}#${k + 1}`));
}

/** One connection's share of the client's rate. */
export function shareOf(rate: number | 'max', inFlight: number): number | 'max' {
  return rate === 'max' ? 'max' : rate / Math.max(1, inFlight);
}
