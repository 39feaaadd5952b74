// An index of distinct ids by position (in whatever array holds them). Checking a
// drill is mostly set membership over a million ids; a Map there spends its
// time growing and rehashing on the JS heap (and in the garbage collector,
// which then has to scan it), while this table is two typed arrays sized once
// from a known count: one byte of each id's hash per slot, small enough to
// stay in cache, and the position beside it in a second array. A probe reads
// the position, and then the id string, only when that byte matches.

import { scratchInt32, scratchUint8 } from './scratch.js';

export class IdIndex {
  /** Per slot: 0 when empty, else 1 to 255 from the id's hash. */
  private tags: Uint8Array;
  /** Per slot: the position in keys of the id stored there. */
  private positions: Int32Array;
  private mask: number;
  private count = 0;

  /**
   * idAt gives the id stored at a position; it is called only to confirm a
   * match, so the ids need no array of their own. An id, once indexed, must
   * not change.
   */
  constructor(
    private readonly idAt: (position: number) => string,
    expected: number,
    /** Borrow the table from the scratch pool under this key (see scratch.ts). */
    scratchKey?: string,
  ) {
    const cap = capacityFor(expected);
    this.tags = scratchKey === undefined ? new Uint8Array(cap) : scratchUint8(`${scratchKey}.tags`, cap);
    this.positions = scratchKey === undefined ? new Int32Array(cap) : scratchInt32(`${scratchKey}.positions`, cap);
    this.mask = cap - 1;
  }

  /** Distinct ids indexed. */
  get size(): number {
    return this.count;
  }

  /** Position of the first indexed occurrence of id in keys, or -1. */
  find(id: string): number {
    const h = hashId(id);
    const tag = tagOf(h);
    const tags = this.tags;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const t = tags[i]!;
      if (t === 0) return -1;
      if (t === tag && this.idAt(this.positions[i]!) === id) return this.positions[i]!;
    }
  }

  /** Indexes id, found at position, unless an equal id is indexed: then returns that one's position, else -1. */
  add(id: string, position: number): number {
    // Grown before inserting: growing rehashes every stored id, and the caller
    // may store this one at its position only after add returns.
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const h = hashId(id);
    const tag = tagOf(h);
    const tags = this.tags;
    const mask = this.mask;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const t = tags[i]!;
      if (t === 0) break;
      if (t === tag && this.idAt(this.positions[i]!) === id) return this.positions[i]!;
    }
    tags[i] = tag;
    this.positions[i] = position;
    this.count++;
    return -1;
  }

  /**
   * Twice the slots, freshly allocated (a borrowed table is still in use
   * while it is copied); the ids are hashed again, which happens at most a
   * few times for a table sized from a good guess.
   */
  private grow(): void {
    const oldTags = this.tags;
    const oldPositions = this.positions;
    const cap = (this.mask + 1) * 2;
    const mask = cap - 1;
    const tags = new Uint8Array(cap);
    const positions = new Int32Array(cap);
    for (let j = 0; j < oldTags.length; j++) {
      if (oldTags[j] === 0) continue;
      const p = oldPositions[j]!;
      const h = hashId(this.idAt(p));
      let i = h & mask;
      while (tags[i] !== 0) i = (i + 1) & mask;
      tags[i] = oldTags[j]!;
      positions[i] = p;
    }
    this.tags = tags;
    this.positions = positions;
    this.mask = mask;
  }
}

/** A list of ids indexed by position, its repeats marked. */
export interface IndexedIds {
  index: IdIndex;
  /** 1 at the first position of each distinct id: SCAN may repeat an id. */
  first: Uint8Array;
}

/** Indexes ids in a table borrowed from the scratch pool under scratchKey. */
export function indexIds(ids: readonly string[], scratchKey: string): IndexedIds {
  const index = new IdIndex((i) => ids[i]!, ids.length, scratchKey);
  const first = scratchUint8(`${scratchKey}.first`, ids.length);
  for (let i = 0; i < ids.length; i++) if (index.add(ids[i]!, i) === -1) first[i] = 1;
  return { index, first };
}

/** The top byte of the hash (the slot comes from the low bits), never 0. */
function tagOf(h: number): number {
  return (h >>> 24) || 1;
}

/** Load factor at most 1/2 keeps linear probing short. */
function capacityFor(n: number): number {
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  return cap;
}

/**
 * MurmurHash3's 32-bit scheme over pairs of UTF-16 code units: two
 * characters per round halves the string reads that dominate the cost, and
 * the rotations and final mix carry ids' differences (in their last
 * characters, mostly) into both the low bits that pick the slot and the top
 * byte that makes the tag.
 */
export function hashId(s: string): number {
  const n = s.length;
  let h = n;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    h ^= mixBlock(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) h ^= mixBlock(s.charCodeAt(i));
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function mixBlock(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

/**
 * The history's own copy of each of its ids, for a final state read after the
 * history (see json-stream.ts): its lists then share the history's strings
 * instead of holding a second copy of every id, tens of millions of them on
 * a long drill. undefined for a string that is no id of the history.
 */
export function historyIdsOf(ops: readonly { id: string }[]): (s: string) => string | undefined {
  const index = new IdIndex((i) => ops[i]!.id, ops.length);
  // A saved line without an id is kept as an op; it has nothing to share.
  for (let i = 0; i < ops.length; i++) if (typeof ops[i]!.id === 'string') index.add(ops[i]!.id, i);
  return (s) => {
    const at = index.find(s);
    return at === -1 ? undefined : ops[at]!.id;
  };
}
