// `hadrill check` and the end of every drill: read the agents' clocks, quiesce
// the agents, read the final state, fold the histories, the journal, the
// failover events and the clock readings into a Report, and write
// report.json, history.jsonl, final-state.json and the rendered reports.
import { checkAll, downFromFaults, incompleteServices } from '../core/check/checker.js';
import type { CheckInput } from '../core/check/check-types.js';
import { evaluateScenarioSlos } from '../core/check/slo-scope.js';
import { isSingleWriter, type Slo } from '../core/scenario/scenario.js';
import { phase, type EventSink } from '../core/engine-events.js';
import { isOutageFault, startsRtoClock } from '../core/faults.js';
import type { FinalState } from '../core/history.js';
import { faultEvents } from '../core/journal-model.js';
import { buildReport, type Report } from '../core/report/report-model.js';
import { jsonChunks } from '../core/json-text.js';
import { readBlocksSync } from '../file-blocks.js';
import { savedCheck, type SavedCheck } from '../core/report/saved-check.js';
import { renderHtml } from '../core/report/render-html.js';
import { renderJunit } from '../core/report/render-junit.js';
import { renderMarkdown } from '../core/report/render-markdown.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { ClockMeasurement } from '../core/clock-skew.js';
import { pauseAgents, resumeAgents } from './agents-control.js';
import { measureAgentClocks } from './clock-probe.js';
import { readAgentCpu } from './agent-cpu-files.js';
import { readFinalState } from './final-read.js';
import { liveGroups, type LiveGroup } from './groups.js';
import { readRunHistory } from './history-files.js';
import { readJournal } from './journal.js';
import { catchUpReplicas } from './replication-wait.js';
import { readControllerEvents, readDalSummary } from './dal.js';
import { dalMilestones } from '../core/dal-log.js';
import { liveRunContainers } from './ownership.js';
import { runDir, type RunState } from './run-store.js';
import { writeIntoReportDir, type ReportDirOptions } from './report-dir.js';
import { familiesOf } from '../datastores/registry.js';
import { renewLease } from './lease.js';

export interface CheckOptions {
  reportDir: string;
  mode: Report['mode'];
  startedAtMs: number;
  slo: Slo;
  emit: EventSink;
  /** Let the agents write again afterwards (a manual session goes on). */
  resume: boolean;
  /** What the caller saw that the report must say (e.g. a topology that never converged). */
  notes?: string[];
  /** Write into a report directory that holds other files too (--force). */
  force?: boolean;
  /** The agents' clocks as read when the drill started; a manual session's check has only its own reading, at the end. */
  startClocks?: ClockMeasurement;
}

