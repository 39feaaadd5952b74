// Every Compose file shipped in compose/, read the way Docker Compose reads
// it: YAML first, then variable interpolation in every value by the rules of
// the Compose Specification (interpolation chapter): `$$` is a literal `$`;
// `$VAR` and `${VAR}` are variables, and so are `${VAR:-default}`,
// `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}` and
// `${VAR+alt}`, whose operands are interpolated in turn; a `$` before anything
// else is left as it is. hadrill's files must use no `$` but a doubled one and
// the `${VAR...}` forms of the variables their header lists; after
// interpolation the route helpers' shell commands must be what hadrill runs.
// Their structure is checked against the Compose Specification's top-level
// and service keys hadrill uses (only those keys, each of the right type), and
// the header must name the Compose version that reads them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../support/hadrill-cli.js';

const DIR = join(ROOT, 'compose');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.compose.yaml')).sort();

// ---- Interpolation, as the Compose Specification defines it ----

interface Reference {
  name: string;
  braced: boolean;
  /** The operator of a braced reference (`:-`, `-`, `:?`, `?`, `:+`, `+`), or '' for none. */
  operator: string;
}

type Env = Record<string, string | undefined>;

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;
const OPERATOR = /^(:-|-|:\?|\?|:\+|\+)/;

/** `text` interpolated with `env`, and every reference met on the way (also those in operands). */
export function interpolate(text: string, env: Env, refs: Reference[] = [], strays: string[] = []): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] !== '$') {
      out += text[i++];
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) throw new Error(`unterminated \${ in ${JSON.stringify(text)}`);
      out += braced(text.slice(i + 2, end), env, refs, strays);
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (name === undefined) {
        // Not a variable: Compose leaves the `$` as it is.
        strays.push(text.slice(i, i + 12));
        out += '$';
        i += 1;
      } else {
        refs.push({ name, braced: false, operator: '' });
        out += env[name] ?? '';
        i += 1 + name.length;
      }
    }
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function braced(inner: string, env: Env, refs: Reference[], strays: string[]): string {
  const name = NAME.exec(inner)?.[0];
  if (name === undefined) throw new Error(`invalid interpolation \${${inner}}`);
  const rest = inner.slice(name.length);
  const operator = OPERATOR.exec(rest)?.[0] ?? '';
  if (operator === '' && rest !== '') throw new Error(`invalid interpolation \${${inner}}: Compose supports no ${JSON.stringify(rest)}`);
  refs.push({ name, braced: true, operator });
  const operand = (): string => interpolate(rest.slice(operator.length), env, refs, strays);
  const value = env[name];
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  switch (operator) {
    case '':
      return value ?? '';
    case ':-':
      return nonEmpty ? value : operand();
    case '-':
      return set ? value : operand();
    case ':?':
    case '?':
      if (operator === ':?' ? nonEmpty : set) return value!;
      throw new Error(`required variable ${name} is missing: ${operand()}`);
    case ':+':
      return nonEmpty ? operand() : '';
    default:
      return set ? operand() : '';
  }
}

describe('the interpolation rules the test applies', () => {
  test('follow the Compose Specification', () => {
    const env = { SET: 'value', EMPTY: '' };
    const cases: [string, string][] = [
      ['$$', '$'],
      ['$$VAR', '$VAR'],
      ['$SET', 'value'],
      ['${SET}', 'value'],
      ['$UNSET-x', '-x'],
      ['${UNSET:-default}', 'default'],
      ['${EMPTY:-default}', 'default'],
      ['${EMPTY-default}', ''],
      ['${UNSET-default}', 'default'],
      ['${SET:+alt}', 'alt'],
      ['${EMPTY:+alt}', ''],
      ['${EMPTY+alt}', 'alt'],
      ['${UNSET:-${SET}}', 'value'],
      ['${UNSET:-${ALSO:-deep}}', 'deep'],
      ['$(ls)', '$(ls)'],
      ['"$d"', '""'],
      ['$$(ls) "$$d"', '$(ls) "$d"'],
    ];
    for (const [text, expected] of cases) assert.equal(interpolate(text, env), expected, text);
    assert.throws(() => interpolate('${UNSET:?set UNSET}', env), /required variable UNSET/);
    assert.throws(() => interpolate('${EMPTY:?set it}', env), /required variable EMPTY/);
    assert.equal(interpolate('${EMPTY?set it}', env), '');
    assert.throws(() => interpolate('${SET/a/b}', env), /supports no/);
  });
});

// ---- Structure: the Compose Specification's keys hadrill uses ----

type Check = (value: unknown, where: string, problems: string[]) => void;
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const string: Check = (v, where, p) => void (typeof v === 'string' || p.push(`${where}: a string, not ${JSON.stringify(v)}`));
const matching =
  (re: RegExp): Check =>
  (v, where, p) =>
    void (typeof v === 'string' && re.test(v) ? undefined : p.push(`${where}: ${JSON.stringify(v)} does not match ${re}`));
const listOf =
  (item: Check): Check =>
  (v, where, p) => {
    if (!Array.isArray(v)) return void p.push(`${where}: a list, not ${JSON.stringify(v)}`);
    v.forEach((x, i) => item(x, `${where}[${i}]`, p));
  };
