// Runs a composite GitHub Action (action.yml) on this machine the way the
// runner does: ${{ }} expanded in env/with/if values, each `run:` step in its
// own `bash --noprofile --norc -eo pipefail` with fresh GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, a failed step skipping the later steps that are
// not `if: always()`. `uses:` steps are handed to the caller, which asserts
// what they would get: there is no GitHub here to run them.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

export interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
}

export interface ActionMeta {
  name: string;
  description: string;
  author?: string;
  branding?: { icon?: string; color?: string };
  inputs: Record<string, { description?: string; required?: boolean; default?: unknown }>;
  outputs: Record<string, { description?: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export function loadAction(file: string): ActionMeta {
  return parse(readFileSync(file, 'utf8')) as ActionMeta;
}

export interface StepResult {
  step: ActionStep;
  label: string;
  outcome: 'success' | 'failure' | 'skipped';
  /** The exit code of a run step; null for uses steps and skipped ones. */
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** What the step appended to its GITHUB_STEP_SUMMARY, and that file's size. */
  summary: string;
  summaryBytes: number;
}

export interface ExpressionContext {
  inputs: Record<string, string>;
  actionPath: string;
  steps: Record<string, { outputs: Record<string, string>; outcome: string }>;
}

/**
 * ${{ expr }} as the runner expands it in env, with and outputs values: only
 * the expressions this action uses are known; any other fails loudly, so a
 * new one in action.yml needs this runner taught it first.
 */
export function expand(text: string, ctx: ExpressionContext): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => String(evaluate(expr, ctx)));
}

function evaluate(expr: string, ctx: ExpressionContext): string | boolean {
  const and = expr.split(/\s*&&\s*/);
  if (and.length > 1) return and.every((part) => evaluate(part, ctx) === true);
  if (expr === 'always()') return true;
  let m = /^(.+?)\s*(==|!=)\s*'([^']*)'$/.exec(expr);
  if (m) {
    const value = evaluate(m[1] as string, ctx);
    return m[2] === '==' ? value === m[3] : value !== m[3];
  }
  m = /^inputs\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(expr);
  if (m) return ctx.inputs[m[1] as string] ?? '';
  if (expr === 'github.action_path') return ctx.actionPath;
  m = /^steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(expr);
  if (m) return ctx.steps[m[1] as string]?.outputs[m[2] as string] ?? '';
  m = /^steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outcome$/.exec(expr);
  if (m) return ctx.steps[m[1] as string]?.outcome ?? '';
  throw new Error(`The local runner does not know the expression \${{ ${expr} }}.`);
}

/** name=value lines and name<<DELIM blocks, as the runner reads GITHUB_OUTPUT and GITHUB_ENV. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2] as string, i + 1);
      if (end < 0) throw new Error(`${heredoc[1]}: its delimiter ${heredoc[2]} never closes`);
      out[heredoc[1] as string] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`not name=value nor name<<DELIM: ${JSON.stringify(line)}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export interface RunOptions {
  /** The `with:` of the step that uses the action; defaults fill the rest. */
  with: Record<string, string>;
  /** $GITHUB_WORKSPACE, the steps' working directory. */
  workspace: string;
  /** $GITHUB_ACTION_PATH: where the action's files are. */
  actionPath: string;
  env?: Record<string, string>;
  /** A `uses:` step, its with: expanded: asserts what it would get and returns its outcome. */
  uses: (step: ActionStep, withValues: Record<string, string>) => 'success' | 'failure';
  timeoutMs?: number;
}

export interface ActionRun {
  steps: StepResult[];
  /** The action's outputs, from their value expressions. */
  outputs: Record<string, string>;
  /** Whether the step that uses the action failed: any of its steps failing fails it. */
  failed: boolean;
}