export async function checkRun(state: RunState, runtime: ContainerRuntime, options: CheckOptions): Promise<Report> {
  const { emit } = options;
  // The agents resume after the read: for the run's TTL from now.
  renewLease(state);
  const opTimeout = state.scenario.workload.opTimeoutMs;
  // Read as the agents are told to pause: the reading closest to the end of their histories, at no cost in time.
  const [endClocks] = await phase(emit, 'quiesce', "Pausing the workload agents for the final read, and reading their clocks", () =>
    Promise.all([measureAgentClocks(state, runtime), pauseAgents(state, runtime, opTimeout + 10_000)]),
  );
  let finalState: FinalState;
  let history: ReturnType<typeof readRunHistory>;
  try {
    await phase(emit, 'catch-up', 'Letting replicas apply what they received', () => catchUpReplicas(state, 15_000));
    finalState = await phase(emit, 'final-read', 'Reading the final state of every reachable node', () => readFinalState(state));
    history = readRunHistory(state.run);
  } finally {
    if (options.resume) await resumeAgents(state, runtime);
  }
  const groups = liveGroups(state);
  const report = await phase(emit, 'check', 'Checking acknowledged writes against the final state', async () => {
    const faults = faultEvents(readJournal(state.run));
    const outages = faults.filter((f) => isOutageFault(f.spec));
    const first = faults.find((f) => startsRtoClock(f.spec));
    // Requested, not applied: killing four containers takes about 0.4 s, and clients feel the first kill.
    const outageStartMs = first?.requestedMs ?? null;
    const ops = history.ops.filter((op) => op.invokeMs < finalState.readAtMs);
    const input: CheckInput = {
      history: ops,
      finalState,
      faults,
      outageStartMs,
      outageEndMs: first?.healedMs ?? null,
      outageIdcs: [...new Set(outages.map((f) => (isOutageFault(f.spec) ? f.spec.idc : '')))],
      down: downFromFaults(faults),
      rtoWindowMs: state.scenario.drill.rtoWindowMs,
      // From the drill's start: a promotion before any fault is a false failover, and the report counts it.
      failoverEvents: await failoverEvents(state, runtime, groups, options.startedAtMs),
      writeIntervalMs: writeIntervals(state),
      // Clients record the address that answered a write; reports speak of nodes.
      nodeNames: Object.fromEntries(state.plan.containers.map((c) => [c.ip, c.node])),
      nodeIdcs: Object.fromEntries(state.plan.containers.map((c) => [c.node, c.idc])),
      singleWriter: Object.fromEntries(state.scenario.groups.map((g) => [g.name, isSingleWriter(g)])),
      kinds: Object.fromEntries(state.scenario.groups.map((g) => [g.name, g.kind])),
      // Only groups that take backups have a backup summary (an empty one would read as "backups failed to happen").
      backups: Object.fromEntries(groups.filter(({ group }) => group.backup !== null).map(({ group, engine, ctx }) => [group.name, engine.backups(ctx)])),
    };
    const services = checkAll(input);
    const incomplete = incompleteServices(input);
    const notes: string[] = [...(options.notes ?? []), linksNote(state), ...unreadMachineryNotes(state)];
    if (history.orphanCompletions > 0) notes.push(`${history.orphanCompletions} completions had no invoke in the history`);
    if (history.duplicates > 0) notes.push(`${history.duplicates} duplicate history lines were ignored`);
    notes.push(...history.notes);
    for (const s of finalState.services) for (const u of s.unreadable) notes.push(`${s.service}: node ${u.node} could not be read (${u.reason})`);
    const frame: SavedCheck['report'] = {
      scenario: { name: state.scenario.name, file: state.scenario.file, tier: state.scenario.tier },
      run: state.run,
      mode: options.mode,
      startedAt: options.startedAtMs,
      finishedAt: Date.now(),
      notes,
      replicationLag: groups.flatMap(({ engine, ctx }) => engine.lag(ctx, options.startedAtMs, finalState.readAtMs)),
      dal: readDalSummary(state, ops),
      families: familiesOf(state.scenario.groups),
      clockSkew: { start: options.startClocks ?? null, end: endClocks },
      agentCpu: readAgentCpu(state.run),
    };
    const built = buildReport({ ...frame, faults, services, incomplete, slos: evaluateScenarioSlos(services, options.slo) });
    return { built, saved: savedCheck(input, frame, options.slo) };
  });
  writeReportFiles(options.reportDir, report.built, history.ops.filter((op) => op.invokeMs < finalState.readAtMs), finalState, { force: Boolean(options.force) }, report.saved);
  return report.built;
}

/**
 * The six report files, into a directory hadrill made or one holding only its
 * reports (any other with `force`), each replaced whole and never through a
 * symbolic link planted at its name (see report-dir.ts).
 */
export function writeReportFiles(dir: string, report: Report, ops: Iterable<unknown> | HistoryCopy, finalState: FinalState, options: ReportDirOptions = {}, saved?: SavedCheck): void {
  writeIntoReportDir(
    dir,
    [
      // What `hadrill check --from` needs to check the drill again; an interrupted drill has nothing to check.
      ...(saved ? [{ name: 'check-input.json', data: JSON.stringify(saved) + '\n' }] : []),
      // Written in chunks: the final state of a long drill lists tens of millions of ids, more text than one string holds.
      { name: 'report.json', data: jsonFile(report) },
      { name: 'history.jsonl', data: isHistoryCopy(ops) ? readBlocksSync(ops.copyOf) : jsonLines(ops) },
      { name: 'final-state.json', data: jsonFile(finalState) },
      { name: 'junit.xml', data: renderJunit(report) },
      { name: 'summary.md', data: renderMarkdown(report) },
      { name: 'report.html', data: renderHtml(report) },
    ],
    options,
  );
}

