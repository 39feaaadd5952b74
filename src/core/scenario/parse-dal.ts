// The data access layer of the routed tiers (global zone, units): a router in
// every zone, the shards homed in each zone, and the controller that moves
// them. The sharded group must have a writable node in every zone that
// homes shards, or they would have nowhere to be written; a zone that homes
// none only routes.
import { authorityOf, type Dal, type Group } from './scenario.js';
import type { Checks, Raw } from './parse-support.js';

export function buildDal(raw: Raw, groups: readonly Group[], c: Checks): Dal {
  raw.zones.forEach((z: Raw, i: number) => c.idc(['dal', 'zones', i, 'idc'], z.idc));
  const zones = c.names(raw.zones, 'dal', ['dal', 'zones']);
  c.duplicates(
    zones.map((z) => z.idc),
    (i) => ['dal', 'zones', i, 'idc'],
    (idc) => `two zones are in IDC "${idc}"; a zone is one IDC`,
  );
  c.idc(['dal', 'controller', 'idc'], raw.controller.idc);
  const shards: number = raw.shards;
  const homes: Record<string, number[]> = {};
  if (raw.homes) {
    for (const [zone, list] of Object.entries(raw.homes as Record<string, number[]>)) {
      if (!zones.some((z) => z.name === zone)) c.report(['dal', 'homes', zone], `unknown zone "${zone}"; zones: ${zones.map((z) => z.name).join(', ')}`);
      for (const shard of list) if (shard >= shards) c.report(['dal', 'homes', zone], `shard ${shard} does not exist: shards are 0 to ${shards - 1}`);
      homes[zone] = [...list];
    }
    const homed = Object.values(homes).flat();
    for (let s = 0; s < shards; s++) {
      const count = homed.filter((h) => h === s).length;
      if (count !== 1) c.report(['dal', 'homes'], `shard ${s} is homed in ${count} zones; every shard has exactly one home`);
    }
  } else {
    // An even split, shard by shard in turn.
    zones.forEach((z) => (homes[z.name] = []));
    for (let s = 0; s < shards; s++) homes[zones[s % zones.length]!.name]!.push(s);
  }
  const sharded = groups.find((g) => g.name === raw.sharded);
  if (!sharded) c.report(['dal', 'sharded'], `unknown group "${raw.sharded}"; groups: ${groups.map((g) => g.name).join(', ')}`);
  else {
    if (authorityOf(sharded) !== 'converged') c.report(['dal', 'sharded'], `group "${sharded.name}" has one writer; sharded data needs a group that takes writes in every zone (bidirectional or galera)`);
    const writable = new Set(sharded.nodes.filter((n) => n.role === 'primary' || n.role === 'member').map((n) => n.idc));
    // A zone that homes no shard only routes (forwards to the homes); one that homes shards must be able to write them.
    for (const z of zones) if ((homes[z.name] ?? []).length > 0 && !writable.has(z.idc)) c.report(['dal', 'sharded'], `group "${sharded.name}" has no writable node in zone ${z.name} (${z.idc}), which homes shards`);
  }
  let globalGroup: string | null = null;
  if (raw.global !== undefined) {
    const global = groups.find((g) => g.name === raw.global);
    if (!global) c.report(['dal', 'global'], `unknown group "${raw.global}"; groups: ${groups.map((g) => g.name).join(', ')}`);
    globalGroup = raw.global;
  }
  return { zones, shards, homes, controller: { name: raw.controller.name ?? 'dal-controller', idc: raw.controller.idc }, shardedGroup: raw.sharded, globalGroup };
}
