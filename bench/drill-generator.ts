// A drill's history and final state made up at any size, written straight to
// disk: the scale benchmark needs ten million operations, whose history is
// gigabytes, so the generator never holds it. It keeps only what the final
// state needs, and that compactly: per client, one byte per write number
// saying whether the write survived (ids are rebuilt from their numbers when
// the final state is written), the last few surviving ids per client (for
// reads to observe), and each shared key's last writer.
//
// The drill it makes: six clients (two per IDC, alternating services) write
// and read back to back at about 500 ops/s each, a third of their operations
// reads of their own latest write (one in ten a few writes behind: a lagging
// replica); every write sets one of 32 shared keys. Halfway through, idc-a
// loses power: its clients see unknowns and die, the others fail for four to
// six seconds while the primary moves to idc-b, then succeed again. One
// acknowledged write in a thousand is missing from the final state: the
// checker must find exactly those.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SavedCheck } from '../src/core/report/saved-check.js';
import { SAVED_CHECK_VERSION } from '../src/core/report/saved-check.js';
import { prng } from '../test/support/prng.js';

const T0 = 1_796_678_360_000;
const KEYS = 32;
const INCARNATION = 'mxdrwndc';
const SERVICES = ['mysql', 'redis'] as const;
type Service = (typeof SERVICES)[number];
const IDCS = ['idc-a', 'idc-b', 'idc-c'] as const;
/** Each service's node in each IDC, and the address its clients record. */
const NODE_ADDRESS: Record<Service, readonly string[]> = { mysql: ['10.209.1.10', '10.209.2.10', '10.209.3.10'], redis: ['10.209.1.20', '10.209.2.20', '10.209.3.20'] };
const nodeName = (service: Service, idc: number): string => `${service}-${'abc'[idc]}1`;
/** How many of the last surviving writes a client remembers for its reads to observe. */
const REMEMBERED = 5;

/** How a drill's history is written: as a report directory holds it, or as the agents write it. */
export type HistoryLayout = 'report' | 'agents';

export interface GeneratedDrill {
  ops: number;
  /** Acknowledged writes the final state leaves out: what the checker must call lost. */
  lost: number;
  /** Bytes of history written. */
  historyBytes: number;
}

interface Client {
  name: string;
  idc: number;
  service: Service;
  clock: number;
  alive: boolean;
  n: number;
  /** 1 at each write number whose write survived. */
  applied: Uint8Array;
  recent: string[];
}

/**
 * Writes into dir, for layout 'report', history.jsonl (one OpRecord per line,
 * as `hadrill check` writes it), final-state.json and check-input.json: what
 * `hadrill check --from` reads. For layout 'agents', history/<client>.jsonl
 * (invoke and complete lines, as the agents write them) and final-state.json.
 */