export async function runComposite(action: ActionMeta, options: RunOptions): Promise<ActionRun> {
  const inputs: Record<string, string> = {};
  for (const [id, input] of Object.entries(action.inputs)) inputs[id] = String(input.default ?? '');
  for (const [id, value] of Object.entries(options.with)) {
    if (!(id in action.inputs)) throw new Error(`with: ${id} is not an input of the action`);
    inputs[id] = value;
  }
  const ctx: ExpressionContext = { inputs, actionPath: options.actionPath, steps: {} };
  const files = mkdtempSync(join(tmpdir(), 'hadrill-gh-runner-'));
  const extraEnv: Record<string, string> = {};
  const extraPath: string[] = [];
  const results: StepResult[] = [];
  let failed = false;
  for (const [index, step] of action.runs.steps.entries()) {
    const label = step.id ?? step.name ?? `step ${index + 1}`;
    const condition = step.if ?? 'success()';
    const runs = condition === 'success()' ? !failed : evaluate(condition.replace(/^\$\{\{\s*|\s*\}\}$/g, ''), ctx) === true;
    if (!runs) {
      results.push({ step, label, outcome: 'skipped', code: null, stdout: '', stderr: '', outputs: {}, summary: '', summaryBytes: 0 });
      if (step.id) ctx.steps[step.id] = { outputs: {}, outcome: 'skipped' };
      continue;
    }
    let result: StepResult;
    if (step.uses !== undefined) {
      const withValues = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(String(v), ctx)]));
      const outcome = options.uses(step, withValues);
      result = { step, label, outcome, code: null, stdout: '', stderr: '', outputs: {}, summary: '', summaryBytes: 0 };
    } else {
      result = await runStep(step, label, index, ctx, files, options, extraEnv, extraPath);
    }
    results.push(result);
    if (step.id) ctx.steps[step.id] = { outputs: result.outputs, outcome: result.outcome };
    if (result.outcome === 'failure') failed = true;
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([id, o]) => [id, expand(o.value, ctx)]));
  return { steps: results, outputs, failed };
}

async function runStep(
  step: ActionStep,
  label: string,
  index: number,
  ctx: ExpressionContext,
  files: string,
  options: RunOptions,
  extraEnv: Record<string, string>,
  extraPath: string[],
): Promise<StepResult> {
  if (step.shell !== 'bash') throw new Error(`${label}: the local runner runs shell: bash steps only (got ${step.shell})`);
  const prefix = join(files, `step-${index + 1}`);
  const paths = { GITHUB_OUTPUT: `${prefix}.output`, GITHUB_STEP_SUMMARY: `${prefix}.summary`, GITHUB_ENV: `${prefix}.env`, GITHUB_PATH: `${prefix}.path` };
  for (const file of Object.values(paths)) writeFileSync(file, '');
  const script = `${prefix}.sh`;
  writeFileSync(script, step.run ?? '');
  const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), ctx)]));
  const basePath = options.env?.['PATH'] ?? process.env['PATH'] ?? '';
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...options.env,
    ...extraEnv,
    ...stepEnv,
    ...paths,
    PATH: [...extraPath, basePath].join(':'),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_ACTION_PATH: options.actionPath,
  };
  // The runner's own command line for shell: bash.
  const { code, stdout, stderr } = await spawnBash(['--noprofile', '--norc', '-eo', 'pipefail', script], env, options.workspace, options.timeoutMs ?? 900_000);
  Object.assign(extraEnv, parseCommandFile(readFileSync(paths.GITHUB_ENV, 'utf8')));
  extraPath.unshift(...readFileSync(paths.GITHUB_PATH, 'utf8').split('\n').filter(Boolean).reverse());
  const summary = readFileSync(paths.GITHUB_STEP_SUMMARY, 'utf8');
  return {
    step,
    label,
    outcome: code === 0 ? 'success' : 'failure',
    code,
    stdout,
    stderr,
    outputs: parseCommandFile(readFileSync(paths.GITHUB_OUTPUT, 'utf8')),
    summary,
    summaryBytes: statSync(paths.GITHUB_STEP_SUMMARY).size,
  };
}

export function spawnBash(args: string[], env: Record<string, string>, cwd: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Characters actions/toolkit's upload validation refuses in file paths. */
export const FORBIDDEN_UPLOAD_CHARACTERS = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n'];

/**
 * The files upload-artifact's path lines name, relative to `cwd`: the two
 * forms the action uses, DIR/**\/NAME (NAME at any depth, DIR included) and a
 * plain path. Hidden files are returned too; the caller checks them.
 */
export function uploadFiles(pathLines: string, cwd: string): string[] {
  const found: string[] = [];
  for (const pattern of pathLines.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const deep = pattern.indexOf('/**/');
    if (deep >= 0) {
      const base = join(cwd, pattern.slice(0, deep));
      const name = pattern.slice(deep + 4);
      if (/[*?[]/.test(name)) throw new Error(`upload pattern ${pattern}: only DIR/**/NAME is understood here`);
      found.push(...walk(base).filter((f) => f.endsWith('/' + name)).map((f) => relative(cwd, f)));
    } else {
      if (/[*?[]/.test(pattern)) throw new Error(`upload pattern ${pattern}: only DIR/**/NAME is understood here`);
      const file = join(cwd, pattern);
      if (existsSync(file) && statSync(file).isFile()) found.push(relative(cwd, file));
    }
  }
  return [...new Set(found)].sort();
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

/** For a failing assertion: each step's outcome and the tail of its output. */
export function describeRun(run: ActionRun): string {
  return run.steps.map((s) => `--- ${s.label}: ${s.outcome} (${s.code})\n${(s.stdout + s.stderr).slice(-1500)}`).join('\n');
}
