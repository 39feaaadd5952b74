// Divergence between the nodes in service: ids some of them hold and others
// do not, counted without a set per node on a million-id state.
import type { NodeState, ServiceFinalState } from '../history.js';
import { indexIds, type IndexedIds } from './id-index.js';
import { scratchInt32 } from './scratch.js';

/**
 * Ids present on some but not all of the nodes that could be read: the size
 * of their union minus the size of their intersection. Every node is matched
 * against one base node's index, with per-id counters in typed arrays. A
 * replica reads its ids in the same (primary key) order as the primary, so
 * each id is first compared with the one after the last match, and only a
 * mismatch costs a hash lookup (which then resynchronises the walk).
 */
export function countDivergent(state: ServiceFinalState | undefined, authoritativeNode: string | null, finalIds: IndexedIds): number {
  if (state === undefined || state.nodes.length < 2) return 0;
  // Caught-up MySQL replicas return the same ids in the same order as the
  // primary: equal lists are equal sets, found without hashing.
  const authFirst = [...state.nodes].sort((a, b) => Number(b.node === authoritativeNode) - Number(a.node === authoritativeNode));
  const distinct: NodeState[] = [];
  for (const n of authFirst) if (!distinct.some((d) => sameList(d.ids, n.ids))) distinct.push(n);
  if (distinct.length < 2) return 0;

  const [base, ...others] = distinct as [NodeState, ...NodeState[]];
  const { index, first } = base.node === authoritativeNode ? finalIds : indexIds(base.ids, 'check.base');
  const baseIds = base.ids;
  const n = baseIds.length;
  // Counters are kept at each id's first position in the base; with no
  // repeats that is simply where the walk stands.
  const walkable = index.size === n;
  const lastSeenBy = scratchInt32('check.lastSeenBy', n, -1);
  const seenCount = scratchInt32('check.seenCount', n);
  const outside = new Set<string>();
  for (let k = 0; k < others.length; k++) {
    const ids = others[k]!.ids;
    let next = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      let at: number;
      if (walkable && next < n && baseIds[next] === id) at = next++;
      else {
        at = index.find(id);
        if (at === -1) {
          outside.add(id);
          continue;
        }
        next = at + 1;
      }
      if (lastSeenBy[at] !== k) {
        lastSeenBy[at] = k;
        seenCount[at]!++;
      }
    }
  }
  let onAll = 0;
  for (let i = 0; i < n; i++) if (first[i] === 1 && seenCount[i] === others.length) onAll++;
  return index.size + outside.size - onAll;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