export function writeGeneratedDrill(dir: string, totalOps: number, seed: number, layout: HistoryLayout = 'report'): GeneratedDrill {
  mkdirSync(dir, { recursive: true });
  const rand = prng(seed);
  const clients: Client[] = Array.from({ length: 6 }, (_, i) => ({
    name: `app-${IDCS[Math.floor(i / 2)]}-${i % 2}`,
    idc: Math.floor(i / 2),
    service: SERVICES[i % 2]!,
    clock: T0 + rand() * 5,
    alive: true,
    n: 0,
    applied: new Uint8Array(totalOps + 1),
    recent: [],
  }));
  const registers: Record<Service, Map<string, string>> = { mysql: new Map(), redis: new Map() };
  // The replica in idc-c lacks the last few writes of its primary.
  const lastApplied: Record<Service, string[]> = { mysql: [], redis: [] };
  const outageStartMs = T0 + (totalOps / clients.length / 2) * 2;
  const promotedMs = outageStartMs + 3000 + rand() * 1000;
  const recoveryMs = outageStartMs + 4000 + rand() * 2000;
  const sinks = layout === 'report' ? [new TextSink(join(dir, 'history.jsonl'))] : (mkdirSync(join(dir, 'history'), { recursive: true }), clients.map((c) => new TextSink(join(dir, 'history', `${c.name}.jsonl`))));
  const sinkOf = (c: number): TextSink => sinks[layout === 'report' ? 0 : c]!;
  let ops = 0;
  let lost = 0;
  // The client whose clock is earliest goes next: the history comes out in
  // invoke order, as `hadrill check` saves it.
  while (ops < totalOps) {
    let c = -1;
    for (let k = 0; k < clients.length; k++) if (clients[k]!.alive && (c === -1 || clients[k]!.clock < clients[c]!.clock)) c = k;
    const cl = clients[c]!;
    const at = cl.clock;
    const primary = NODE_ADDRESS[cl.service][at < promotedMs ? 0 : 1]!;
    const n = cl.n++;
    ops++;
    if (rand() < 1 / 3) {
      const id = `${cl.service}.q.${cl.name}.${INCARNATION}.${n}`;
      const behind = rand() < 0.1 ? Math.floor(rand() * REMEMBERED) : 0;
      const observed = cl.recent.length > behind ? cl.recent[cl.recent.length - 1 - behind]! : null;
      const done = at + 0.4 + rand() * 0.2;
      const node = NODE_ADDRESS[cl.service][cl.idc]!;
      if (layout === 'report') {
        sinkOf(c).write(`{"id":"${id}","service":"${cl.service}","kind":"read","client":"${cl.name}","idc":"${IDCS[cl.idc]}","invokeMs":${at},"completeMs":${done},"outcome":"ok","node":"${node}","observed":${observed === null ? 'null' : `"${observed}"`}}\n`);
      } else {
        sinkOf(c).write(`{"t":"invoke","id":"${id}","service":"${cl.service}","kind":"read","client":"${cl.name}","idc":"${IDCS[cl.idc]}","at":${at}}\n`);
        sinkOf(c).write(`{"t":"complete","id":"${id}","at":${done},"outcome":"ok","node":"${node}","observed":${observed === null ? 'null' : `"${observed}"`}}\n`);
      }
      cl.clock = done + rand();
      continue;
    }
    const id = `${cl.service}.${cl.name}.${INCARNATION}.${n}`;
    const key = `k${Math.floor(rand() * KEYS)}`;
    let outcome: 'ok' | 'failed' | 'unknown';
    let error: string | null = null;
    let latency = 1 + rand() * 2;
    if (at >= outageStartMs && cl.idc === 0) {
      outcome = 'unknown';
      error = 'ETIMEDOUT';
      cl.alive = rand() < 0.9;
    } else if (at >= outageStartMs && at < recoveryMs) {
      outcome = rand() < 0.7 ? 'failed' : 'unknown';
      error = outcome === 'failed' ? `ECONNREFUSED ${primary}:3306` : 'ETIMEDOUT';
      latency = 50 + rand() * 200;
    } else if (rand() < 0.999) outcome = 'ok';
    else {
      outcome = 'failed';
      error = 'ER_LOCK_DEADLOCK: Deadlock found when trying to get lock; try restarting transaction';
    }
    const done = at + latency;
    const errorField = error === null ? '' : `,"error":"${error}"`;
    const head = `"id":"${id}","service":"${cl.service}","kind":"write","client":"${cl.name}","idc":"${IDCS[cl.idc]}"`;
    if (layout === 'report') {
      // A killed agent never recorded the completion: the op stays unknown, with no completion time.
      const completion = cl.alive ? `"completeMs":${done},"outcome":"${outcome}","key":"${key}"${errorField},"node":"${primary}"` : `"completeMs":null,"outcome":"unknown","key":"${key}"`;
      sinkOf(c).write(`{${head},"invokeMs":${at},${completion}}\n`);
    } else {
      sinkOf(c).write(`{"t":"invoke",${head},"at":${at},"key":"${key}"}\n`);
      if (cl.alive) sinkOf(c).write(`{"t":"complete","id":"${id}","at":${done},"outcome":"${outcome}"${errorField},"node":"${primary}"}\n`);
    }
    let survived = false;
    if (outcome === 'ok') {
      if (rand() < 0.001) lost++;
      else survived = true;
    } else if (outcome === 'unknown' && rand() < 0.5) survived = true;
    if (survived) {
      cl.applied[n] = 1;
      registers[cl.service].set(key, id);
      cl.recent.push(id);
      if (cl.recent.length > REMEMBERED) cl.recent.shift();
      const last = lastApplied[cl.service];
      last.push(id);
      if (last.length > 3) last.shift();
    }
    cl.clock = done + rand();
  }
  const historyBytes = sinks.reduce((sum, s) => sum + s.close(), 0);
  const readAtMs = Math.max(...clients.map((c) => c.clock)) + 1000;
  writeFinalState(join(dir, 'final-state.json'), readAtMs, clients, registers, lastApplied);
  if (layout === 'report') writeCheckInput(join(dir, 'check-input.json'), outageStartMs, promotedMs, readAtMs);
  return { ops, lost, historyBytes };
}

