// Turns the agents' jsonl lines into one operation per id. Agents write an
// invoke before sending and a complete after the outcome, so a missing
// completion means the agent died mid-flight: the op may or may not have
// applied, which is exactly what 'unknown' means.
import type { HistoryLine, OpKind, OpRecord, Outcome, ServiceName } from '../history.js';
import { IdIndex } from './id-index.js';

export class HistoryParseError extends Error {
  readonly source: string;
  readonly line: number;
  constructor(source: string, line: number, reason: string) {
    super(`${source}:${line}: corrupt history line (${reason}); only the last line of a file may be cut short`);
    this.name = 'HistoryParseError';
    this.source = source;
    this.line = line;
  }
}

export interface MergedHistory {
  /** Sorted by invokeMs; ties keep the order the invokes were seen in. */
  ops: OpRecord[];
  /** Completions whose invoke is missing: ignored, but a sign of a broken or mixed-up history. */
  orphanCompletions: number;
  /** Invoke and complete lines repeating an id already seen (a file read twice, an agent bug): only the first of each is kept. */
  duplicates: number;
}

const OUTCOMES: ReadonlySet<string> = new Set<Outcome>(['ok', 'failed', 'unknown']);
const KINDS: ReadonlySet<string> = new Set<OpKind>(['write', 'read']);

/**
 * A killed agent can leave its final line half written, so a final line that
 * is not JSON is dropped; anywhere else it means the file is damaged and
 * silently skipping it could hide an acknowledged write.
 */
export function parseHistoryJsonl(text: string, source: string): HistoryLine[] {
  const raw = text.split('\n');
  let last = raw.length - 1;
  while (last >= 0 && raw[last]!.trim() === '') last--;
  const out: HistoryLine[] = [];
  for (let i = 0; i <= last; i++) {
    const lineText = raw[i]!.trim();
    if (lineText === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (err) {
      if (i === last) break;
      throw new HistoryParseError(source, i + 1, `not JSON: ${(err as Error).message}`);
    }
    const problem = shapeProblem(value);
    if (problem !== null) throw new HistoryParseError(source, i + 1, problem);
    out.push(value as HistoryLine);
  }
  return out;
}

function shapeProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not an object';
  const o = v as Record<string, unknown>;
  if (typeof o['at'] !== 'number' || !Number.isFinite(o['at'])) return '"at" must be a finite number';
  switch (o['t']) {
    case 'invoke':
      if (typeof o['id'] !== 'string') return 'invoke without a string "id"';
      // A service is a group of the scenario: any name the scenario gave it.
      if (typeof o['service'] !== 'string' || o['service'] === '') return `invoke without a service name (got ${JSON.stringify(o['service'])})`;
      if (typeof o['kind'] !== 'string' || !KINDS.has(o['kind'])) return `unknown kind ${JSON.stringify(o['kind'])}`;
      if (o['key'] !== undefined && (typeof o['key'] !== 'string' || o['kind'] !== 'write')) return '"key" must be a string, on a write';
      if (typeof o['client'] !== 'string') return 'invoke without a string "client"';
      if (typeof o['idc'] !== 'string') return 'invoke without a string "idc"';
      return null;
    case 'complete':
      if (typeof o['id'] !== 'string') return 'complete without a string "id"';
      if (typeof o['outcome'] !== 'string' || !OUTCOMES.has(o['outcome'])) return `unknown outcome ${JSON.stringify(o['outcome'])}`;
      if (o['error'] !== undefined && typeof o['error'] !== 'string') return '"error" must be a string';
      if (o['node'] !== undefined && typeof o['node'] !== 'string') return '"node" must be a string';
      if (o['observed'] !== undefined && o['observed'] !== null && typeof o['observed'] !== 'string') return '"observed" must be a string or null';
      if (o['route'] !== undefined && !isRoute(o['route'])) return '"route" must be { zone: string, epoch: number, forwarded: boolean }';
      return null;
    case 'paused':
    case 'resumed':
      if (typeof o['client'] !== 'string') return `${o['t']} without a string "client"`;
      return null;
    default:
      return `unknown line type ${JSON.stringify(o['t'])}`;
  }
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
 */
export function mergeHistory(lines: readonly HistoryLine[]): MergedHistory {
  // An agent writes an invoke and a completion per op: half the lines is a
  // good first size, and allocating once spares the garbage collector the
  // copies that growing a million-element array by pushing leaves behind.
  const ops: OpRecord[] = new Array<OpRecord>((lines.length + 1) >>> 1);
  let count = 0;
  const byId = new IdIndex((i) => ops[i]!.id, ops.length, 'merge.ids');
  const recent: OpRecord[] = [];
  const deferred: CompleteLine[] = [];
  // Where each ascending run of invoke times starts: one per history file.
  const runStarts: number[] = [0];
  let lastInvokeMs = -Infinity;
  let duplicates = 0;
  for (const line of lines) {
    if (line.t === 'invoke') {
      if (byId.add(line.id, count) !== -1) {
        duplicates++;
        continue;
      }
      if (line.at < lastInvokeMs) runStarts.push(count);
      lastInvokeMs = line.at;
      const op = toOp(line);
      ops[count++] = op;
      recent.push(op);
      if (recent.length > RECENT) recent.shift();
    } else if (line.t === 'complete') {
      let k = recent.length - 1;
      while (k >= 0 && recent[k]!.id !== line.id) k--;
      if (k < 0) {
        deferred.push(line);
        continue;
      }
      applyCompletion(recent[k]!, line);
      // Usually the last one: removing it in place allocates nothing, unlike splice.
      for (; k < recent.length - 1; k++) recent[k] = recent[k + 1]!;
      recent.pop();
    }
  }

  ops.length = count;
  let orphanCompletions = 0;
  for (const line of deferred) {
    const op = ops[byId.find(line.id)];
    if (op === undefined) orphanCompletions++;
    else if (op.completeMs !== null) duplicates++;
    else applyCompletion(op, line);
  }
  return { ops: sortByInvoke(ops, runStarts), orphanCompletions, duplicates };
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

function applyCompletion(op: OpRecord, line: CompleteLine): void {
  op.completeMs = line.at;
  op.outcome = line.outcome;
  if (line.error !== undefined) op.error = line.error;
  if (line.node !== undefined) op.node = line.node;
  if (line.observed !== undefined) op.observed = line.observed;
  if (line.route !== undefined) op.route = line.route;
}

function isRoute(v: unknown): boolean {
  const r = v as Record<string, unknown> | null;
  return typeof r === 'object' && r !== null && typeof r['zone'] === 'string' && typeof r['epoch'] === 'number' && typeof r['forwarded'] === 'boolean';
}

function toOp(line: Extract<HistoryLine, { t: 'invoke' }>): OpRecord {
  const op: OpRecord = {
    id: line.id,
    service: line.service,
    kind: line.kind,
    client: line.client,
    idc: line.idc,
    invokeMs: line.at,
    completeMs: null,
    outcome: 'unknown',
  };
  if (line.key !== undefined) op.key = line.key;
  return op;
}
