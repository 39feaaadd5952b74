// Every starter `hadrill init` knows, in tier order (cold backup to unit
// sharding, then Redis Cluster and the user's own failover stack), and the
// lookup by name.
import { HadrillError } from '../../errors.js';
import { quoteName } from '../../names.js';
import { coldBackup } from './cold-backup.js';
import { globalZone } from './global-zone.js';
import { hotStandby } from './hot-standby.js';
import { hotStandbySemisync } from './hot-standby-semisync.js';
import { mhaProxy } from './mha-proxy.js';
import { multiActiveAsync } from './multi-active-async.js';
import { multiActiveGalera } from './multi-active-galera.js';
import { redisCluster } from './redis-cluster.js';
import { sameCityActiveActive } from './same-city-active-active.js';
import type { Starter } from './starter.js';
import { twoCityThreeCenter } from './two-city-three-center.js';
import { unitSharded } from './unit-sharded.js';

export { renderStarter, type Starter, type StarterTarget } from './starter.js';

export const STARTERS: readonly Starter[] = [
  coldBackup,
  hotStandby,
  hotStandbySemisync,
  mhaProxy,
  sameCityActiveActive,
  twoCityThreeCenter,
  multiActiveGalera,
  multiActiveAsync,
  globalZone,
  unitSharded,
  redisCluster,
];

/** The tier `init` writes when none is named: the most common layout, and the one `npm run drill` runs. */
export const DEFAULT_TIER = 'hot-standby';

/** `init --list`: one line per tier, its name padded, then its summary. */
export function starterList(): string[] {
  const width = Math.max(...STARTERS.map((s) => s.tier.length));
  return STARTERS.map((s) => `${s.tier.padEnd(width)}  ${s.summary}`);
}

/** The starter for `tier`, or a usage error naming every tier there is. */
export function findStarter(tier: string): Starter {
  const found = STARTERS.find((s) => s.tier === tier);
  if (found) return found;
  const near = STARTERS.filter((s) => s.tier.startsWith(tier.toLowerCase()) || s.tier.includes(tier.toLowerCase()));
  throw new HadrillError('usage', `Unknown tier ${quoteName(tier)}; known tiers: ${STARTERS.map((s) => s.tier).join(', ')}.`, {
    hint: near.length > 0 && tier.length > 0 ? `Did you mean ${near.map((s) => s.tier).join(' or ')}? \`hadrill init --list\` describes each.` : '`hadrill init --list` describes each.',
  });
}