/** Text written through a buffer of about a MiB. */
class TextSink {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  private bytes = 0;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }
  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) this.flush();
  }
  /** Flushes, closes, and says how many bytes were written. */
  close(): number {
    this.flush();
    closeSync(this.fd);
    return this.bytes;
  }
  private flush(): void {
    if (this.parts.length === 0) return;
    const data = Buffer.from(this.parts.join(''));
    for (let done = 0; done < data.length; ) done += writeSync(this.fd, data, done, data.length - done);
    this.bytes += data.length;
    this.parts = [];
    this.size = 0;
  }
}

/** final-state.json as `hadrill check` writes it (two-space indentation, one id a line). */
function writeFinalState(file: string, readAtMs: number, clients: readonly Client[], registers: Record<Service, Map<string, string>>, lastApplied: Record<Service, string[]>): void {
  const out = new TextSink(file);
  const idLines = (service: Service, indent: string, leaveOut: ReadonlySet<string>): void => {
    let first = true;
    for (const cl of clients) {
      if (cl.service !== service) continue;
      for (let n = 0; n < cl.n; n++) {
        if (cl.applied[n] !== 1) continue;
        const id = `${service}.${cl.name}.${INCARNATION}.${n}`;
        if (leaveOut.has(id)) continue;
        out.write(`${first ? '' : ',\n'}${indent}"${id}"`);
        first = false;
      }
    }
    out.write('\n');
  };
  out.write(`{\n  "readAtMs": ${readAtMs},\n  "services": [\n`);
  SERVICES.forEach((service, s) => {
    const registerLines = [...registers[service]].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, id]) => `            "${k}": "${id}"`);
    out.write(`    {\n      "service": "${service}",\n      "authority": "writer",\n      "authoritativeNode": "${nodeName(service, 1)}",\n      "nodes": [\n`);
    out.write(`        {\n          "node": "${nodeName(service, 1)}",\n          "idc": "idc-b",\n          "role": "primary",\n          "ids": [\n`);
    idLines(service, '            ', new Set());
    out.write(`          ],\n          "registers": {\n${registerLines.join(',\n')}\n          }\n        },\n`);
    out.write(`        {\n          "node": "${nodeName(service, 2)}",\n          "idc": "idc-c",\n          "role": "replica",\n          "ids": [\n`);
    idLines(service, '            ', new Set(lastApplied[service]));
    out.write(`          ]\n        }\n      ],\n`);
    out.write(`      "unreadable": [\n        {\n          "node": "${nodeName(service, 0)}",\n          "reason": "power off"\n        }\n      ]\n    }${s + 1 < SERVICES.length ? ',' : ''}\n`);
  });
  out.write('  ]\n}\n');
  out.close();
}

function writeCheckInput(file: string, outageStartMs: number, promotedMs: number, readAtMs: number): void {
  const nodeNames = Object.fromEntries(SERVICES.flatMap((s) => NODE_ADDRESS[s].map((address, idc) => [address, nodeName(s, idc)])));
  const nodeIdcs = Object.fromEntries(SERVICES.flatMap((s) => IDCS.map((idc, i) => [nodeName(s, i), idc])));
  const saved: SavedCheck = {
    schemaVersion: SAVED_CHECK_VERSION,
    input: {
      faults: [{ id: 'power-idc-a', spec: { kind: 'power', idc: 'idc-a' }, requestedMs: outageStartMs, appliedMs: outageStartMs + 260, healedMs: null }],
      outageStartMs,
      outageEndMs: null,
      outageIdcs: ['idc-a'],
      down: [{ idc: 'idc-a', fromMs: outageStartMs, toMs: null }],
      rtoWindowMs: 1000,
      failoverEvents: Object.fromEntries(
        SERVICES.map((s) => [s, { detectedMs: [promotedMs - 1000], promotedMs: [promotedMs], promotions: [{ atMs: promotedMs, node: nodeName(s, 1), reason: 'the most advanced reachable replica' }] }]),
      ),
      writeIntervalMs: { mysql: 2, redis: 2 },
      nodeNames,
      nodeIdcs,
      singleWriter: { mysql: true, redis: true },
      kinds: { mysql: 'mysql', redis: 'redis' },
      backups: {},
    },
    report: {
      scenario: { name: 'scale-bench', file: 'bench/drill-generator.ts', tier: 'hot-standby' },
      run: 'scale-bench',
      mode: 'drill',
      startedAt: T0 - 1000,
      finishedAt: readAtMs + 500,
      notes: ['a generated drill (bench/drill-generator.ts)'],
      replicationLag: [],
      dal: null,
    },
    slo: { groups: {} } as SavedCheck['slo'],
  };
  const out = new TextSink(file);
  out.write(JSON.stringify(saved) + '\n');
  out.close();
}
