// `hadrill report` and `hadrill compare` as a user runs them: from saved
// report directories, without Docker, with exit code 2 and a hint for
// anything that is not a report.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hadrill, ROOT } from '../support/hadrill-cli.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'hot-standby-report');
const home = mkdtempSync(join(tmpdir(), 'hadrill-report-cli-'));
// No Docker is reachable from here: these commands must not need it.
const env = { HADRILL_HOME: home, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

function reportDir(name: string, mutate?: (report: Record<string, unknown>) => void): string {
  const dir = join(home, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(FIXTURE, dir, { recursive: true });
  if (mutate !== undefined) {
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, unknown>;
    mutate(report);
    writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
  }
  return dir;
}

describe('hadrill report', () => {
  test('renders a saved report as self-contained HTML on stdout', async () => {
    const r = await hadrill(['report', FIXTURE, '--format', 'html'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^<!DOCTYPE html>/);
    assert.match(r.stdout, /<svg class="timeline" id="timeline-mysql"/);
    assert.doesNotMatch(r.stdout, /https?:\/\//);
  });

  test('writes -o FILE in the format its extension names, and says so', async () => {
    const out = join(home, 'rendered', 'drill.html');
    const r = await hadrill(['report', FIXTURE, '-o', out], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Wrote .*drill\.html \(html, \d+ kB\) from hot-standby-report: hot-standby, PASS/);
    assert.match(readFileSync(out, 'utf8'), /<span class="badge pass" id="verdict">PASS<\/span>/);
  });

  test('renders JUnit, Markdown and JSON from the directory or the report.json itself', async () => {
    const junit = await hadrill(['report', FIXTURE, '--format', 'junit'], env);
    assert.equal(junit.code, 0, junit.stderr);
    assert.match(junit.stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="hadrill" tests="2" failures="0"/);
    const md = await hadrill(['report', join(FIXTURE, 'report.json')], env);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^## ✅ hadrill: hot-standby: PASS/);
    const json = await hadrill(['--json', 'report', FIXTURE], env);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), JSON.parse(readFileSync(join(FIXTURE, 'report.json'), 'utf8')));
  });

  test('a missing directory is a usage error (exit 2) with a hint', async () => {
    const r = await hadrill(['report', join(home, 'no-such-dir'), '--format', 'html'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error No report at .*no-such-dir: no such file or directory\./);
    assert.match(r.stderr, /hint {2}Pass the directory a drill or check wrote with --report-dir/);
    assert.equal(r.stdout, '');
  });

  test('a directory without report.json is a usage error (exit 2)', async () => {
    const empty = join(home, 'empty');
    mkdirSync(empty, { recursive: true });
    const r = await hadrill(['report', empty], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Cannot read .*empty\/report\.json: no such file/);
    assert.match(r.stderr, /hint {2}.*is not a report directory/);
  });

  test('a malformed report, or one of another schema version, is a usage error (exit 2)', async () => {
    const notJson = reportDir('not-json');
    writeFileSync(join(notJson, 'report.json'), '{"schemaVersion": 1, "tool": "hadr');
    const a = await hadrill(['report', notJson, '--format', 'html'], env);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /report\.json is not valid JSON/);

    const future = reportDir('future', (r) => (r['schemaVersion'] = 4));
    const b = await hadrill(['report', future], env);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /has schemaVersion 4; this hadrill reads schemaVersion 3/);

    const broken = reportDir('broken', (r) => delete r['services']);
    const c = await hadrill(['report', broken], env);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /does not match schema\/report\.schema\.json:\n {2}\(top level\): must have required property 'services'/);
    assert.doesNotMatch(c.stderr, /at .*\.js:\d+/, 'no stack trace');
  });

  test('an unknown format is a usage error (exit 2)', async () => {
    const r = await hadrill(['report', FIXTURE, '--format', 'pdf'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown report format "pdf"/);
    assert.match(r.stderr, /html, md, junit, json/);
  });

  test('an older report without the timeline is rendered with one rebuilt from history.jsonl', async () => {
    const old = reportDir('old', (r) => {
      for (const s of r['services'] as Record<string, unknown>[]) delete s['timeline'];
    });
    const r = await hadrill(['report', old, '--format', 'html'], env);
    assert.equal(r.code, 0, r.stderr);
    const fresh = await hadrill(['report', FIXTURE, '--format', 'html'], env);
    assert.equal(r.stdout, fresh.stdout);
  });
});

describe('hadrill check --from', () => {
  test('a report directory from before check-input.json: exit 2, naming the missing file, and nothing written', async () => {
    const dir = reportDir('from-old');
    const out = join(home, 'from-old-out');
    const result = await hadrill(['check', '--from', dir, '--report-dir', out], env);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`${join(dir, 'check-input.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is missing`));
    assert.match(result.stderr, /hold check-input\.json/);
    assert.equal(existsSync(join(out, 'report.json')), false);
  });

  test('a check input of another schema version: exit 2 saying which it reads', async () => {
    const dir = reportDir('from-future');
    writeFileSync(join(dir, 'check-input.json'), JSON.stringify({ schemaVersion: 9 }));
    const result = await hadrill(['check', '--from', dir, '--report-dir', join(home, 'from-future-out')], env);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /has schemaVersion 9; this hadrill reads 1/);
  });
});

