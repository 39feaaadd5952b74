// Reads one agent's history file into lines. An agent appends each line with
// one synchronous write, so an agent killed mid-write leaves at most the
// start of one record, with no newline; restarted, it appends its next line
// right after it. That cut record is dropped and marked, never fatal; any
// other damage is, since skipping it could hide an acknowledged write.
import type { HistoryLine, OpKind, Outcome } from '../history.js';

export class HistoryParseError extends Error {
  readonly source: string;
  readonly line: number;
  constructor(source: string, line: number, reason: string) {
    super(`${source}:${line}: corrupt history line (${reason}); only a record cut short by a killed agent may be dropped`);
    this.name = 'HistoryParseError';
    this.source = source;
    this.line = line;
  }
}

/**
 * Where the parser dropped a record cut short: not a line of the file, a mark
 * for the merge to count and name. `record` and `id` are read from the cut
 * text when it got that far, null otherwise.
 */
export interface CutRecord {
  t: 'cut';
  source: string;
  line: number;
  record: 'invoke' | 'complete' | null;
  id: string | null;
}

export type ParsedLine = HistoryLine | CutRecord;

const OUTCOMES: ReadonlySet<string> = new Set<Outcome>(['ok', 'failed', 'unknown']);
const KINDS: ReadonlySet<string> = new Set<OpKind>(['write', 'read']);

/**
 * A line that is not JSON is a cut record when a whole record follows it on
 * the same line (the restarted agent's first line: the cut part is kept when
 * it is itself a whole record that only lacks its newline) or when it is the
 * file's last line. Anywhere else it is damage, and throws.
 */
export function parseHistoryJsonl(text: string | Iterable<string>, source: string): ParsedLine[] {
  const out: ParsedLine[] = [];
  const reader = new HistoryLineReader(source, (line) => out.push(line));
  for (const raw of typeof text === 'string' ? text.split('\n') : text) reader.line(raw);
  reader.end();
  return out;
}

/** parseHistoryJsonl one line at a time, for a file read a block at a time (see file-lines.ts). */
export function* parseHistoryLines(lines: Iterable<string>, source: string): Generator<ParsedLine> {
  const ready: ParsedLine[] = [];
  const reader = new HistoryLineReader(source, (line) => ready.push(line));
  for (const raw of lines) {
    reader.line(raw);
    if (ready.length > 0) {
      yield* ready;
      ready.length = 0;
    }
  }
  reader.end();
  yield* ready;
}

/**
 * Reads a file's lines as they come and hands on its records. Whether a line
 * is the file's last is known only when the next non-blank line comes, so
 * each line is judged one line late: its records come out on the next call.
 */
class HistoryLineReader {
  private pending = '';
  private pendingLine = 0;
  private lineNumber = 0;

  constructor(
    private readonly source: string,
    private readonly emit: (line: ParsedLine) => void,
  ) {}

  line(raw: string): void {
    this.lineNumber++;
    const lineText = raw.trim();
    if (lineText === '') return;
    if (this.pending !== '') this.judge(false);
    this.pending = lineText;
    this.pendingLine = this.lineNumber;
  }

  /** The file ended: its last line is judged. */
  end(): void {
    if (this.pending !== '') this.judge(true);
    this.pending = '';
  }

  private judge(isLast: boolean): void {
    const parsed = parseLine(this.pending, this.source, this.pendingLine, isLast);
    if (Array.isArray(parsed)) for (const line of parsed) this.emit(line);
    else this.emit(parsed);
  }
}

/** One non-blank line's record, or, when it is cut, its records: the cut one and a whole one glued after it. Damage throws. */
function parseLine(lineText: string, source: string, lineNumber: number, isLast: boolean): HistoryLine | ParsedLine[] {
  let value: unknown;
  try {
    value = JSON.parse(lineText);
  } catch (err) {
    const glued = restartedRecord(lineText);
    if (glued === null ? !isLast : !lineText.startsWith('{')) throw new HistoryParseError(source, lineNumber, `not JSON: ${(err as Error).message}`);
    const head = glued === null ? lineText : lineText.slice(0, glued.at);
    const whole = parseRecord(head);
    const out: ParsedLine[] = [whole ?? cutRecord(head, source, lineNumber)];
    if (glued !== null) out.push(glued.line);
    return out;
  }
  const problem = shapeProblem(value);
  if (problem !== null) throw new HistoryParseError(source, lineNumber, problem);
  return value as HistoryLine;
}

/**
 * The whole record that ends a glued line, and where it begins. It is unique:
 * a suffix that began inside the cut part would hold the rest of that part's
 * unclosed object before a whole record, which is never one JSON value.
 */
function restartedRecord(text: string): { at: number; line: HistoryLine } | null {
  for (let at = text.indexOf('{', 1); at !== -1; at = text.indexOf('{', at + 1)) {
    const line = parseRecord(text.slice(at));
    if (line !== null) return { at, line };
  }
  return null;
}

function parseRecord(text: string): HistoryLine | null {
  try {
    const value: unknown = JSON.parse(text);
    return shapeProblem(value) === null ? (value as HistoryLine) : null;
  } catch {
    return null;
  }
}

function cutRecord(text: string, source: string, line: number): CutRecord {
  const kind = /^\{"t":"(invoke|complete)"/.exec(text)?.[1];
  const id = /"id":("(?:[^"\\]|\\.)*")/.exec(text)?.[1];
  return { t: 'cut', source, line, record: kind === 'invoke' || kind === 'complete' ? kind : null, id: id === undefined ? null : (JSON.parse(id) as string) };
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

function isRoute(v: unknown): boolean {
  const r = v as Record<string, unknown> | null;
  return typeof r === 'object' && r !== null && typeof r['zone'] === 'string' && typeof r['epoch'] === 'number' && typeof r['forwarded'] === 'boolean';
}
