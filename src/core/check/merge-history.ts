// Turns the agents' jsonl lines into one operation per id. Agents write an
// invoke before sending and a complete after the outcome, so a missing
// completion means the agent died mid-flight: the op may or may not have
// applied, which is exactly what 'unknown' means.
import type { HistoryLine, OpRecord } from '../history.js';
import { IdIndex } from './id-index.js';
import { Interner, LatestWrites } from './intern.js';
import { StoredOp } from './stored-op.js';
import type { CutRecord, ParsedLine } from './parse-history.js';

// The engine and the tests read files through this module.
export { HistoryParseError, parseHistoryJsonl, parseHistoryLines, type CutRecord, type ParsedLine } from './parse-history.js';

export interface MergedHistory {
  /** Sorted by invokeMs; ties keep the order the invokes were seen in. */
  ops: OpRecord[];
  /** Completions whose invoke is missing: ignored, but a sign of a broken or mixed-up history. */
  orphanCompletions: number;
  /** Invoke and complete lines repeating an id already seen (a file read twice, an agent bug): only the first of each is kept. */
  duplicates: number;
  /** Records cut short by an agent killed mid-write, dropped: a cut invoke was never sent, a cut completion leaves its op unknown. */
  cutLines: number;
  /** Ops whose completion was stamped before their invoke: the completion is refused and the op stays unknown. Sorted. */
  completedBeforeInvoke: string[];
  /** The cut records and refused completions in words, for the report's notes; empty when there were none. */
  notes: string[];
}

/** How many invokes still awaiting their completion are compared by id before falling back to the index. */
const RECENT = 16;

type CompleteLine = Extract<HistoryLine, { t: 'complete' }>;

/**
 * Lines may come from several files in any order: pairing is by id, not by
 * position. But an agent writes each completion right after its invoke, so
 * most completions match one of the last few invokes by a string comparison,
 * and only the rest go through the id index. Every invoke still goes into the
 * index once, to find repeated ids.
 *
 * Lines may be streamed from the files (a generator): then only the ops are
 * held, never every line; expectedLines, a guess at their number, sizes the
 * ops at once (an array's length, when lines is one).
 */
export function mergeHistory(lines: Iterable<ParsedLine>, expectedLines = Array.isArray(lines) ? lines.length : 0): MergedHistory {
  // An agent writes an invoke and a completion per op: half the lines is a
  // good first size, and allocating once spares the garbage collector the
  // copies that growing a million-element array by pushing leaves behind.
  const ops: OpRecord[] = new Array<OpRecord>((expectedLines + 1) >>> 1);
  // The strings every record repeats (client, IDC, node, error), kept once.
  const intern = new Interner();
  const latestWrites = new LatestWrites();
  let count = 0;
  const byId = new IdIndex((i) => ops[i]!.id, ops.length, 'merge.ids');
  const recent: OpRecord[] = [];
  const deferred: CompleteLine[] = [];
  // Where each ascending run of invoke times starts: one per history file.
  const runStarts: number[] = [0];
  let lastInvokeMs = -Infinity;
  let duplicates = 0;
  const cuts: CutRecord[] = [];
  // A completion stamped before its invoke contradicts it: one of the two is wrong, so its outcome is not taken.
  const refused = new Set<string>();
  const complete = (op: OpRecord, line: CompleteLine): void => {
    if (line.at < op.invokeMs) refused.add(op.id);
    else applyCompletion(op, line, intern, latestWrites);
  };
  for (const line of lines) {
    if (line.t === 'invoke') {
      if (byId.add(line.id, count) !== -1) {
        duplicates++;
        continue;
      }
      if (line.at < lastInvokeMs) runStarts.push(count);
      lastInvokeMs = line.at;
      const op = toOp(line, intern);
      ops[count++] = op;
      if (op.kind === 'write') latestWrites.note(op);
      recent.push(op);
      if (recent.length > RECENT) recent.shift();
    } else if (line.t === 'complete') {
      let k = recent.length - 1;
      while (k >= 0 && recent[k]!.id !== line.id) k--;
      if (k < 0) {
        deferred.push(line);
        continue;
      }
      complete(recent[k]!, line);
      // Usually the last one: removing it in place allocates nothing, unlike splice.
      for (; k < recent.length - 1; k++) recent[k] = recent[k + 1]!;
      recent.pop();
    } else if (line.t === 'cut') cuts.push(line);
  }

  ops.length = count;
  let orphanCompletions = 0;
  for (const line of deferred) {
    const op = ops[byId.find(line.id)];
    if (op === undefined) orphanCompletions++;
    else if (op.completeMs !== null || refused.has(op.id)) duplicates++;
    else complete(op, line);
  }
  const completedBeforeInvoke = [...refused].sort();
  // A cut completion leaves its op unknown, unless the op had its outcome recorded whole after all.
  const leftUnknown = cuts.filter((c) => c.record === 'complete' && (c.id === null || ops[byId.find(c.id)]?.completeMs === null)).map((c) => c.id ?? '(id cut off)');
  const notes = historyNotes(cuts, leftUnknown, completedBeforeInvoke);
  return { ops: sortByInvoke(ops, runStarts), orphanCompletions, duplicates, cutLines: cuts.length, completedBeforeInvoke, notes };
}

