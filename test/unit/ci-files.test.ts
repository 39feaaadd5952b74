// The CI files hadrill ships, checked without Docker: action.yml (a composite
// GitHub Action), templates/drill.yml (a GitLab CI/CD component), the examples
// that use them, and the action's drill script on bad input. Their real runs
// are test/e2e/ci-pipelines.test.ts.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ROOT } from '../support/hadrill-cli.js';
import { loadAction, parseCommandFile, type ActionStep } from '../support/github-composite.js';
import { inputProblem, instantiate, loadComponent, referencedInputs } from '../support/gitlab-component.js';
import { DEFAULT_MAX_LOST_INCREASE, DEFAULT_MAX_RTO_INCREASE } from '../../src/core/report/baseline-gate.js';

const action = loadAction(join(ROOT, 'action.yml'));
const component = loadComponent(join(ROOT, 'templates', 'drill.yml'));
const RUN_SH = join(ROOT, 'ci', 'github', 'run.sh');
const SHELLCHECK = '/usr/bin/shellcheck';

/** The inputs docs/ci.md and the shared CLI contract promise, on both platforms. */
const CONTRACT_INPUTS = ['scenario', 'compare', 'baseline', 'max-rto-increase', 'max-lost-increase', 'slo', 'report-dir', 'artifact-name', 'metrics-textfile', 'pushgateway', 'grafana-url'];

// metadata-syntax.md: branding colors, and Feather icons GitHub leaves out.
const COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];
const OMITTED_ICONS = ['coffee', 'columns', 'divide-circle', 'divide-square', 'divide', 'frown', 'hexagon', 'key', 'meh', 'mouse-pointer', 'smile', 'tool', 'x-octagon'];

function shellcheck(file: string): void {
  const r = spawnSync(SHELLCHECK, ['-s', 'bash', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `shellcheck ${file}:\n${r.stdout}${r.stderr}`);
}

function scriptFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hadrill-ci-files-')), 'script.sh');
  writeFileSync(file, `#!/usr/bin/env bash\n${text}\n`);
  return file;
}

