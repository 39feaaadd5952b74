// Turns the agents' jsonl lines into one operation per id. Agents write an
// invoke before sending and a complete after the outcome, so a missing
// completion means the agent died mid-flight: the op may or may not have
// applied, which is exactly what 'unknown' means.
import type { HistoryLine, OpRecord, Outcome, ServiceName } from '../history.js';

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

const SERVICES: ReadonlySet<string> = new Set<ServiceName>(['mysql', 'redis']);
const OUTCOMES: ReadonlySet<string> = new Set<Outcome>(['ok', 'failed', 'unknown']);

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
      if (typeof o['service'] !== 'string' || !SERVICES.has(o['service'])) return `unknown service ${JSON.stringify(o['service'])}`;
      if (o['kind'] !== 'write') return `unknown kind ${JSON.stringify(o['kind'])}`;
      if (typeof o['client'] !== 'string') return 'invoke without a string "client"';
      if (typeof o['idc'] !== 'string') return 'invoke without a string "idc"';
      return null;
    case 'complete':
      if (typeof o['id'] !== 'string') return 'complete without a string "id"';
      if (typeof o['outcome'] !== 'string' || !OUTCOMES.has(o['outcome'])) return `unknown outcome ${JSON.stringify(o['outcome'])}`;
      if (o['error'] !== undefined && typeof o['error'] !== 'string') return '"error" must be a string';
      if (o['node'] !== undefined && typeof o['node'] !== 'string') return '"node" must be a string';
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
 * and only the rest go through the id index: on a million-op history, hashing
 * is most of the cost.
 */
export function mergeHistory(lines: readonly HistoryLine[]): MergedHistory {
  const ops: OpRecord[] = [];
  const byId = new Map<string, OpRecord>();
  const recent: OpRecord[] = [];
  const deferred: CompleteLine[] = [];
  let duplicates = 0;
  let careful = false;
  for (const line of lines) {
    if (line.t === 'invoke') {
      if (careful && byId.has(line.id)) {
        duplicates++;
        continue;
      }
      const op = toOp(line);
      const before = byId.size;
      byId.set(line.id, op);
      if (byId.size === before) {
        // A reused id overwrote the first op: put that back, and look before
        // writing from now on.
        byId.set(line.id, ops.find((o) => o.id === line.id)!);
        careful = true;
        duplicates++;
        continue;
      }
      ops.push(op);
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
      recent.splice(k, 1);
    }
  }

  let orphanCompletions = 0;
  for (const line of deferred) {
    const op = byId.get(line.id);
    if (op === undefined) orphanCompletions++;
    else if (op.completeMs !== null) duplicates++;
    else applyCompletion(op, line);
  }

  // Files arrive one after another, each already in time order: the sort
  // only has to merge a few runs.
  if (!isSortedByInvoke(ops)) ops.sort((a, b) => a.invokeMs - b.invokeMs);
  return { ops, orphanCompletions, duplicates };
}

function applyCompletion(op: OpRecord, line: CompleteLine): void {
  op.completeMs = line.at;
  op.outcome = line.outcome;
  if (line.error !== undefined) op.error = line.error;
  if (line.node !== undefined) op.node = line.node;
}

function toOp(line: Extract<HistoryLine, { t: 'invoke' }>): OpRecord {
  return {
    id: line.id,
    service: line.service,
    kind: line.kind,
    client: line.client,
    idc: line.idc,
    invokeMs: line.at,
    completeMs: null,
    outcome: 'unknown',
  };
}

function isSortedByInvoke(ops: readonly OpRecord[]): boolean {
  for (let i = 1; i < ops.length; i++) if (ops[i]!.invokeMs < ops[i - 1]!.invokeMs) return false;
  return true;
}
