// hadrill's CI files run here, step by step, the way GitHub and GitLab run
// them, so they cannot rot: action.yml (a composite action) and
// templates/drill.yml (a GitLab component, with the inputs
// examples/ci/gitlab-ci.yml gives it). test/unit/ci-files.test.ts checks
// their structure and the GitHub example's use of the action.
//
// Two drills in all: the action's compare mode compares a saved hot-standby
// drill (test/fixtures/hot-standby-report) with a drill of
// hot-standby-semisync (and checks what `hadrill compare` prints: a row per
// scenario with the lost writes it measured, and what semi-sync must show:
// no acknowledged write lost); the baseline gate is then run
// through the action on those saved reports, with no drill; the GitLab job
// drills the semi-sync scenario once more, gated against the first one.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { ROOT } from '../support/hadrill-cli.js';
import { leftovers, removeEverything, requireDockerAndImage, tempHome } from '../support/docker-env.js';
import { acknowledgedIds, difference, readReportDir } from '../support/report-files.js';
import { describeRun, FORBIDDEN_UPLOAD_CHARACTERS, loadAction, runComposite, uploadFiles, type ActionRun, type ActionStep } from '../support/github-composite.js';
import { instantiate, loadComponent, runJob } from '../support/gitlab-component.js';
import type { Report } from '../../src/core/report/report-model.js';

const home = tempHome();
const action = loadAction(join(ROOT, 'action.yml'));
const STEP_SUMMARY_LIMIT = 1024 * 1024;

before(requireDockerAndImage);
after(async () => {
  await removeEverything('hot-standby', home);
  await removeEverything('hot-standby-semisync', home);
});

/** A fresh checkout of a user's repository: the two hot-standby scenarios under scenarios/. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hadrill-ci-workspace-'));
  mkdirSync(join(dir, 'scenarios'));
  for (const name of ['hot-standby.yaml', 'hot-standby-semisync.yaml']) cpSync(join(ROOT, 'scenarios', name), join(dir, 'scenarios', name));
  // An async hot-standby drill saved earlier: the suite drills that scenario in hot-standby-drill.test.ts.
  cpSync(join(ROOT, 'test', 'fixtures', 'hot-standby-report'), join(dir, 'saved', 'hot-standby'), { recursive: true });
  return dir;
}

interface Upload {
  name: string;
  files: string[];
}

/**
 * The action, as a workflow's `uses:` step runs it. setup-node and
 * upload-artifact cannot run here; what they would be given is asserted: Node
 * 20 (this machine's), and upload paths that exist and that upload-artifact
 * accepts.
 */