test('action.yml: metadata, branding and every input with a description and a string default', () => {
  assert.ok(action.name && action.description);
  assert.ok(COLORS.includes(action.branding?.color ?? ''), `branding.color ${action.branding?.color}`);
  const icon = action.branding?.icon ?? '';
  assert.match(icon, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  assert.ok(!OMITTED_ICONS.includes(icon), `${icon} is not available to actions`);
  assert.deepEqual(Object.keys(action.inputs).sort(), [...CONTRACT_INPUTS].sort());
  for (const [id, input] of Object.entries(action.inputs)) {
    assert.match(id, /^[A-Za-z_][A-Za-z0-9_-]*$/);
    assert.ok(input.description && input.description.length > 20, `input ${id} needs a description`);
    assert.equal(typeof input.default, 'string', `input ${id}: defaults are strings`);
  }
  // The action's defaults are hadrill's own, so the action and the command line gate alike.
  assert.equal(action.inputs['max-rto-increase']?.default, DEFAULT_MAX_RTO_INCREASE);
  assert.equal(action.inputs['max-lost-increase']?.default, DEFAULT_MAX_LOST_INCREASE);
  assert.equal(action.runs.using, 'composite');
});

test('action.yml: run steps have a shell and no ${{ }} in their scripts; outputs name existing steps', () => {
  const ids = new Set(action.runs.steps.map((s) => s.id).filter(Boolean));
  for (const step of action.runs.steps) {
    assert.ok((step.run === undefined) !== (step.uses === undefined), `${step.name}: run or uses, one of them`);
    if (step.run !== undefined) {
      assert.equal(step.shell, 'bash', `${step.name}: a run step needs shell`);
      // Pasted into the script before bash reads it, an input could inject code: env: only.
      assert.doesNotMatch(step.run, /\$\{\{/, `${step.name}: no expressions inside run:`);
    } else {
      assert.match(step.uses as string, /^actions\/[a-z-]+@v\d+$/, `${step.uses}: a pinned major of GitHub's own actions`);
    }
  }
  for (const [id, output] of Object.entries(action.outputs)) {
    assert.ok(output.description, `output ${id} needs a description`);
    const m = /^\$\{\{ steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+) \}\}$/.exec(output.value);
    assert.ok(m, `output ${id}: value: \${{ steps.<id>.outputs.<name> }}`);
    assert.ok(ids.has(m[1]), `output ${id} names step ${m[1]}, which does not exist`);
  }
  assert.deepEqual(Object.keys(action.outputs).sort(), ['lost-writes', 'report-dir', 'rto-seconds', 'verdict']);
});

test('action.yml: the upload and the exit code run after a failed drill; every input reaches the drill script', () => {
  const steps = action.runs.steps;
  const drillAt = steps.findIndex((s) => s.id === 'drill');
  assert.ok(drillAt > 0);
  for (const step of steps.slice(drillAt + 1)) assert.match(step.if ?? '', /^always\(\)/, `${step.name} must run after a failure`);
  const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@')) as ActionStep;
  assert.equal(upload.with?.['name'], '${{ inputs.artifact-name }}');
  assert.equal(steps.at(-1)?.run?.trim(), 'exit "${EXIT_CODE:-2}"');
  assert.equal(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version'], '20');
  const drill = steps[drillAt] as ActionStep;
  const script = readFileSync(RUN_SH, 'utf8');
  const env = drill.env ?? {};
  for (const input of CONTRACT_INPUTS.filter((i) => i !== 'artifact-name')) {
    const name = `IN_${input.toUpperCase().replace(/-/g, '_')}`;
    assert.equal(env[name], `\${{ inputs.${input} }}`, `input ${input} reaches the script as ${name}`);
    assert.ok(script.includes(name), `run.sh reads ${name}`);
  }
  for (const used of new Set(script.match(/\bIN_[A-Z_]+\b/g))) assert.ok(used in env, `run.sh reads ${used}, which the drill step does not set`);
});

test('the action drill script: bad input is exit code 2 with outputs, and a hidden report directory turns on hidden files', () => {
  const run = (env: Record<string, string>): Record<string, string> => {
    const dir = mkdtempSync(join(tmpdir(), 'hadrill-run-sh-'));
    const output = join(dir, 'output');
    writeFileSync(output, '');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', RUN_SH], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', GITHUB_OUTPUT: output, ...env } });
    assert.equal(r.status, 0, r.stderr);
    return { ...parseCommandFile(readFileSync(output, 'utf8')), log: r.stdout };
  };
  const neither = run({});
  assert.equal(neither['exit-code'], '2');
  assert.match(neither['log'] ?? '', /::error title=hadrill action::Give the scenario input/);
  assert.equal(run({ IN_SCENARIO: 'a.yaml', IN_COMPARE: 'b.yaml' })['exit-code'], '2');
  const slo = run({ IN_COMPARE: 'a.yaml', IN_SLO: 'rto=10s' });
  assert.equal(slo['exit-code'], '2');
  assert.match(slo['log'] ?? '', /slo input applies to a single drill/);
  const colon = run({ IN_SCENARIO: 'a.yaml', IN_REPORT_DIR: 'out/2026-12-08T01:00' });
  assert.equal(colon['exit-code'], '2');
  assert.equal(colon['report-dir'], 'hadrill-report');
  // A missing report directory to compare: hadrill itself refuses it (exit 2), and the outputs are still written.
  const hidden = run({ IN_COMPARE: 'no-such-dir', IN_REPORT_DIR: '.hadrill/reports' });
  assert.equal(hidden['exit-code'], '2');
  assert.equal(hidden['include-hidden-files'], 'true');
  assert.equal(hidden['report-dir'], '.hadrill/reports');
  assert.equal(hidden['verdict'], '');
  assert.equal(run({ IN_COMPARE: 'no-such-dir', IN_REPORT_DIR: './out' })['include-hidden-files'], 'false');
  // Workflow commands in hadrill's output are off while it runs.
  assert.match(hidden['log'] ?? '', /^::stop-commands::([0-9a-f]{32})\n[\s\S]*^::\1::$/m);
});

test('templates/drill.yml: a component spec whose inputs are described, constrained and all used', () => {
  const inputs = component.spec.inputs;
  for (const id of CONTRACT_INPUTS) assert.ok(id in inputs, `GitLab input ${id}, as on GitHub`);
  for (const [id, spec] of Object.entries(inputs)) {
    assert.ok(spec.description && spec.description.length > 10, `input ${id} needs a description`);
    assert.ok(spec.regex !== undefined || spec.options !== undefined || (spec.type !== undefined && spec.type !== 'string'), `input ${id} is constrained`);
    if (spec.default !== undefined) assert.equal(inputProblem(id, spec, spec.default), null, `input ${id}'s default passes its own check`);
  }
  const used = referencedInputs(component.jobs);
  assert.deepEqual([...used].sort(), Object.keys(inputs).sort(), 'every input used, every reference declared');
  // Constraints that keep shell and YAML out of the values.
  for (const [id, bad] of [['report-dir', '../x; rm -rf /'], ['scenario', 'a.yaml"; id'], ['slo', 'rto=$(id)'], ['max-rto-increase', '2 s'], ['pushgateway', 'file:///etc/passwd']] as const) {
    assert.notEqual(inputProblem(id, inputs[id]!, bad), null, `${id} refuses ${bad}`);
  }
  assert.equal(inputProblem('report-dir', inputs['report-dir']!, 'out/hadrill'), null);
  assert.equal(inputProblem('max-rto-increase', inputs['max-rto-increase']!, '20%'), null);
  assert.equal(inputProblem('slo', inputs['slo']!, 'rto=20s lostWrites=0'), null);
});