/** Each history client's time between writes: a connection's share of the rate. Unpaced (max) writes have no set interval. */
function writeIntervals(state: RunState): NonNullable<CheckInput['writeIntervalMs']> {
  return Object.fromEntries(state.scenario.workload.groups.flatMap((w) => (typeof w.writesPerSecond === 'number' && w.writesPerSecond > 0 ? [[w.group, (1000 * w.inFlight) / w.writesPerSecond]] : [])));
}

async function failoverEvents(state: RunState, runtime: ContainerRuntime, groups: LiveGroup[], sinceMs: number): Promise<NonNullable<CheckInput['failoverEvents']>> {
  const live = new Set((await liveRunContainers(runtime, state)).map((c) => c.name));
  // A container that is gone has no log to read: its milestones are lost with it.
  const logs = (name: string): Promise<string> => (live.has(name) ? runtime.logs(name) : Promise.resolve(''));
  const events: NonNullable<CheckInput['failoverEvents']> = {};
  for (const { group, engine, ctx } of groups) events[group.name] = await engine.milestones(ctx, sinceMs, logs);
  // A routed tier's sharded group has no failover manager: its controller's moves are its promotions.
  const dal = state.scenario.dal;
  if (dal) {
    const sharded = state.scenario.groups.find((g) => g.name === dal.shardedGroup);
    const zoneNode = Object.fromEntries(dal.zones.flatMap((z) => sharded?.nodes.filter((n) => n.idc === z.idc).map((n) => [z.name, n.name] as const) ?? []));
    events[dal.shardedGroup] = dalMilestones(readControllerEvents(state), zoneNode, sinceMs);
  }
  return events;
}

function linksNote(state: RunState): string {
  if (state.attach) {
    return `attached to your containers on ${state.attach.network}: the IDCs are the scenario's names for them, with no latency between them; cuts are filter rules in each container's network namespace`;
  }
  return `links between IDCs shaped with ${state.wan?.mechanism === 'netem' ? 'tc netem' : state.wan?.mechanism === 'userspace' ? 'the userspace WAN emulator (no netem in this kernel)' : 'nothing'}`;
}

/** An attached group whose machinery hadrill has no way to read: its RTO is the clients' alone. */
function unreadMachineryNotes(state: RunState): string[] {
  if (!state.attach) return [];
  return state.scenario.groups
    .filter((g) => g.failover.kind === 'none')
    .map((g) => `${g.name}: attached with failover kind none: whatever failover machinery you run for it, hadrill does not read it, so its RTO is measured from the clients and not split into detection, promotion and rerouting`);
}

/**
 * A saved history.jsonl whose every line is an op of the check (a saved drill
 * checked again): copied as it is, the same ops in the same text, rather
 * than millions of ops written out again.
 */
export interface HistoryCopy {
  copyOf: string;
}

function isHistoryCopy(ops: Iterable<unknown> | HistoryCopy): ops is HistoryCopy {
  return typeof (ops as Partial<HistoryCopy>).copyOf === 'string';
}

/** JSON.stringify(value, null, 2) and a newline, in chunks (see json-text.ts). */
function* jsonFile(value: unknown): Generator<string> {
  yield* jsonChunks(value, 2);
  yield '\n';
}

/** Bytes of text a history chunk holds before it is written: large enough to be quick, small enough to be no burden. */
const HISTORY_CHUNK_CHARS = 1 << 20;

/** One JSON line per operation, in chunks of about a MiB: never the whole history as one string. */
export function* jsonLines(ops: Iterable<unknown>): Generator<string> {
  let chunk: string[] = [];
  let size = 0;
  for (const op of ops) {
    const line = JSON.stringify(op) + '\n';
    chunk.push(line);
    size += line.length;
    if (size >= HISTORY_CHUNK_CHARS) {
      yield chunk.join('');
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}