describe('hadrill compare', () => {
  test('prints the trade-off table for several report directories', async () => {
    const semi = reportDir('semisync', (r) => {
      (r['scenario'] as Record<string, unknown>)['name'] = 'hot-standby-semisync';
    });
    const r = await hadrill(['compare', FIXTURE, semi], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^scenario +tier +MySQL RTO +MySQL lost \(window\) +MySQL split brain +MySQL steady p50\/p99 +MySQL after p50\/p99 +MySQL conflicts +MySQL divergent +MySQL stale reads +Redis RTO/);
    assert.match(lines[1]!, /^hot-standby +hot-standby +6\.41 s +122 \(3\.03 s\) +0 +4 \/ 16 ms +3 \/ 13 ms +0 +0 +23\.4% \(max 2\.94 s\) +3\.50 s +0 +0 +2 \/ 10 ms +1 \/ 8 ms +0 +0 +0 +4$/);
    assert.match(lines[2]!, /^hot-standby-semisync +hot-standby +6\.41 s/);
  });

  test('--format md and --json', async () => {
    const md = await hadrill(['compare', FIXTURE, '--format', 'md'], env);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /\| hot-standby \| hot-standby \| 6\.41 s \| 122 \(3\.03 s\) \| 0 \|/);
    const json = await hadrill(['--json', 'compare', join(FIXTURE, 'report.json')], env);
    assert.equal(json.code, 0, json.stderr);
    const { rows } = JSON.parse(json.stdout) as { rows: { scenario: string; nodes: number | null; services: { name: string; lost: number; conflicts: null }[] }[] };
    assert.deepEqual(
      rows.map((row) => [row.scenario, row.nodes, row.services.map((s) => [s.name, s.lost, s.conflicts])]),
      [['hot-standby', 4, [['mysql', 122, 0], ['redis', 0, 0]]]],
    );
  });

  test('shows "-" for the node count when final-state.json is not beside the report', async () => {
    const lone = reportDir('lone');
    rmSync(join(lone, 'final-state.json'));
    const r = await hadrill(['compare', lone], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.split('\n')[1]!, / -$/);
  });

  test('a bad scenario among the arguments stops compare before any drill runs', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'hadrill-compare-')), 'bad.yaml');
    writeFileSync(bad, 'name: bad\nidcs: []\n');
    const r = await hadrill(['compare', 'scenarios/hot-standby.yaml', bad], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Invalid scenario .*bad\.yaml/);
    assert.doesNotMatch(r.stderr, /Drilling/);
  });

  test('a missing report is a usage error (exit 2)', async () => {
    const r = await hadrill(['compare', FIXTURE, join(home, 'gone')], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No report at .*gone/);
    assert.equal(existsSync(join(home, 'gone')), false);
  });
});

describe('hadrill explain', () => {
  const report = JSON.parse(readFileSync(join(FIXTURE, 'report.json'), 'utf8')) as { services: { name: string; lostIds: string[] }[] };
  const lostId = report.services[0]!.lostIds[0]!;

  test('without ids: why every lost write was lost, per service', async () => {
    const r = await hadrill(['explain', FIXTURE], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^mysql: 122 writes lost\n  unreplicated: 122 writes acknowledged by db-a from \+[\d.]+ s to \+[\d.]+ s; db-a \(power idc-a\) was replaced before replication shipped them; still on db-a, which can give them back\nredis: no write lost\n$/);
  });

  test("one write's story: sent, answered, the verdict and its cause, the nodes that hold it and those that do not", async () => {
    const r = await hadrill(['explain', FIXTURE, lostId], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${lostId.replace(/\./g, '\\.')}: mysql write by app-idc-b in idc-b`));
    assert.match(r.stdout, /LOST: acknowledged, then absent from the final state\n  why, with the writes lost alike: unreplicated: 122 writes/);
    assert.match(r.stdout, /held by: db-a \(read-only, out of service\)\n  not held by: db-b \(primary\)/);
    const json = await hadrill(['explain', FIXTURE, lostId, '--json'], env);
    const parsed = JSON.parse(json.stdout) as { writes: { verdict: string; cause: { cause: string; node: string } }[] };
    assert.deepEqual([parsed.writes[0]!.verdict, parsed.writes[0]!.cause.cause, parsed.writes[0]!.cause.node], ['lost', 'unreplicated', 'db-a']);
  });

  test('every acknowledged write of the fixture is explained as the report counted it: lost exactly when in lostIds', async () => {
    const history = readFileSync(join(FIXTURE, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; kind: string; outcome: string; service: string });
    const acknowledged = history.filter((o) => o.kind === 'write' && o.outcome === 'ok' && o.service === 'mysql').map((o) => o.id);
    const r = await hadrill(['explain', FIXTURE, ...acknowledged, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const writes = (JSON.parse(r.stdout) as { writes: { id: string; verdict: string }[] }).writes;
    const lost = new Set(report.services[0]!.lostIds);
    assert.equal(writes.length, acknowledged.length);
    assert.deepEqual(writes.filter((w) => (w.verdict === 'lost') !== lost.has(w.id)).map((w) => w.id), []);
    assert.equal(writes.filter((w) => w.verdict === 'durable').length, acknowledged.length - lost.size);
  });

  test('an id in no history: exit 2, naming the file and what ids look like', async () => {
    const r = await hadrill(['explain', FIXTURE, 'no-such-write'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No write "no-such-write" in .*history\.jsonl/);
    assert.match(r.stderr, /lostIds in report\.json/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
  });
});
