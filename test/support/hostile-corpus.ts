// Malformed and hostile scenario files, each with what its error must say:
// wrong types, unknown IDCs and nodes, duplicates, impossible topologies,
// negative and huge durations and counts, bad names (unicode, traversal,
// shell, too long), YAML attacks (alias bombs, deep nesting, tags), garbage
// bytes and oversized files. Every one must be exit 2 within seconds, with
// the place and the fix, no stack trace, and nothing created.
import { Rand } from './prng.js';

export interface HostileCase {
  name: string;
  content: string | Buffer;
  /** What stderr must say. */
  expect: RegExp;
  /** Whether the problem has a place in the file (file:line:col). */
  located: boolean;
}

/** A small valid scenario, the ground the cases below break. */
export const VALID = `name: corpus
idcs:
  - { name: idc-a, city: city-1 }
  - { name: idc-b, city: city-2 }
mysql:
  nodes:
    - { name: db-a, idc: idc-a, role: primary }
    - { name: db-b, idc: idc-b }
  manager: { idc: idc-b }
redis:
  nodes: [{ name: redis-a, idc: idc-a }, { name: redis-b, idc: idc-b }]
  sentinels: [{ idc: idc-a }, { idc: idc-b }]
workload:
  clients: [{ idc: idc-a }, { idc: idc-b }]
drill:
  steady: 2s
  timeline:
    - { at: 2s, fault: power, idc: idc-a }
  recovery: 5s
`;

/** VALID with one line replaced (by its start), or text added at the end. */
function edit(find: string, replace: string): string {
  const lines = VALID.split('\n');
  const i = lines.findIndex((l) => l.trimStart().startsWith(find));
  if (i < 0) throw new Error(`corpus: no line starts with ${find}`);
  lines[i] = replace;
  return lines.join('\n');
}
const add = (text: string): string => VALID + text;
const timeline = (entry: string): string => edit('- { at: 2s, fault: power', `    - ${entry}`);

const RULE = /is not a valid name: lower-case letters, digits and dashes|characters long; a name is at most 24/;
const NOT_DURATION = /is not a duration of at most 24h/;