/** How many places and ids a note names before it says how many more. */
const NAMED = 10;

function named(items: readonly string[]): string {
  return items.slice(0, NAMED).join(', ') + (items.length > NAMED ? `, ... (${items.length - NAMED} more)` : '');
}

/** The cut records and refused completions in words: where, and what they leave unknown. */
function historyNotes(cuts: readonly CutRecord[], leftUnknown: readonly string[], refused: readonly string[]): string[] {
  const notes: string[] = [];
  if (cuts.length > 0) {
    const one = cuts.length === 1;
    const parts = [`${cuts.length} history record${one ? '' : 's'} cut short by an agent killed mid-write ${one ? 'was' : 'were'} dropped (${named(cuts.map((c) => `${c.source}:${c.line}`))})`];
    if (cuts.some((c) => c.record === 'invoke')) parts.push('an invoke cut short was never sent');
    if (leftUnknown.length > 0) parts.push(`the ops whose completion was cut are left unknown: ${named(leftUnknown)}`);
    notes.push(parts.join('; '));
  }
  if (refused.length === 1) notes.push(`1 completion stamped before its invoke was refused, its op left unknown: ${refused[0]}`);
  else if (refused.length > 1) notes.push(`${refused.length} completions stamped before their invoke were refused, their ops left unknown: ${named(refused)}`);
  return notes;
}

/** Beyond this many runs the input is not a few files back to back, and a general sort does better. */
const MAX_MERGED_RUNS = 64;

/**
 * Stable sort by invoke time of ops made of ascending runs: files arrive one
 * after another, each already in time order, so this is a k-way merge (a
 * heap of run heads, ties to the earlier run) rather than a sort.
 */
function sortByInvoke(ops: OpRecord[], runStarts: readonly number[]): OpRecord[] {
  const k = runStarts.length;
  if (k === 1) return ops;
  if (k > MAX_MERGED_RUNS) return ops.sort((a, b) => a.invokeMs - b.invokeMs);
  const next = Int32Array.from(runStarts);
  const end = Int32Array.from({ length: k }, (_, r) => (r + 1 < k ? runStarts[r + 1]! : ops.length));
  const heap = Int32Array.from({ length: k }, (_, r) => r);
  const head = Float64Array.from(runStarts, (i) => ops[i]!.invokeMs);
  const before = (r: number, q: number): boolean => head[r]! < head[q]! || (head[r] === head[q] && r < q);
  let size = k;
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) return;
      const c = l + 1 < size && before(heap[l + 1]!, heap[l]!) ? l + 1 : l;
      if (!before(heap[c]!, heap[i]!)) return;
      const t = heap[i]!;
      heap[i] = heap[c]!;
      heap[c] = t;
      i = c;
    }
  };
  for (let i = (size >>> 1) - 1; i >= 0; i--) siftDown(i);
  const out: OpRecord[] = new Array<OpRecord>(ops.length);
  let filled = 0;
  while (size > 0) {
    const r = heap[0]!;
    out[filled++] = ops[next[r]!]!;
    if (++next[r]! === end[r]) heap[0] = heap[--size]!;
    else head[r] = ops[next[r]!]!.invokeMs;
    siftDown(0);
  }
  return out;
}

function applyCompletion(op: OpRecord, line: CompleteLine, intern: Interner, latestWrites: LatestWrites): void {
  op.completeMs = line.at;
  op.outcome = line.outcome;
  if (line.error !== undefined) op.error = intern.of(line.error);
  if (line.node !== undefined) op.node = intern.of(line.node);
  if (line.observed !== undefined) op.observed = latestWrites.answer(op.client, line.observed);
  if (line.route !== undefined) op.route = line.route;
}

function toOp(line: Extract<HistoryLine, { t: 'invoke' }>, intern: Interner): OpRecord {
  const op = new StoredOp(line.id, intern.of(line.service), line.kind, intern.of(line.client), intern.of(line.idc), line.at);
  if (line.key !== undefined) op.key = intern.of(line.key);
  return op;
}
