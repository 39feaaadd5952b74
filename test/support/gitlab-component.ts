// Reads a GitLab CI/CD component (templates/<name>.yml: a `spec:` document,
// then `---` and the jobs) and instantiates it the way GitLab does at pipeline
// creation: inputs checked against their spec (unknown, missing, options,
// regex), defaults filled in, and `$[[ inputs.id ]]` substituted in keys and
// values. runJob then runs the job's scripts as a GitLab runner's shell does.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { spawnBash } from './github-composite.js';

export interface InputSpec {
  description?: string;
  default?: string | number | boolean | string[];
  type?: 'string' | 'number' | 'boolean' | 'array';
  options?: (string | number | boolean)[];
  regex?: string;
}

export interface GitlabJob {
  stage?: string;
  image?: string | { name: string };
  services?: (string | { name: string; alias?: string })[];
  variables?: Record<string, string | { value: string }>;
  before_script?: string[];
  script: string[];
  after_script?: string[];
  artifacts?: {
    name?: string;
    when?: string;
    expose_as?: string;
    paths?: string[];
    reports?: { junit?: string | string[] };
  };
  [key: string]: unknown;
}

export interface Component {
  spec: { inputs: Record<string, InputSpec> };
  /** The jobs document, before substitution. */
  jobs: Record<string, GitlabJob>;
}

export function loadComponent(file: string): Component {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  if (!Array.isArray(docs) || docs.length !== 2) throw new Error(`${file}: a component is two YAML documents (spec, then jobs)`);
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
  const spec = docs[0]!.toJS() as { spec?: Component['spec'] };
  if (!spec.spec?.inputs) throw new Error(`${file}: the first document has no spec: inputs:`);
  return { spec: spec.spec, jobs: docs[1]!.toJS() as Record<string, GitlabJob> };
}

const REFERENCE = /\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]/g;

/** Every input id the jobs document names in $[[ inputs.id ]]. */
export function referencedInputs(value: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(REFERENCE)) found.add(m[1] as string);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        visit(k);
        visit(inner);
      }
    }
  };
  visit(value);
  return found;
}

/** Why GitLab would refuse `value` for this input, or null. */
export function inputProblem(id: string, spec: InputSpec, value: unknown): string | null {
  if (spec.options && !spec.options.includes(value as string)) return `${id}: ${JSON.stringify(value)} is not one of ${spec.options.join(', ')}`;
  if (spec.regex !== undefined && !new RegExp(spec.regex).test(String(value))) return `${id}: ${JSON.stringify(value)} does not match ${spec.regex}`;
  return null;
}

/** The jobs document with the inputs given, as GitLab builds the pipeline from it. */
export function instantiate(component: Component, given: Record<string, string>): Record<string, GitlabJob> {
  const inputs: Record<string, unknown> = {};
  for (const id of Object.keys(given)) if (!(id in component.spec.inputs)) throw new Error(`unknown input ${id}`);
  for (const [id, spec] of Object.entries(component.spec.inputs)) {
    const value = id in given ? given[id] : spec.default;
    if (value === undefined) throw new Error(`input ${id} is mandatory (it has no default)`);
    const problem = inputProblem(id, spec, value);
    if (problem) throw new Error(problem);
    inputs[id] = value;
  }
  const substitute = (v: unknown): unknown => {
    if (typeof v === 'string') {
      // A value that is one reference takes the input's own type.
      const whole = /^\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]$/.exec(v);
      if (whole) return inputs[whole[1] as string];
      return v.replace(REFERENCE, (_, id: string) => String(inputs[id]));
    }
    if (Array.isArray(v)) return v.map(substitute);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, inner]) => [substitute(k) as string, substitute(inner)]));
    return v;
  };
  return substitute(component.jobs) as Record<string, GitlabJob>;
}

export interface JobResult {
  code: number | null;
  stdout: string;
  stderr: string;
  afterScript: { code: number | null; stdout: string; stderr: string } | null;
}

/**
 * before_script and script in one bash shell with errexit and pipefail (a
 * runner's bash stops the job at the first failing line), then after_script
 * in a shell of its own, as GitLab runs it. The job's variables become
 * environment variables, over `env`.
 */
export async function runJob(job: GitlabJob, options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<JobResult> {
  const variables = Object.fromEntries(
    Object.entries(job.variables ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : String(v.value)]),
  );
  const env = { ...options.env, ...variables };
  const lines = [...(job.before_script ?? []), ...job.script];
  const timeout = options.timeoutMs ?? 900_000;
  const main = await spawnBash(['--noprofile', '--norc', '-eo', 'pipefail', '-c', lines.join('\n')], env, options.cwd, timeout);
  const afterScript = job.after_script ? await spawnBash(['--noprofile', '--norc', '-eo', 'pipefail', '-c', job.after_script.join('\n')], env, options.cwd, timeout) : null;
  return { ...main, afterScript };
}
