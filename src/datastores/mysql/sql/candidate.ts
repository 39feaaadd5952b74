// Which replica a failover promotes, and why, in words the report shows.
// most-advanced: the replica with the most of the lost primary's data.
// same-city: one in the lost primary's city when it is as advanced as any,
// so traffic and the new primary stay in that city (two cities, three
// centers); never at the price of data another candidate holds.

export interface Candidate {
  name: string;
  city: string;
  /** Transactions the replica has received or applied (its GTID progress). */
  progress: number;
}

export interface Choice {
  name: string;
  reason: string;
}

export function chooseCandidate(candidates: readonly Candidate[], lostCity: string, prefer: 'most-advanced' | 'same-city'): Choice | null {
  if (candidates.length === 0) return null;
  // Stable: among equals, the scenario's own order decides.
  const ranked = [...candidates].sort((a, b) => b.progress - a.progress);
  const best = ranked[0]!;
  const others = ranked.slice(1).map((c) => `${c.name} ${c.progress}`).join(', ');
  const mostAdvanced = `the most advanced reachable replica (${best.progress} transactions${others ? `; ${others}` : ''})`;
  if (prefer === 'most-advanced') return { name: best.name, reason: mostAdvanced };
  const local = ranked.find((c) => c.city === lostCity);
  if (!local) return { name: best.name, reason: `no replica in ${lostCity}, the lost primary's city, could be reached: ${mostAdvanced}` };
  if (local.progress >= best.progress) {
    return { name: local.name, reason: `in ${lostCity}, the lost primary's city, and as advanced as any (${local.progress} transactions${others ? `; ${ranked.filter((c) => c !== local).map((c) => `${c.name} ${c.progress}`).join(', ')}` : ''})` };
  }
  return { name: best.name, reason: `${local.name} in ${lostCity} was ${best.progress - local.progress} transactions behind: ${mostAdvanced}` };
}