const mapOf =
  (item: Check): Check =>
  (v, where, p) => {
    if (!isMap(v)) return void p.push(`${where}: a mapping, not ${JSON.stringify(v)}`);
    for (const [k, x] of Object.entries(v)) item(x, `${where}.${k}`, p);
  };
const object =
  (keys: Record<string, Check>, required: string[] = []): Check =>
  (v, where, p) => {
    if (!isMap(v)) return void p.push(`${where}: a mapping, not ${JSON.stringify(v)}`);
    for (const k of required) if (!(k in v)) p.push(`${where}: has no ${k}`);
    for (const [k, x] of Object.entries(v)) {
      const check = keys[k];
      if (check === undefined) p.push(`${where}: unknown key ${k} (known: ${Object.keys(keys).join(', ')})`);
      else check(x, `${where}.${k}`, p);
    }
  };
const scalarValue: Check = (v, where, p) => void (['string', 'number', 'boolean'].includes(typeof v) || v === null || p.push(`${where}: a string, number, boolean or null, not ${JSON.stringify(v)}`));
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/\d{1,2}$/;

const SERVICE: Record<string, Check> = {
  image: string,
  container_name: matching(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/),
  command: listOf(string),
  environment: mapOf(scalarValue),
  labels: mapOf(string),
  cap_add: listOf(matching(/^[A-Z_]+$/)),
  cap_drop: listOf(matching(/^[A-Z_]+$/)),
  sysctls: mapOf((v, where, p) => void (typeof v === 'string' || typeof v === 'number' || p.push(`${where}: a string or number`))),
  // Short syntax: SOURCE:TARGET[:MODE].
  volumes: listOf(matching(/^[^:]+:\/[^:]*(:(ro|rw|z|Z))?$/)),
  configs: listOf(object({ source: string, target: matching(/^\//), mode: (v, where, p) => void (Number.isInteger(v) || p.push(`${where}: an integer mode`)) }, ['source', 'target'])),
  networks: mapOf(object({ ipv4_address: matching(IPV4) })),
  network_mode: matching(/^(none|host|bridge|service:[a-zA-Z0-9._-]+)$/),
  // Byte values as the specification writes them: a number and a unit (b, k, m, g).
  mem_limit: matching(/^\d+[bkmg]$/),
  memswap_limit: matching(/^\d+[bkmg]$/),
  pids_limit: (v, where, p) => void (Number.isInteger(v) || p.push(`${where}: an integer`)),
  security_opt: listOf(matching(/^no-new-privileges:true$/)),
};
const TOP: Record<string, Check> = {
  name: matching(/^[a-z0-9][a-z0-9_-]*$/),
  services: mapOf(object(SERVICE, ['image'])),
  configs: mapOf(object({ content: string }, ['content'])),
  networks: mapOf(object({ name: string, labels: mapOf(string), ipam: object({ config: listOf(object({ subnet: matching(CIDR), gateway: matching(IPV4) }, ['subnet'])) }) })),
};

/** Cross references: a service's configs, networks and network_mode name what the file declares. */
function references(doc: Record<string, unknown>, problems: string[]): void {
  const services = (doc['services'] ?? {}) as Record<string, Record<string, unknown>>;
  const configs = new Set(Object.keys((doc['configs'] ?? {}) as object));
  const networks = new Set(Object.keys((doc['networks'] ?? {}) as object));
  for (const [name, s] of Object.entries(services)) {
    if (!/^[a-zA-Z0-9._-]+$/.test(name)) problems.push(`services.${name}: not a valid service name`);
    for (const c of (s['configs'] ?? []) as { source: string }[]) if (!configs.has(c.source)) problems.push(`services.${name}.configs: ${c.source} is not declared`);
    for (const n of Object.keys((s['networks'] ?? {}) as object)) if (!networks.has(n)) problems.push(`services.${name}.networks: ${n} is not declared`);
    const mode = s['network_mode'];
    if (typeof mode === 'string') {
      if ('networks' in s) problems.push(`services.${name}: network_mode and networks do not go together`);
      const target = mode.startsWith('service:') ? mode.slice('service:'.length) : null;
      if (target !== null && !(target in services)) problems.push(`services.${name}.network_mode: no service ${target}`);
    }
  }
}

/** Every string value of the document, with its place (keys apart: Compose interpolates values only). */
function values(v: unknown, where: string, out: { where: string; text: string }[], keys: string[]): void {
  if (typeof v === 'string') out.push({ where, text: v });
  else if (Array.isArray(v)) v.forEach((x, i) => values(x, `${where}[${i}]`, out, keys));
  else if (isMap(v))
    for (const [k, x] of Object.entries(v)) {
      keys.push(k);
      values(x, where ? `${where}.${k}` : k, out, keys);
    }
}

/** The document as Compose has it after interpolation: every string value interpolated with `env`. */
function interpolated(v: unknown, env: Env): unknown {
  if (typeof v === 'string') return interpolate(v, env);
  if (Array.isArray(v)) return v.map((x) => interpolated(x, env));
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolated(x, env)]));
  return v;
}

/** Every variable a string value of the document names (set to a stand-in, so required ones interpolate). */
function everyVariable(doc: unknown): Env {
  const strings: { where: string; text: string }[] = [];
  values(doc, '', strings, []);
  const env: Env = {};
  for (const { text } of strings) {
    // Until every required variable of the string is set: each failure names the next one.
    for (let known = -1; known < Object.keys(env).length; ) {
      known = Object.keys(env).length;
      const refs: Reference[] = [];
      try {
        interpolate(text, env, refs);
      } catch {
        // The references met up to the unset one are collected.
      }
      for (const r of refs) env[r.name] = `value-of-${r.name}`;
    }
  }
  return env;
}

// ---- The files ----

describe('the Compose files in compose/', () => {
  test('there is one for each scenario', () => {
    const scenarios = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml'));
    assert.deepEqual(FILES, scenarios.map((f) => f.replace(/\.yaml$/, '.compose.yaml')).sort());
  });

  for (const file of FILES) {
    describe(file, () => {
      const text = readFileSync(join(DIR, file), 'utf8');
      const lines = text.split('\n');
      const header = lines.slice(0, lines.findIndex((l) => !l.startsWith('#')));
      const docs = parseAllDocuments(text);
      const doc = (Array.isArray(docs) && docs.length === 1 ? docs[0]!.toJS() : null) as Record<string, unknown> | null;
      const listed = new Set((header.find((l) => l.startsWith('# Variables it reads:')) ?? '').match(/\b[A-Z_][A-Z0-9_]{2,}\b/g) ?? []);

      test('is one YAML document, without errors', () => {
        assert.ok(Array.isArray(docs) && docs.length === 1, 'one document');
        assert.deepEqual(docs[0]!.errors.map((e) => e.message), []);
        assert.ok(doc !== null);
      });

      test('has only the Compose Specification keys hadrill uses, each of the right type, and its references resolve', () => {
        // Compose checks the structure after interpolation (a volume's source may be a variable).
        const resolved = interpolated(doc, everyVariable(doc)) as Record<string, unknown>;
        const problems: string[] = [];
        object(TOP, ['name', 'services'])(resolved, '(top level)', problems);
        references(resolved, problems);
        assert.deepEqual(problems, []);
      });

      test('its header names the Compose version it needs, and the variables it reads', () => {
        const usesContent = Object.values((doc!['configs'] ?? {}) as Record<string, object>).some((c) => 'content' in c);
        if (usesContent) assert.ok(header.some((l) => /Docker Compose 2\.23\.1 or newer/.test(l)), `the header says configs.content needs Docker Compose 2.23.1 or newer:\n${header.join('\n')}`);
        assert.ok(listed.size > 0, `a "# Variables it reads:" line in the header:\n${header.join('\n')}`);
      });

      test('every $ in a value is doubled or a ${VAR...} the header lists; none in a key', () => {
        const strings: { where: string; text: string }[] = [];
        const keys: string[] = [];
        values(doc, '', strings, keys);
        assert.deepEqual(keys.filter((k) => k.includes('$')), [], 'Compose does not interpolate keys: none may hold a $');
        const problems: string[] = [];
        const used = new Set<string>();
        // Every variable set to a stand-in, so that each string is read to its end.
        const env = everyVariable(doc);
        for (const { where, text: value } of strings) {
          const refs: Reference[] = [];
          const strays: string[] = [];
          try {
            interpolate(value, env, refs, strays);
          } catch (error) {
            problems.push(`${where}: ${(error as Error).message}`);
          }
          for (const ref of refs) {
            used.add(ref.name);
            if (!ref.braced) problems.push(`${where}: $${ref.name} is read as a variable by Compose (a literal $ must be $$)`);
            else if (!listed.has(ref.name)) problems.push(`${where}: \${${ref.name}...} is not a variable the header lists (${[...listed].join(', ')})`);
          }
          for (const stray of strays) problems.push(`${where}: an undoubled $ in ${JSON.stringify(stray)}`);
        }
        assert.deepEqual(problems, []);
        assert.deepEqual([...used].sort(), [...listed].sort(), 'the header lists the variables the file reads, and only those');
      });

      test('after interpolation, each route helper runs the shell command hadrill means', () => {
        const env = Object.fromEntries([...listed].map((name) => [name, `value-of-${name}`]));
        const services = doc!['services'] as Record<string, { command?: string[] }>;
        const routes = Object.entries(services).filter(([name]) => name.endsWith('-routes'));
        assert.ok(routes.length > 0);
        for (const [name, service] of routes) {
          const [sh, flag, script] = (service.command ?? []).map((part) => interpolate(part, env));
          assert.deepEqual([sh, flag], ['sh', '-c'], name);
          assert.ok(script!.includes('for d in $(ls /sys/class/net); do [ "$d" = lo ] || ethtool -K "$d" tso off'), `${name}: ${script}`);
          assert.doesNotMatch(script!, /\$\$/, `${name}: no doubled $ is left after interpolation`);
        }
      });
    });
  }
});