async function runAction(cwd: string, withValues: Record<string, string>): Promise<{ run: ActionRun; uploads: Upload[] }> {
  const uploads: Upload[] = [];
  const uses = (step: ActionStep, given: Record<string, string>): 'success' => {
    if (step.uses?.startsWith('actions/setup-node@')) {
      assert.equal(given['node-version'], '20');
      assert.equal(process.versions.node.split('.')[0], '20', 'the steps ran on the Node.js major the action sets up');
    } else if (step.uses?.startsWith('actions/upload-artifact@')) {
      assert.match(given['name'] ?? '', /^[^":<>|*?\\/\r\n]+$/);
      const files = uploadFiles(given['path'] ?? '', cwd);
      for (const file of files) {
        for (const c of FORBIDDEN_UPLOAD_CHARACTERS) assert.ok(!file.includes(c), `upload-artifact refuses ${JSON.stringify(c)} in ${file}`);
        if (given['include-hidden-files'] !== 'true') assert.ok(!file.split('/').some((s) => s.startsWith('.') && s !== '.' && s !== '..'), `${file} is hidden and would be skipped`);
      }
      assert.match(given['if-no-files-found'] ?? '', /^(warn|error|ignore)$/);
      assert.match(given['include-hidden-files'] ?? '', /^(true|false)$/);
      uploads.push({ name: given['name'] as string, files });
    } else assert.fail(`unexpected action ${step.uses}`);
    return 'success';
  };
  const run = await runComposite(action, { with: withValues, workspace: cwd, actionPath: ROOT, env: { HADRILL_HOME: home, NO_COLOR: '1' }, uses });
  return { run, uploads };
}

function stepOf(run: ActionRun, id: string): ActionRun['steps'][number] {
  const step = run.steps.find((s) => s.step.id === id);
  assert.ok(step, `no step ${id}`);
  return step;
}

/** What the action's outputs must say of these reports: the worst verdict, the worst RTO, the lost writes summed. */
function expectedOutputs(reports: Report[]): { verdict: string; 'rto-seconds': string; 'lost-writes': string } {
  const verdicts = reports.map((r) => r.verdict);
  const services = reports.flatMap((r) => r.services);
  const rtos = services.flatMap((s) => (s.rtoMs === null ? [] : [s.rtoMs]));
  return {
    verdict: verdicts.includes('fail') ? 'fail' : verdicts.includes('incomplete') ? 'incomplete' : 'pass',
    'rto-seconds': services.some((s) => !s.recovered) || rtos.length === 0 ? '' : (Math.max(...rtos) / 1000).toFixed(3),
    'lost-writes': String(services.reduce((n, s) => n + s.lost, 0)),
  };
}

const github = workspace();
const compareDir = join(github, 'reports');

test('GitHub action, compare mode: a saved hot-standby drill beside a drill of hot-standby-semisync, both rows with the measured numbers, outputs, summary and uploads', { timeout: 600_000 }, async () => {
  const { run, uploads } = await runAction(github, { compare: 'saved/hot-standby scenarios/hot-standby-semisync.yaml', 'report-dir': 'reports', 'artifact-name': 'hadrill-compare' });
  const drill = stepOf(run, 'drill');
  assert.equal(drill.outcome, 'success', describeRun(run));
  assert.equal(drill.outputs['exit-code'], '0', describeRun(run));
  assert.equal(run.failed, false, describeRun(run));
  assert.equal(run.steps.at(-1)?.code, 0);

  // What `hadrill compare` printed: a row per scenario, the lost writes those measured.
  const async = readReportDir(join(github, 'saved', 'hot-standby')).report;
  const semi = readReportDir(join(compareDir, 'hot-standby-semisync')).report;
  const lines = drill.stdout.split('\n');
  const row = (name: string): string => lines.find((l) => l.startsWith(name + ' ')) ?? '';
  assert.ok(row('hot-standby'), drill.stdout);
  assert.ok(row('hot-standby-semisync'), drill.stdout);
  const asyncLost = async.services.find((s) => s.name === 'mysql')?.lost;
  assert.ok(asyncLost !== undefined && asyncLost > 0);
  assert.match(row('hot-standby'), new RegExp(`\\b${asyncLost}\\b`));
  assert.equal(semi.services.find((s) => s.name === 'mysql')?.lost, 0);
  assert.deepEqual(await leftovers('hot-standby'), { containers: [], networks: [] });
  assert.deepEqual(await leftovers('hot-standby-semisync'), { containers: [], networks: [] });

  // The outputs, read from both reports.
  assert.deepEqual({ ...run.outputs }, { ...expectedOutputs([async, semi]), 'report-dir': 'reports' });
  assert.match(run.outputs['rto-seconds'] ?? '', /^\d+\.\d{3}$/);
  // The job summary: compare's Markdown table, under GitHub's 1 MiB.
  assert.ok(drill.summaryBytes > 0 && drill.summaryBytes < STEP_SUMMARY_LIMIT);
  assert.match(drill.summary, /^\| hot-standby \|/m);
  assert.match(drill.summary, /^\| hot-standby-semisync \|/m);
  // Hadrill's output ran with workflow commands off.
  assert.match(drill.stdout, /^::stop-commands::[0-9a-f]{32}$/m);
  // The upload: the drill's four report files (the saved one is not the job's to upload).
  assert.equal(uploads.length, 1);
  assert.equal(uploads[0]?.name, 'hadrill-compare');
  const expected = ['hot-standby-semisync'].flatMap((s) => ['junit.xml', 'report.html', 'report.json', 'summary.md'].map((f) => `reports/${s}/${f}`));
  assert.deepEqual(uploads[0]?.files, expected.sort());
});

// The compare's semi-sync drill is the suite's semi-sync drill: what it must show is checked here.
test('semi-sync (the compare\'s drill): loses no acknowledged MySQL write; writes during the backlog stall, never acknowledged', () => {
  const { report, history, finalState } = readReportDir(join(compareDir, 'hot-standby-semisync'));
  const mysqlResult = report.services.find((s) => s.name === 'mysql');
  assert.ok(mysqlResult);
  assert.equal(mysqlResult.authoritativeNode, 'db-b');
  assert.ok(mysqlResult.acknowledged > 100, `writes were acknowledged (${mysqlResult.acknowledged})`);
  assert.equal(mysqlResult.lost, 0);
  const finalMysql = finalState.services.find((s) => s.service === 'mysql');
  const finalIds = new Set(finalMysql?.nodes.find((n) => n.node === 'db-b')?.ids ?? []);
  assert.deepEqual(difference(acknowledgedIds(history, 'mysql'), finalIds), []);
  // Writes during the backlog stalled instead of being acknowledged: they are unknown, never lost.
  const stop = report.faults.find((f) => f.spec.kind === 'replication-stop');
  const power = report.faults.find((f) => f.spec.kind === 'power');
  assert.ok(stop && power);
  const stalled = history.filter((o) => o.service === 'mysql' && o.kind === 'write' && o.invokeMs > stop.appliedMs + 50 && o.invokeMs < power.requestedMs && o.outcome !== 'failed');
  assert.ok(stalled.length > 0 && stalled.every((o) => o.outcome === 'unknown'), 'writes sent to the primary after the stop were never acknowledged');
  assert.ok(mysqlResult.unknown >= stalled.length);
  // Semi-sync acknowledges only what the standby has received, so its readers are never behind by
  // more than the time to apply it: nothing like the async drill's 3 s backlog.
  const standbyReads = mysqlResult.reads.byIdc.find((i) => i.idc === 'idc-b');
  assert.ok(standbyReads && standbyReads.ok > 100, `the standby was read (${standbyReads?.ok} reads)`);
  assert.ok((standbyReads.maxAgeMs ?? 0) < 1000, `worst stale age on the semi-sync standby ${standbyReads.maxAgeMs} ms`);
});

test('GitHub action, baseline gate on the saved drill (no new drill): a doctored better baseline fails the job with exit 1, an untouched one passes, a missing one is exit 2', { timeout: 300_000 }, async () => {
  const current = join(compareDir, 'hot-standby-semisync');
  assert.ok(existsSync(join(current, 'report.json')), 'the compare-mode test above drilled it');
  const semi = readReportDir(current).report;
  // A DOCTORED baseline: the same drill, its every RTO rewritten to 1 ms, so
  // the real one is seconds worse than it and must fail the gate.
  const doctored = join(github, 'doctored-baseline');
  cpSync(current, doctored, { recursive: true });
  const report = JSON.parse(readFileSync(join(doctored, 'report.json'), 'utf8')) as Report;
  for (const s of report.services) if (s.rtoMs !== null) s.rtoMs = 1;
  writeFileSync(join(doctored, 'report.json'), JSON.stringify(report));

  const worse = await runAction(github, { compare: 'reports/hot-standby-semisync', baseline: 'doctored-baseline', 'report-dir': 'gate-doctored', 'artifact-name': 'gate-doctored' });
  const drill = stepOf(worse.run, 'drill');
  assert.equal(drill.outcome, 'success', describeRun(worse.run));
  assert.equal(drill.outputs['exit-code'], '1', describeRun(worse.run));
  assert.match(drill.stdout, /^::error title=hadrill::/m);
  // The last step re-raises it: the job fails, after the upload ran.
  assert.equal(worse.run.steps.at(-1)?.code, 1);
  assert.equal(worse.run.failed, true);
  assert.deepEqual(worse.uploads.map((u) => u.files), [['gate-doctored/baseline-gate.md']]);
  assert.deepEqual({ ...worse.run.outputs }, { ...expectedOutputs([semi]), 'report-dir': 'gate-doctored' });
  assert.ok(drill.summaryBytes > 0 && drill.summaryBytes < STEP_SUMMARY_LIMIT);
  assert.match(drill.summary, /FAIL/);
  assert.match(drill.summary, /^\| mysql \| RTO \|/m);
  assert.match(readFileSync(join(github, 'gate-doctored', 'baseline-gate.md'), 'utf8'), /worse/);

  const untouched = join(github, 'untouched-baseline');
  cpSync(current, untouched, { recursive: true });
  const same = await runAction(github, { compare: 'reports/hot-standby-semisync', baseline: 'untouched-baseline', 'report-dir': 'gate-same' });
  assert.equal(stepOf(same.run, 'drill').outputs['exit-code'], '0', describeRun(same.run));
  assert.equal(same.run.steps.at(-1)?.code, 0);
  assert.equal(same.run.failed, false);
  assert.match(stepOf(same.run, 'drill').summary, /PASS/);

  const missing = await runAction(github, { compare: 'reports/hot-standby-semisync', baseline: 'no-such-baseline', 'report-dir': 'gate-missing' });
  assert.equal(stepOf(missing.run, 'drill').outputs['exit-code'], '2', describeRun(missing.run));
  assert.equal(missing.run.steps.at(-1)?.code, 2);
  assert.equal(missing.run.failed, true);
});

test('GitLab component with the example inputs: installs hadrill with npm, ignores a DinD DOCKER_HOST, drills hot-standby-semisync with a metrics textfile, gates it against the first drill, keeps the JUnit report and artifacts', { timeout: 600_000 }, async () => {
  const current = join(compareDir, 'hot-standby-semisync');
  assert.ok(existsSync(join(current, 'report.json')), 'the compare-mode test above drilled it');
  const example = parse(readFileSync(join(ROOT, 'examples', 'ci', 'gitlab-ci.yml'), 'utf8')) as { include: { inputs: Record<string, string> }[] };
  const inputs: Record<string, string> = {
    ...example.include[0]!.inputs,
    // This checkout instead of the npm registry, installed under a temporary prefix (below).
    'hadrill-package': ROOT,
    baseline: 'baseline',
    // RTOs jitter between runs (Redis once 21 s where it usually takes 3-5 s) and
    // Redis once lost 263 writes where it usually loses 0-10: this run checks the
    // job's flow, the gate's failing side is the doctored baseline's test above.
    'max-rto-increase': '30s',
    'max-lost-increase': '300',
    // Not in the example: the textfile, which the job keeps beside the reports.
    'metrics-textfile': 'hadrill.prom',
  };
  const jobs = instantiate(loadComponent(join(ROOT, 'templates', 'drill.yml')), inputs);
  const job = jobs[inputs['job-name'] as string];
  assert.ok(job, `job ${inputs['job-name']}`);

  const project = workspace();
  cpSync(current, join(project, 'baseline'), { recursive: true });
  const prefix = mkdtempSync(join(tmpdir(), 'hadrill-npm-prefix-'));
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  // A GitHub step summary of this machine's would be written to by the drill.
  delete env['GITHUB_STEP_SUMMARY'];
  // Under `npm test`, npm hands its own configuration down as npm_config_* (prefix=/usr among them), which
  // would win over NPM_CONFIG_PREFIX below and install hadrill into the machine's global prefix.
  for (const name of Object.keys(env)) if (/^npm_config_/i.test(name)) delete env[name];
  Object.assign(env, {
    HADRILL_HOME: home,
    NO_COLOR: '1',
    CI: 'true',
    CI_PROJECT_DIR: project,
    // npm install --global goes under a temporary prefix, so nothing global changes.
    NPM_CONFIG_PREFIX: prefix,
    PATH: `${join(prefix, 'bin')}:${process.env['PATH'] ?? ''}`,
    // The job unsets it first thing (a runner may set it for a docker:dind
    // service, whose containers' bridge addresses hadrill cannot reach): were it
    // not unset, this bogus engine would fail the drill.
    DOCKER_HOST: 'tcp://docker:2376',
  });
  // doctor --fix finds this machine's engine running and its image built, as a
  // job finds them once doctor --fix has installed, started and built them.
  const result = await runJob(job, { cwd: project, env });
  assert.equal(result.code, 0, (result.stdout + result.stderr).slice(-4000));
  assert.ok(existsSync(join(prefix, 'bin', 'hadrill')), 'npm installed hadrill under the prefix');
  assert.match(result.stdout, /hadrill compare --baseline baseline /);
  assert.match(readFileSync(join(project, 'hadrill-report', 'baseline-gate.md'), 'utf8'), /PASS/);

  const junit = [job.artifacts?.reports?.junit ?? []].flat();
  assert.ok(junit.length > 0);
  assert.match(readFileSync(join(project, junit[0] as string), 'utf8'), /<testsuite/);
  assert.equal(job.artifacts?.when, 'always');
  for (const path of job.artifacts?.paths ?? []) assert.ok(existsSync(join(project, path)), `artifact path ${path}`);
  const metrics = readFileSync(join(project, 'hadrill-report', 'metrics.prom'), 'utf8');
  assert.equal(metrics, readFileSync(join(project, 'hadrill.prom'), 'utf8'));
  assert.match(metrics, /^hadrill_drill_rto_seconds\{[^}]*service="mysql"[^}]*\} \d/m);
  const drilled = readReportDir(join(project, 'hadrill-report')).report;
  assert.equal(drilled.scenario.name, 'hot-standby-semisync');
  assert.equal(drilled.services.find((s) => s.name === 'mysql')?.lost, 0);
  assert.deepEqual(await leftovers('hot-standby-semisync'), { containers: [], networks: [] });
});
