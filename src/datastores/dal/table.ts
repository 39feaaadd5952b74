// The data access layer's routing table and the rules that change it, pure:
// which zone is the write home of each shard, which shards are write
// protected while they move, and the epoch that orders every version. The
// controller changes it, routers follow it, the checker reads its history.

export interface RoutingTable {
  /** Increases with every change; a router never goes back to a lower one. */
  epoch: number;
  /** homes[shard] = the zone that writes it. */
  homes: string[];
  /** Shards being moved: no router writes them until the move ends. */
  protectedShards: number[];
}

/** The shard of a user: by id, modulo the number of shards (as Alibaba's routerId modulo 10000). */
export function shardOf(user: number, shards: number): number {
  return ((user % shards) + shards) % shards;
}

export function initialTable(shards: number, homes: Record<string, number[]>): RoutingTable {
  const list: string[] = new Array<string>(shards).fill('');
  for (const [zone, owned] of Object.entries(homes)) for (const s of owned) list[s] = zone;
  return { epoch: 1, homes: list, protectedShards: [] };
}

export function shardsOf(table: RoutingTable, zone: string): number[] {
  return table.homes.flatMap((z, s) => (z === zone ? [s] : []));
}

/** The first step of a move: the shards stop taking writes anywhere. */
export function protect(table: RoutingTable, shards: readonly number[]): RoutingTable {
  const protectedShards = [...new Set([...table.protectedShards, ...shards])].sort((a, b) => a - b);
  return { epoch: table.epoch + 1, homes: [...table.homes], protectedShards };
}

/** The last step: the shards get their new homes and take writes again. */
export function flip(table: RoutingTable, moves: ReadonlyMap<number, string>): RoutingTable {
  const homes = table.homes.map((z, s) => moves.get(s) ?? z);
  return { epoch: table.epoch + 1, homes, protectedShards: table.protectedShards.filter((s) => !moves.has(s)) };
}

/**
 * Where a lost zone's shards go: each, in turn, to the candidate zone that
 * homes the fewest shards at that moment (ties: the first listed), so the
 * load spreads over what is left. Null when there is no candidate.
 */
export function newHomes(table: RoutingTable, lost: string, candidates: readonly string[]): Map<number, string> | null {
  const usable = candidates.filter((z) => z !== lost);
  if (usable.length === 0) return null;
  const load = new Map(usable.map((z) => [z, shardsOf(table, z).length]));
  const moves = new Map<number, string>();
  for (const shard of shardsOf(table, lost)) {
    const to = usable.reduce((best, z) => ((load.get(z) ?? 0) < (load.get(best) ?? 0) ? z : best));
    moves.set(shard, to);
    load.set(to, (load.get(to) ?? 0) + 1);
  }
  return moves;
}

/** How a router decides an operation on a shard. */
export type RouteDecision =
  | { kind: 'local' }
  | { kind: 'forward'; zone: string }
  | { kind: 'refuse'; code: 'DAL_WRITE_PROTECTED' | 'DAL_MISROUTED' | 'DAL_TABLE_STALE' | 'DAL_NO_HOME'; reason: string };

/**
 * A write for `shard` arriving at `zone`'s router. `forwarded`: it came from
 * another router, which believed this zone its home; if this router's table
 * says otherwise the write is refused, never forwarded on (Eleme's DAL refuses
 * writes that reach the wrong zone). `fresh`: the router's table is within its
 * lease; a router that cannot reach the controller stops writing, so the
 * controller can move shards away from a zone it cannot reach.
 */
export function routeWrite(table: RoutingTable, zone: string, shard: number, forwarded: boolean, fresh: boolean): RouteDecision {
  if (!fresh) return { kind: 'refuse', code: 'DAL_TABLE_STALE', reason: `the routing table (epoch ${table.epoch}) is older than its lease: the controller cannot be reached` };
  if (table.protectedShards.includes(shard)) return { kind: 'refuse', code: 'DAL_WRITE_PROTECTED', reason: `shard ${shard} is being moved (epoch ${table.epoch})` };
  const home = table.homes[shard];
  if (!home) return { kind: 'refuse', code: 'DAL_NO_HOME', reason: `shard ${shard} has no home` };
  if (home === zone) return { kind: 'local' };
  if (forwarded) return { kind: 'refuse', code: 'DAL_MISROUTED', reason: `shard ${shard} is homed in ${home} at epoch ${table.epoch}, not here` };
  return { kind: 'forward', zone: home };
}
