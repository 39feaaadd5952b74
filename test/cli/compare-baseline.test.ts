// `hadrill compare --baseline` as a CI job runs it, on saved report
// directories (no Docker): exit 0 within the tolerances, 1 on a regression,
// 2 on bad input; and what `compare`, `check` (the drill's way out) and the
// gate append to $GITHUB_STEP_SUMMARY.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hadrill, ROOT } from '../support/hadrill-cli.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'hot-standby-report');
const home = mkdtempSync(join(tmpdir(), 'hadrill-gate-cli-'));
// No Docker is reachable from here: none of these commands may need it.
const env = { HADRILL_HOME: home, DOCKER_HOST: 'unix:///nonexistent/docker.sock', GITHUB_STEP_SUMMARY: '' };

interface Svc {
  name: string;
  rtoMs: number | null;
  recovered: boolean;
  lost: number;
}

/** A copy of the fixture's report directory, its report.json changed by `mutate`. */
function reportDir(name: string, mutate?: (report: { scenario: { name: string }; services: Svc[] }) => void): string {
  const dir = join(home, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(FIXTURE, dir, { recursive: true });
  if (mutate !== undefined) {
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { scenario: { name: string }; services: Svc[] };
    mutate(report);
    writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
  }
  return dir;
}

const mysql = (r: { services: Svc[] }): Svc => r.services.find((s) => s.name === 'mysql')!;

// The fixture's MySQL RTO is 6.41 s, with 122 lost writes; its Redis RTO 3.50 s, nothing lost.
const baseline = reportDir('baseline');
const slower = reportDir('slower', (r) => (mysql(r).rtoMs! += 3000));
const slightlySlower = reportDir('slightly-slower', (r) => (mysql(r).rtoMs! += 1500));
const unrecovered = reportDir('unrecovered', (r) => Object.assign(mysql(r), { rtoMs: null, recovered: false }));
const moreLost = reportDir('more-lost', (r) => (mysql(r).lost += 5));
const otherGroups = reportDir('other-groups', (r) => {
  r.services = r.services.map((s) => ({ ...s, name: `${s.name}-2` }));
});

describe('hadrill compare --baseline', () => {
  test('exit 0 within the tolerances, 1 beyond them, with the table of service, baseline, current, delta, allowed, verdict', async () => {
    const [same, within, worse, wider, notRecovered, lost, lostAllowed] = await Promise.all([
      hadrill(['compare', '--baseline', baseline, baseline], env),
      hadrill(['compare', '--baseline', baseline, slightlySlower], env),
      hadrill(['compare', '--baseline', baseline, slower], env),
      hadrill(['compare', '--baseline', baseline, '--max-rto-increase', '50%', slower], env),
      hadrill(['compare', '--baseline', baseline, '--max-rto-increase', '1000%', unrecovered], env),
      hadrill(['compare', '--baseline', baseline, join(moreLost, 'report.json')], env),
      hadrill(['compare', '--baseline', join(baseline, 'report.json'), '--max-lost-increase', '5', moreLost], env),
    ]);
    assert.equal(same.code, 0, same.stderr);
    const lines = same.stdout.split('\n');
    assert.match(lines[0]!, /^baseline: .*baseline \(hot-standby, run hot-standby\)$/);
    const head = lines.findIndex((l) => l.startsWith('service'));
    assert.match(lines[head]!, /^service +measure +baseline +current +delta +allowed +verdict$/);
    assert.match(lines[head + 1]!, /^mysql +RTO +6\.41 s +6\.41 s +0 ms +\+2\.00 s +ok$/);
    assert.match(lines[head + 2]!, /^mysql +lost writes +122 +122 +0 +\+0 +ok$/);
    assert.match(lines[head + 3]!, /^redis +RTO +3\.50 s +3\.50 s +0 ms +\+2\.00 s +ok$/);
    assert.match(same.stdout, /\ngate: PASS: no service got worse than the baseline beyond the tolerances \(RTO \+2\.00 s, lost writes \+0\)\n$/);

    assert.equal(within.code, 0, within.stdout + within.stderr);
    assert.match(within.stdout, /^mysql +RTO +6\.41 s +7\.91 s +\+1\.50 s +\+2\.00 s +ok$/m);

    assert.equal(worse.code, 1, worse.stderr);
    assert.match(worse.stdout, /^mysql +RTO +6\.41 s +9\.41 s +\+3\.00 s +\+2\.00 s +worse$/m);
    assert.match(worse.stdout, /\ngate: FAIL: 1 regression against the baseline .*\n {2}mysql: RTO 6\.41 s -> 9\.41 s \(\+3\.00 s, allowed \+2\.00 s\)\n$/);

    assert.equal(wider.code, 0, wider.stdout);
    assert.match(wider.stdout, /^mysql +RTO +6\.41 s +9\.41 s +\+3\.00 s +\+3\.21 s +ok$/m);

    assert.equal(notRecovered.code, 1, notRecovered.stdout);
    assert.match(notRecovered.stdout, /^mysql +RTO +6\.41 s +not recovered +- .*worse$/m);
    assert.match(notRecovered.stdout, /mysql: did not recover \(baseline RTO 6\.41 s\)/);

    assert.equal(lost.code, 1, lost.stdout);
    assert.match(lost.stdout, /^mysql +lost writes +122 +127 +\+5 +\+0 +worse$/m);
    assert.equal(lostAllowed.code, 0, lostAllowed.stdout);
  });

  test('--json prints the gate as one JSON document; -f md as a Markdown table', async () => {
    const [json, md] = await Promise.all([
      hadrill(['--json', 'compare', '--baseline', baseline, slower], env),
      hadrill(['compare', '--baseline', baseline, slower, '-f', 'md'], env),
    ]);
    assert.equal(json.code, 1, json.stderr);
    const result = JSON.parse(json.stdout) as { verdict: string; tolerances: unknown; regressions: string[]; services: { name: string; verdict: string; rto: { baseline: number; current: number; delta: number; allowed: number } }[] };
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.tolerances, { maxRtoIncrease: '2.00 s', maxLostIncrease: '0' });
    assert.deepEqual(result.services.map((s) => [s.name, s.verdict]), [['mysql', 'worse'], ['redis', 'ok']]);
    const rto = result.services[0]!.rto;
    assert.equal(Math.round(rto.delta), 3000);
    assert.equal(rto.allowed, 2000);
    assert.equal(result.regressions.length, 1);

    assert.equal(md.code, 1, md.stderr);
    assert.match(md.stdout, /^## ❌ hadrill gate: hot-standby against the baseline: FAIL\n/);
    assert.match(md.stdout, /\n\| service \| measure \| baseline \| current \| delta \| allowed \| verdict \|\n\|---\|---\|---:\|---:\|---:\|---:\|---\|\n\| mysql \| RTO \| 6\.41 s \| 9\.41 s \| \+3\.00 s \| \+2\.00 s \| \*\*worse\*\* \|\n/);
  });

  test('bad input is exit 2, naming the flag or the file and the fix', async () => {
    const cases: [string[], RegExp][] = [
      [['compare', '--baseline', baseline, slower, baseline], /--baseline judges one drill against the baseline, and 2 were given/],
      [['compare', '--baseline', baseline, '--max-rto-increase', 'soon', slower], /--max-rto-increase "soon": not a duration or a percentage/],
      [['compare', '--baseline', baseline, '--max-rto-increase', '3', slower], /--max-rto-increase 3: a number without a unit[\s\S]*hint {2}Write 3s or 3ms/],
      [['compare', '--baseline', baseline, '--max-lost-increase', '1.5', slower], /--max-lost-increase "1\.5": not a whole number/],
      [['compare', '--max-rto-increase', '2s', slower], /--max-rto-increase is a tolerance of the regression gate, and no --baseline was given/],
      [['compare', '--baseline', join(home, 'no-such-baseline'), slower], /No report at .*no-such-baseline: no such file or directory/],
      [['compare', '--baseline', baseline, otherGroups], /have no service in common \(baseline: mysql, redis; current: mysql-2, redis-2\)/],
      [['compare', '--baseline', baseline, slower, '-f', 'html'], /--baseline prints its table as text or md, not html/],
      [['compare', '--baseline', 'scenarios/hot-standby.yaml', slower], /a baseline is a saved drill, not a scenario/],
    ];
    const results = await Promise.all(cases.map(([args]) => hadrill(args, env)));
    results.forEach((r, i) => {
      const [args, message] = cases[i]!;
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.match(r.stderr, /\nhint {2}\S/, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
    });
  });

  test('a baseline of another scenario is compared by service name, with a warning', async () => {
    const renamed = reportDir('renamed', (r) => (r.scenario.name = 'hot-standby-semisync'));
    const r = await hadrill(['compare', '--baseline', baseline, renamed], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /! The baseline is a drill of scenario "hot-standby" and the current one of "hot-standby-semisync": services are compared by name\./);
    assert.match(r.stdout, /^warning: The baseline is a drill of scenario/m);
  });
});

describe('$GITHUB_STEP_SUMMARY', () => {
  test('compare --baseline and compare append their Markdown after what the step wrote', async () => {
    const gateSummary = join(home, 'gate-summary.md');
    const compareSummary = join(home, 'compare-summary.md');
    writeFileSync(gateSummary, '# earlier\n');
    const [gate, gateMd, compare, compareMd] = await Promise.all([
      hadrill(['compare', '--baseline', baseline, slower], { ...env, GITHUB_STEP_SUMMARY: gateSummary }),
      hadrill(['compare', '--baseline', baseline, slower, '-f', 'md'], env),
      hadrill(['--json', 'compare', baseline, slower], { ...env, GITHUB_STEP_SUMMARY: compareSummary }),
      hadrill(['compare', baseline, slower, '-f', 'md'], env),
    ]);
    assert.equal(gate.code, 1, gate.stderr);
    // The text table on stdout; the same gate as Markdown in the summary.
    assert.match(gate.stdout, /^service +measure/m);
    assert.equal(readFileSync(gateSummary, 'utf8'), `# earlier\n\n${gateMd.stdout}`);
    assert.equal(compare.code, 0, compare.stderr);
    assert.ok(JSON.parse(compare.stdout), 'stdout stays one JSON document');
    assert.equal(readFileSync(compareSummary, 'utf8'), compareMd.stdout);
    assert.match(compareMd.stdout, /^## hadrill: tier trade-offs\n/);
  });

  test("a check's (and so a drill's) summary.md is appended; an unwritable summary only warns", async () => {
    // check --from goes out through the same finishWithReport as a drill, and needs no Docker.
    const saved = reportDir('recheck');
    const report = JSON.parse(readFileSync(join(saved, 'report.json'), 'utf8')) as { scenario: unknown; run: string; mode: string; startedAt: string; finishedAt: string; faults: unknown[] };
    const checkInput = {
      schemaVersion: 1,
      input: { faults: report.faults, outageStartMs: null, outageEndMs: null, outageIdcs: [], rtoWindowMs: 1000 },
      report: { scenario: report.scenario, run: report.run, mode: report.mode, startedAt: report.startedAt, finishedAt: report.finishedAt },
      slo: { lostWrites: 0, groups: {} },
    };
    writeFileSync(join(saved, 'check-input.json'), JSON.stringify(checkInput));
    const summary = join(home, 'check-summary.md');
    writeFileSync(summary, 'before\n');
    const out = join(home, 'recheck-out');
    const failedOut = join(home, 'recheck-failed-out');
    const [check, unwritable] = await Promise.all([
      hadrill(['check', '--from', saved, '--report-dir', out], { ...env, GITHUB_STEP_SUMMARY: summary }),
      hadrill(['check', '--from', saved, '--report-dir', failedOut], { ...env, GITHUB_STEP_SUMMARY: home }),
    ]);
    // lostWrites=0 fails on the fixture's 122 lost writes: the exit code is the SLO's, not the summary's.
    assert.equal(check.code, 1, check.stderr);
    const written = readFileSync(join(out, 'summary.md'), 'utf8');
    assert.match(written, /^## ❌ hadrill: hot-standby: FAIL\n/);
    assert.equal(readFileSync(summary, 'utf8'), `before\n\n${written}`);

    assert.equal(unwritable.code, 1, unwritable.stderr);
    assert.match(unwritable.stderr, /! Could not append the job summary to .* \(GITHUB_STEP_SUMMARY\): .*The verdict stands; the full report is .*recheck-failed-out\/summary\.md\./);
    assert.ok(existsSync(join(failedOut, 'summary.md')));
  });
});