export function hostileCorpus(): HostileCase[] {
  const c = (name: string, content: string | Buffer, expect: RegExp, located = true): HostileCase => ({ name, content, expect, located });
  const rand = new Rand(0x6a11);
  const garbage = Buffer.from(Array.from({ length: 4096 }, () => rand.int(0, 255)));
  const aliasBomb = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]', ...'bcdefghi'.split('').map((x, i) => `${x}: &${x} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)].join('\n') + '\n';
  return [
    // Wrong types.
    c('name-is-a-number', edit('name:', 'name: 42'), /name: must be a string, not 42/),
    c('idcs-is-a-string', edit('idcs:', 'idcs: idc-a').replace(/^ {2}- \{ name: idc-[ab].*\n/gm, ''), /idcs: must be an array, not "idc-a"/),
    c('idcs-of-strings', edit('- { name: idc-a, city', '  - idc-a'), /idcs\[0\]: must be an object, not "idc-a"/),
    c('workload-is-a-list', edit('workload:', 'workload: []').replace('  clients: [{ idc: idc-a }, { idc: idc-b }]\n', ''), /workload: must be an object, not a list of 0/),
    c('downafter-is-boolean', edit('sentinels:', '  sentinels: [{ idc: idc-a }]\n  downAfter: true'), /redis\.downAfter: true is not a duration/),
    c('rate-is-a-word', edit('clients:', '  clients: [{ idc: idc-a }]\n  mysqlWritesPerSecond: fast'), /workload\.mysqlWritesPerSecond: must be a number, not "fast"/),
    c('lost-writes-fraction', add('slo: { lostWrites: 1.5 }\n'), /slo\.lostWrites: must be an integer, not 1\.5/),
    c('timeline-is-a-string', edit('timeline:', '  timeline: power').replace(/\n {4}- \{ at: 2s.*/, ''), /drill\.timeline: must be an array, not "power"/),
    c('link-between-a-string', add('network:\n  links: [{ between: idc-a, latency: 5ms }]\n'), /network\.links\[0\]\.between: must be an array/),
    c('nodes-is-a-mapping', edit('nodes:', '  nodes: { db-a: idc-a }').replace(/\n {4}- \{ name: db-[ab].*/g, ''), /mysql\.nodes: must be an array, not a mapping/),
    // Unknown IDCs and nodes.
    c('node-in-unknown-idc', edit('- { name: db-b', '    - { name: db-b, idc: idc-z }'), /mysql\.nodes\[1\]\.idc: unknown IDC "idc-z"; known: idc-a, idc-b/),
    c('sentinel-in-unknown-idc', edit('sentinels:', '  sentinels: [{ idc: idc-a }, { idc: idc-q }]'), /redis\.sentinels\[1\]\.idc: unknown IDC "idc-q"/),
    c('client-in-unknown-idc', edit('clients:', '  clients: [{ idc: nowhere }]'), /workload\.clients\[0\]\.idc: unknown IDC "nowhere"/),
    c('manager-in-unknown-idc', edit('manager:', '  manager: { idc: idc-x }'), /mysql\.manager\.idc: unknown IDC "idc-x"/),
    c('power-unknown-idc', timeline('{ at: 2s, fault: power, idc: idc-c }'), /drill\.timeline\[0\]\.idc: unknown IDC "idc-c"/),
    c('crash-unknown-node', timeline('{ at: 2s, fault: crash, node: db-z }'), /drill\.timeline\[0\]\.node: unknown node "db-z"/),
    c('replication-stop-primary', timeline('{ at: 2s, fault: replication-stop, node: db-a }'), /"db-a" is not a replica whose replication can be stopped; such replicas: db-b/),
    c('cut-unknown-idc', timeline('{ at: 2s, fault: cut, between: [idc-a, idc-c] }'), /drill\.timeline\[0\]\.between\[1\]: unknown IDC "idc-c"/),
    // Duplicates.
    c('duplicate-idc', edit('- { name: idc-b', '  - { name: idc-a, city: city-2 }'), /idcs\[1\]\.name: IDC "idc-a" is declared twice/),
    c('duplicate-node-names', edit('nodes: [{ name: redis-a', '  nodes: [{ name: db-a, idc: idc-a }, { name: redis-b, idc: idc-b }]'), /the name "db-a" is used by two nodes, machinery containers or clients/, false),
    c('node-named-router', edit('- { name: db-b', '    - { name: router, idc: idc-b }'), /the name "router" is used by two/, false),
    c('duplicate-yaml-key', add('name: again\n'), /the key "name" appears twice in this mapping/),
    c('duplicate-clients', edit('clients:', '  clients: [{ name: app, idc: idc-a }, { name: app, idc: idc-b }]'), /the name "app" is used by two/, false),
    // Impossible topologies.
    c('two-primaries', edit('- { name: db-b', '    - { name: db-b, idc: idc-b, role: primary }'), /2 nodes have role primary; exactly one may/),
    c('two-masters', edit('nodes: [{ name: redis-a', '  nodes: [{ name: redis-a, idc: idc-a, role: master }, { name: redis-b, idc: idc-b, role: master }]'), /2 nodes have role master/),
    c('quorum-above-sentinels', edit('sentinels:', '  sentinels: [{ idc: idc-a }, { idc: idc-b }]\n  quorum: 3'), /quorum 3 is more than the 2 sentinels/),
    c('no-datastore', VALID.replace(/^mysql:[\s\S]*?(?=^workload:)/m, ''), /needs datastore groups: a "groups" list, or the "mysql" and "redis" shorthand/, false),
    c('cut-same-idc', timeline('{ at: 2s, fault: cut, between: [idc-a, idc-a] }'), /a link joins two different IDCs; both ends here are "idc-a"/),
    c('degrade-without-shape', timeline('{ at: 2s, fault: degrade, between: [idc-a, idc-b] }'), /degrade needs at least one of latency, jitter, loss, rate/),
    c('partition-one-group', timeline('{ at: 2s, fault: partition, groups: [[idc-a, idc-b]] }'), /must NOT have fewer than 2 items/),
    c('partition-idc-twice', timeline('{ at: 2s, fault: partition, groups: [[idc-a], [idc-a, idc-b]] }'), /IDC "idc-a" is in two groups/),
    c('link-same-idc', add('network:\n  links: [{ between: [idc-b, idc-b], latency: 5ms }]\n'), /network\.links\[0\]\.between: a link joins two different IDCs/),
    c('seventeen-idcs', edit('idcs:', `idcs: [${Array.from({ length: 17 }, (_, i) => `{ name: i${i} }`).join(', ')}]`).replace(/^ {2}- \{ name: idc-[ab].*\n/gm, ''), /idcs: must NOT have more than 16 items/),
    c('thirty-three-nodes', edit('nodes:', `  nodes: [${Array.from({ length: 33 }, (_, i) => `{ name: db-${i}, idc: idc-a }`).join(', ')}]`).replace(/\n {4}- \{ name: db-[ab].*/g, ''), /mysql\.nodes: must NOT have more than 32 items/),
    c('too-many-faults', edit('timeline:', `  timeline: [${Array.from({ length: 1001 }, (_, i) => `{ at: ${i}, fault: power, idc: idc-a }`).join(', ')}]`).replace(/\n {4}- \{ at: 2s.*/, ''), /drill\.timeline: must NOT have more than 1000 items/),
    // Negative and huge durations and counts.
    c('negative-duration', edit('steady:', '  steady: -5s'), NOT_DURATION),
    c('huge-duration', edit('recovery:', '  recovery: 99999h'), NOT_DURATION),
    c('infinite-duration', timeline('{ at: 1e400, fault: power, idc: idc-a }'), /Infinity is not a duration of at most 24h/),
    c('nan-duration', edit('recovery:', '  recovery: .nan'), /NaN is not a duration of at most 24h/),
    c('negative-rate', edit('clients:', '  clients: [{ idc: idc-a }]\n  mysqlWritesPerSecond: -1'), /workload\.mysqlWritesPerSecond: must be >= 0/),
    c('huge-rate', edit('clients:', '  clients: [{ idc: idc-a }]\n  redisWritesPerSecond: 1e9'), /workload\.redisWritesPerSecond: must be <= 2000/),
    c('huge-key-count', edit('clients:', '  clients: [{ idc: idc-a }]\n  keys: 1000000000000'), /workload\.keys: must be <= 100000/),
    c('zero-failure-threshold', edit('manager:', '  manager: { idc: idc-b, failureThreshold: 0 }'), /failureThreshold: must be >= 1/),
    c('zero-quorum', edit('sentinels:', '  sentinels: [{ idc: idc-a }]\n  quorum: 0'), /redis\.quorum: must be >= 1/),
    c('loss-over-100', timeline('{ at: 2s, fault: degrade, between: [idc-a, idc-b], loss: 500% }'), /"500%" is not a percentage from 0 to 100/),
    c('zero-bandwidth', timeline('{ at: 2s, fault: degrade, between: [idc-a, idc-b], rate: 0kbit }'), /"0kbit" is not valid: a bandwidth from 1kbit to 100gbit/),
    // Names.
    c('upper-case-name', edit('name:', 'name: Corpus'), RULE),
    c('unicode-idc', VALID.replaceAll('idc-b', 'idc-ä'), RULE),
    c('emoji-node', edit('- { name: db-b', '    - { name: "db-🙂", idc: idc-b }'), RULE),
    c('traversal-node', edit('- { name: db-b', '    - { name: ../../etc, idc: idc-b }'), RULE),
    c('over-long-name', edit('name:', `name: ${'x'.repeat(40)}`), /is 40 characters long; a name is at most 24/),
    c('empty-name', edit('name:', 'name: ""'), RULE),
    c('shell-client-name', edit('clients:', '  clients: [{ name: "a;rm -rf ~", idc: idc-a }]'), RULE),
    c('slash-scenario-name', edit('name:', 'name: team/x'), RULE),
    c('derived-name-too-long', VALID.replaceAll('idc-b', 'idc-with-a-long-name-b'), /the name made for it from its IDC, "sentinel-idc-with-a-long-name-b" is 31 characters long/),
    // YAML attacks and syntax.
    c('alias-bomb', aliasBomb, /YAML aliases here expand to too much data/),
    c('undefined-alias', edit('name:', 'name: *nope'), /YAML alias \*nope names no anchor defined before it/),
    c('bad-indentation', edit('steady:', '     steady: 2s'), /YAML syntax: /),
    c('unclosed-flow', edit('clients:', '  clients: [{ idc: idc-a }'), /YAML syntax: /),
    c('tab-indentation', edit('steady:', '\tsteady: 2s'), /YAML syntax: /),
    c('custom-tag', edit('name:', 'name: !shell "rm -rf ~"'), /Unresolved tag: !shell; scenarios use plain values, without tags/),
    c('js-function-tag', edit('name:', 'name: !!js/function "function () {}"'), /Unresolved tag/),
    c('two-documents', add('---\nname: second\n'), /multiple documents/),
    c('deep-nesting', `name: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, /nested too deeply to read/),
    c('complex-key', add('? [a, b]\n: c\n'), /keys are plain words here/),
    // Not a scenario at all.
    c('random-bytes', garbage, /YAML|a scenario is a YAML mapping/, false),
    c('nul-bytes', Buffer.from('name: x\u0000\u0000\nidcs: []\n'), /YAML|must/, false),
    c('empty-file', '', /a scenario is a YAML mapping/, false),
    c('only-comments', '# nothing here\n', /a scenario is a YAML mapping/, false),
    c('a-scalar', 'hello\n', /a scenario is a YAML mapping/),
    c('a-list', '- name: x\n', /a scenario is a YAML mapping/),
    c('unknown-key', add('drll: {}\n'), /unknown property "drll"; allowed here: name, tier/),
    c('proto-key', add('__proto__: { polluted: true }\n'), /unknown property "__proto__"/),
    c('terminal-escapes', edit('name:', 'name: corpus\ntier: "\\e]0;pwned\\a\\e[2J"'), /tier: .* is not valid: text of at most 64 characters, without control characters/),
    c('long-description', edit('name:', `name: corpus\ndescription: ${'d'.repeat(3000)}`), /description: .* is not valid: text of at most 2000 characters/),
    c('image-with-shell', edit('mysql:', 'mysql:\n  image: "mariadb; rm -rf /"'), /mysql\.image: .* is not valid: 'hadrill' for the image/),
    // Size: refused before parsing, and linear work just under the bound.
    c('ten-megabytes', `name: big\ndescription: "${'x'.repeat(10 * 1024 * 1024)}"\n`, /the file is 10\.0 MB; hadrill reads scenario files of at most 1\.0 MB/, false),
    c('one-byte-over', `# ${'x'.repeat(1024 * 1024 - 1)}\n`, /the file is 1\.0 MB; hadrill reads scenario files of at most 1\.0 MB/, false),
    ...Object.entries(largeShapes(1024 * 1024)).map(([name, { content, expect }]) => c(name, content, expect)),
  ];
}

/** Hostile files of many entries, just under `bytes`: unknown keys, faults, nodes. */
export function largeShapes(bytes: number): Record<string, { content: string; expect: RegExp }> {
  const fill = (head: string, make: (i: number) => string, tail = ''): string => `${head}${lines(make, bytes - head.length - tail.length - 1).join('\n')}\n${tail}`;
  const [before, after] = VALID.split('    - { at: 2s, fault: power, idc: idc-a }\n') as [string, string];
  return {
    'many-unknown-keys': { content: fill(VALID, (i) => `k${i}: ${i}`), expect: /\.\.\. and \d+ more/ },
    'many-faults': { content: fill(before, (i) => `    - { at: ${i}, fault: crash, node: n${i} }`, after), expect: /drill\.timeline: must NOT have more than 1000 items/ },
    'many-bad-nodes': {
      content: fill('name: big\nidcs: [{ name: idc-a }]\nworkload: { clients: [{ idc: idc-a }] }\nredis:\n  sentinels: [{ idc: idc-a }]\n  nodes:\n', (i) => `    - { name: R${i}, idc: idc-b }`),
      expect: /redis\.nodes: must NOT have more than 32 items/,
    },
  };
}

/** Lines from `make` until just under `bytes`. */
function lines(make: (i: number) => string, bytes: number): string[] {
  const out: string[] = [];
  for (let i = 0, size = 0; ; i++) {
    const line = make(i);
    if (size + line.length + 1 > bytes) return out;
    out.push(line);
    size += line.length + 1;
  }
}

/**
 * Free text a scenario may hold (its description and tier allow line breaks
 * and any printable Unicode) that a rendered Compose file must not let a YAML
 * reader take for anything but a comment: every line break a reader honours
 * (LF, CR, NEL, LS, PS), document markers and directives after one, and
 * characters YAML does not allow in a stream at all.
 */
export interface InjectionCase {
  name: string;
  /** A scenario file: VALID with the text as its description (or tier). */
  content: string;
  /** The loader refuses it already (the schema allows no CR); otherwise it is a valid scenario. */
  refused?: true;
}

export function composeInjections(): InjectionCase[] {
  const include = 'include: [/tmp/evil.yaml]';
  const cases: [string, string, 'description' | 'tier'][] = [
    ['lf-include', `x\n${include}\n#`, 'description'],
    ['lf-service', 'x\nservices:\n  evil: { image: evil, privileged: true }\n#', 'description'],
    ['lf-indented-key', 'x\n  x-evil: 1\n#', 'description'],
    ['lf-document-start', 'x\n---\nname: other\n', 'description'],
    ['lf-document-end', 'x\n...\n', 'description'],
    ['lf-directive', 'x\n%YAML 1.1\n---\n', 'description'],
    ['line-separator', `x\u2028${include}\u2028#`, 'description'],
    ['paragraph-separator', `x\u2029${include}\u2029#`, 'description'],
    ['next-line', `x\u0085${include}\u0085#`, 'description'],
    ['mixed-breaks', `a\u2028b\u2029c\u0085d\n${include}`, 'description'],
    ['carriage-return', `x\r${include}\r#`, 'description'],
    ['tier-line-separator', `t\u2028${include}\u2028#`, 'tier'],
    ['tier-next-line', `t\u0085${include}`, 'tier'],
    ['byte-order-mark', `x\ufeff${include}`, 'description'],
    ['c1-controls', 'x\u0081\u009b[2J\u009c', 'description'],
    ['lone-surrogate', 'x\ud800y', 'description'],
    ['interpolation-in-text', 'costs $5: ${HOME} $(id) $$ ${X:-y}', 'description'],
    ['tabs-and-hashes', 'a\t# b\t#\n\t# c', 'description'],
  ];
  return cases.map(([name, text, field]) => {
    // Every character outside printable ASCII as a YAML escape, so the file itself is plain ASCII.
    const quoted = `"${text
      .split('')
      .map((ch) => (/^[\x20-\x7e]$/.test(ch) && ch !== '"' && ch !== '\\' ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`))
      .join('')}"`;
    const content = field === 'description' ? edit('name:', `name: corpus\ndescription: ${quoted}`) : edit('name:', `name: corpus\ntier: ${quoted}`);
    return { name, content, ...(text.includes('\r') ? { refused: true as const } : {}) };
  });
}
