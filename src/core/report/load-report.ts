// Reading a saved report.json back (`hadrill report`, `hadrill compare`):
// whatever is wrong with the file becomes one usage error that names the file
// and says what to do, never a stack trace from a renderer tripping on it.
import { Ajv, type ValidateFunction } from 'ajv';
import { HadrillError } from '../errors.js';
import type { OpRecord } from '../history.js';
import { Interner, LatestWrites } from '../check/intern.js';
import { StoredOp } from '../check/stored-op.js';
import { emptyReadResult } from '../check/stale-reads.js';
import { buildTimeline, timelineFrame } from '../check/timeline.js';
import { readPackageJson } from '../../package-paths.js';
import type { Report } from './report-model.js';

export const REPORT_SCHEMA_VERSION = 3;
/** Older versions this hadrill still reads, upgraded on load. */
const UPGRADABLE_VERSIONS: readonly unknown[] = [1, 2];

let validator: ValidateFunction | undefined;

function getValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, allowUnionTypes: true, strict: false }).compile(readPackageJson('schema/report.schema.json') as object);
  return validator;
}

const HINT = 'Pass the directory a drill or check wrote with --report-dir (it holds report.json), or a report.json file.';

/**
 * Parses and validates report.json text. Reports written before the timeline
 * existed (same schema version) get it rebuilt from the history, the
 * history.jsonl beside them, when there is one, or an empty one otherwise.
 */
export function parseReport(text: string, source: string, history: SavedHistory | null = null): Report {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new HadrillError('usage', `${source} is not valid JSON (${(error as Error).message}).`, { hint: HINT });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || (data as { tool?: unknown }).tool !== 'hadrill') {
    throw new HadrillError('usage', `${source} is not a hadrill report (no "tool": "hadrill").`, { hint: HINT });
  }
  const version = (data as { schemaVersion?: unknown }).schemaVersion;
  if (UPGRADABLE_VERSIONS.includes(version)) {
    if (version === 1) upgradeFromVersion1(data as { schemaVersion: unknown; services?: unknown });
    upgradeFromVersion2(data as Record<string, unknown>, version as number);
  } else if (version !== REPORT_SCHEMA_VERSION) {
    throw new HadrillError('usage', `${source} has schemaVersion ${JSON.stringify(version)}; this hadrill reads schemaVersion ${REPORT_SCHEMA_VERSION}.`, {
      hint: 'Render it with the hadrill version that wrote it, or run the drill again with this one.',
    });
  }
  addMissingTimelines(data as { services?: unknown }, history);
  addMissingPhaseStaleAges(data as { services?: unknown });
  const validate = getValidator();
  if (!validate(data)) {
    const problems = (validate.errors ?? []).slice(0, 5).map((e) => `  ${e.instancePath === '' ? '(top level)' : e.instancePath}: ${e.message ?? 'invalid'}`);
    throw new HadrillError('usage', `${source} does not match schema/report.schema.json:\n${problems.join('\n')}`, {
      hint: 'The file was changed by hand or cut short; run the drill or `hadrill check --report-dir DIR` again to write a fresh one.',
    });
  }
  return data as Report;
}

/** Reports written before each phase had its stale-read age: none was measured, and none is made up. */
function addMissingPhaseStaleAges(data: { services?: unknown }): void {
  if (!Array.isArray(data.services)) return;
  for (const s of data.services as Record<string, unknown>[]) {
    const phases = typeof s === 'object' && s !== null ? (s['phases'] as Record<string, Record<string, unknown>> | undefined) : undefined;
    for (const phase of Object.values(phases ?? {})) {
      if (typeof phase !== 'object' || phase === null) continue;
      phase['staleAge'] ??= { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
      phase['staleReads'] ??= 0;
    }
  }
}

function addMissingTimelines(data: { services?: unknown }, history: SavedHistory | null): void {
  if (!Array.isArray(data.services)) return;
  const services = data.services.filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null && !Array.isArray(s));
  if (services.every((s) => 'timeline' in s)) return;
  // Read only now, for the one report that needs it: one written before reports held their timelines.
  const ops = history === null ? [] : parseSavedHistory(typeof history === 'function' ? history() : history);
  const frame = timelineFrame(ops);
  for (const s of services) {
    if ('timeline' in s) continue;
    s['timeline'] = buildTimeline(
      ops.filter((op) => op.service === s['name']),
      frame,
    );
  }
}

/**
 * Version 1 reports come from workloads that only inserted unique ids and
 * never read: they truly had no reads and no shared keys, so no stale reads
 * and no conflicts, which is what the added fields say.
 */