test('templates/drill.yml: one job, named and staged by inputs, its own Docker, artifacts kept on failure with the JUnit report', () => {
  assert.equal('default' in component.jobs, false, 'no default: it would change the including pipeline');
  const jobs = instantiate(component, { scenario: 'scenarios/hot-standby.yaml', 'job-name': 'drill-a', stage: 'verify' });
  assert.deepEqual(Object.keys(jobs), ['drill-a']);
  const job = jobs['drill-a']!;
  assert.equal(job.stage, 'verify');
  assert.match(String(job.image), /^node:20/);
  // Docker runs in the job's container (doctor --fix starts it): hadrill reaches
  // its containers by bridge address, which a docker:dind service's are not.
  assert.equal(job.services, undefined);
  assert.equal(Object.keys(job.variables ?? {}).some((k) => k.startsWith('DOCKER_')), false);
  assert.equal(job.before_script?.[0], 'unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH');
  assert.ok(job.before_script?.includes('hadrill doctor --fix'));
  assert.equal(job.artifacts?.when, 'always');
  assert.ok(job.artifacts?.expose_as);
  // expose_as hides paths that start with ./, use variables, or name a directory without a trailing /.
  for (const path of job.artifacts?.paths ?? []) {
    assert.doesNotMatch(path, /^\.\/|\$/);
    if (!/\.[a-z]+$/.test(path)) assert.match(path, /\/$/);
  }
  assert.deepEqual(job.artifacts?.paths, ['hadrill-report/report.html', 'hadrill-report/']);
  assert.deepEqual(job.artifacts?.reports?.junit, ['hadrill-report/junit.xml', 'hadrill-report/*/junit.xml']);
  assert.throws(() => instantiate(component, { scenario: 'x.yaml', 'report-dir': 'a b' }), /report-dir/);
  assert.throws(() => instantiate(component, { secnario: 'x.yaml' }), /unknown input secnario/);
  // Inputs reach the script as variables only.
  for (const line of [...(job.before_script ?? []), ...job.script]) assert.doesNotMatch(line, /\$\[\[/);
  const script = [...(component.jobs[Object.keys(component.jobs)[0]!]!.before_script ?? []), ...component.jobs[Object.keys(component.jobs)[0]!]!.script].join('\n');
  for (const used of new Set(script.match(/\bHADRILL_IN_[A-Z_]+\b/g))) assert.ok(used in (job.variables ?? {}), `the script reads ${used}, which the job does not set`);
});

test('the examples use only inputs the action and the component declare', () => {
  const workflow = parse(readFileSync(join(ROOT, 'examples', 'ci', 'github-workflow.yml'), 'utf8')) as { jobs: Record<string, { steps: ActionStep[] }> };
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
  const uses = steps.filter((s) => s.uses === './');
  assert.equal(uses.length, 1);
  for (const key of Object.keys(uses[0]!.with ?? {})) assert.ok(key in action.inputs, `the workflow's with: ${key} is not an input`);
  assert.ok(existsSync(join(ROOT, String(uses[0]!.with?.['scenario']))));
  for (const step of steps.filter((s) => s.run !== undefined)) assert.equal(step.shell, 'bash');
  const gitlab = parse(readFileSync(join(ROOT, 'examples', 'ci', 'gitlab-ci.yml'), 'utf8')) as { include: { component: string; inputs: Record<string, string> }[] };
  const include = gitlab.include[0]!;
  assert.match(include.component, /^\$CI_SERVER_FQDN\/.+\/drill@\d+\.\d+\.\d+$/);
  const jobs = instantiate(component, include.inputs);
  assert.ok(jobs[include.inputs['job-name']!]);
});

test('shellcheck: the action drill script, the action run steps, the component script and the examples', { skip: existsSync(SHELLCHECK) ? false : `${SHELLCHECK} is not installed` }, () => {
  shellcheck(RUN_SH);
  for (const step of action.runs.steps.filter((s) => s.run !== undefined)) shellcheck(scriptFile(step.run as string));
  const job = component.jobs[Object.keys(component.jobs)[0]!]!;
  shellcheck(scriptFile([...(job.before_script ?? []), ...job.script].join('\n')));
  const workflow = parse(readFileSync(join(ROOT, 'examples', 'ci', 'github-workflow.yml'), 'utf8')) as { jobs: Record<string, { steps: ActionStep[] }> };
  for (const step of Object.values(workflow.jobs).flatMap((j) => j.steps).filter((s) => s.run !== undefined)) shellcheck(scriptFile(step.run as string));
});