function upgradeFromVersion1(data: { schemaVersion: unknown; services?: unknown }): void {
  if (!Array.isArray(data.services)) return;
  for (const s of data.services as Record<string, unknown>[]) {
    if (typeof s !== 'object' || s === null) continue;
    s['conflicts'] ??= 0;
    s['conflictIds'] ??= [];
    s['reads'] ??= emptyReadResult();
    const phases = s['phases'] as Record<string, Record<string, unknown>> | undefined;
    for (const phase of Object.values(phases ?? {})) {
      if (typeof phase !== 'object' || phase === null) continue;
      phase['reads'] ??= 0;
      phase['readErrors'] ??= 0;
      phase['readLatency'] ??= { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
    }
  }
}

/**
 * Version 2 measured RTO pooled over every surviving client and counted any
 * acknowledged write as recovery; its figure is kept and said to be that.
 * The RPO window, RTO per client and split brain were not measured then,
 * so they are absent (null, empty), never made up; a negative reroute time
 * becomes the sentence it should have been.
 */
function upgradeFromVersion2(data: Record<string, unknown>, from: number): void {
  data['schemaVersion'] = REPORT_SCHEMA_VERSION;
  data['incomplete'] ??= [];
  const notes = Array.isArray(data['notes']) ? (data['notes'] as unknown[]) : (data['notes'] = []);
  notes.push(`upgraded from report schemaVersion ${from}: RTO is that version's figure (pooled over the surviving clients, counting acknowledged writes, not durable ones); RTO per client, the RPO window and split brain were not measured`);
  if (!Array.isArray(data['services'])) return;
  for (const s of data['services'] as Record<string, unknown>[]) {
    if (typeof s !== 'object' || s === null) continue;
    const rpo = (s['rpo'] ?? {}) as { lostWrites?: unknown; spanMs?: unknown };
    s['rpo'] = { lostWrites: rpo.lostWrites ?? 0, windowMs: null, firstLostAckMs: null, lastLostAckMs: null, beforeOutageMs: rpo.spanMs ?? null };
    s['rto'] ??= { resolutionMs: null, client: null, idc: null, gap: null, recoveredAtMs: null, byClient: [], byIdc: [] };
    s['splitBrain'] ??= null;
    // Before groups, a report's services were mysql and redis: their names were their kinds.
    s['kind'] ??= s['name'] === 'redis' ? 'redis' : 'mysql';
    s['backups'] ??= null;
    const split = (s['rtoSplit'] ?? {}) as Record<string, unknown>;
    const reroute = typeof split['rerouteMs'] === 'number' ? split['rerouteMs'] : null;
    s['rtoSplit'] = {
      faultId: null,
      detectMs: nonNegative(split['detectMs']),
      promoteMs: nonNegative(split['promoteMs']),
      rerouteMs: nonNegative(reroute),
      note: reroute !== null && reroute < 0 ? `clients wrote again ${Math.round(-reroute)} ms before the promotion was reported` : null,
    };
    s['promotions'] ??= [];
    for (const idc of Array.isArray(s['byIdc']) ? (s['byIdc'] as Record<string, unknown>[]) : []) {
      idc['lostWindowMs'] ??= null;
      idc['steadyWriteLatency'] ??= { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
    }
  }
}

function nonNegative(v: unknown): number | null {
  return typeof v === 'number' && v >= 0 ? v : null;
}

/** A saved history.jsonl: its text, or its lines, or a way to read them when they are needed. */
export type SavedHistory = string | Iterable<string> | (() => Iterable<string>);

/** history.jsonl as a report directory holds it: one merged operation per line. Lines that are not operations are skipped. */
export function parseSavedHistory(lines: string | Iterable<string>): OpRecord[] {
  return readSavedHistory(lines).ops;
}

export interface SavedOps {
  ops: OpRecord[];
  /** Non-blank lines that were no operation, left out of ops. */
  skipped: number;
}

/**
 * The saved ops with one of these ids, and the first write's id (an example
 * for a message): what `hadrill explain` needs of a history of millions of
 * ops. Only lines that hold an id asked for, as JSON writes it, are parsed.
 */
export function findSavedOps(lines: Iterable<string>, ids: ReadonlySet<string>): { ops: OpRecord[]; firstWriteId: string | null } {
  const quoted = [...ids].map((id) => JSON.stringify(id));
  let firstWriteId: string | null = null;
  const wanted: string[] = [];
  for (const line of lines) {
    if (firstWriteId === null && line.includes('"write"')) firstWriteId = parseSavedHistory([line]).find((op) => op.kind === 'write')?.id ?? null;
    if (quoted.some((q) => line.includes(q))) wanted.push(line);
  }
  return { ops: parseSavedHistory(wanted).filter((op) => ids.has(op.id)), firstWriteId };
}

/** parseSavedHistory, and how many lines it left out. */
export function readSavedHistory(lines: string | Iterable<string>): SavedOps {
  const ops: OpRecord[] = [];
  let skipped = 0;
  const intern = new Interner();
  const latestWrites = new LatestWrites();
  for (const line of typeof lines === 'string' ? lines.split('\n') : lines) {
    if (line.trim() === '') continue;
    try {
      const op = JSON.parse(line) as Partial<OpRecord>;
      if (typeof op.service === 'string' && typeof op.idc === 'string' && typeof op.invokeMs === 'number' && typeof op.outcome === 'string') {
        ops.push(savedOp(op as SavedLine, intern, latestWrites));
        continue;
      }
    } catch {
      // A cut-short last line: the timeline is a picture, not a verdict.
    }
    skipped++;
  }
  return { ops, skipped };
}

/** A saved line with the fields an op needs to be kept. */
type SavedLine = Partial<OpRecord> & Pick<OpRecord, 'service' | 'idc' | 'invokeMs' | 'outcome'>;

/** One saved line as the op it was, stored as mergeHistory stores it, the strings that repeat kept once. */
function savedOp(o: SavedLine, intern: Interner, latestWrites: LatestWrites): OpRecord {
  const op = new StoredOp(o.id!, intern.of(o.service), o.kind!, intern.maybe(o.client)!, intern.of(o.idc), o.invokeMs);
  op.completeMs = o.completeMs ?? null;
  op.outcome = o.outcome;
  if (o.key !== undefined) op.key = intern.maybe(o.key);
  if (o.error !== undefined) op.error = intern.maybe(o.error);
  if (o.node !== undefined) op.node = intern.maybe(o.node);
  if (o.observed !== undefined) op.observed = latestWrites.answer(op.client, o.observed);
  if (o.route !== undefined) op.route = o.route;
  if (op.kind === 'write') latestWrites.note(op);
  return op;
}
