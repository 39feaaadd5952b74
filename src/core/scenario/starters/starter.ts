// A starter: the scenario `hadrill init` writes for one tier, so that a new
// user reaches a drill of their tier (and SLOs to start from) without reading
// the scenario reference first. Each tier's text is a TypeScript module under
// this folder rather than a YAML file under scenarios/: it compiles into the
// code that prints it (no package file to find at run time), it stays out of
// the globs that drill and compare every shipped scenario (scenarios/*.yaml),
// and the unit tests parse, validate and plan every one of them as they are.
import { shellQuote } from '../../shell-quote.js';

export interface Starter {
  /** What `--tier` takes, and the scenario's name (a name: at most 24 characters). */
  tier: string;
  /** One line for `init --list`. */
  summary: string;
  /**
   * The shipped scenario (from the package root) whose layout, workload and
   * faults this one repeats, so that the figures hadrill measured for it
   * (docs/tiers.md, docs/stacks.md) are what a first drill of the starter
   * should show; the tests hold the two together.
   */
  mirrors: string;
  /** The scenario from its first key on, every section commented. */
  body: string;
}

export interface StarterTarget {
  /** Where the text goes: a file name, or null for stdout. */
  file: string | null;
  /** The scenario schema, as the file should point to it for an editor; null for none. */
  schema: string | null;
}

/** The whole file: the header that says what to run next, then the tier's commented scenario. */
export function renderStarter(starter: Starter, target: StarterTarget): string {
  // A name with a line break in it would end the comment it is quoted in and start a line of YAML.
  const named = target.file ?? `${starter.tier}.yaml`;
  const file = /[\u0000-\u001f\u007f\u2028\u2029\u0085]/.test(named) ? 'FILE' : shellQuote(named);
  const lines = [
    ...(target.schema === null ? [] : [`# yaml-language-server: $schema=${target.schema}`]),
    `# A hadrill scenario for the ${starter.tier} tier, written by \`hadrill init --tier ${starter.tier}\`.`,
    `# ${starter.summary}.`,
    '#',
    '# Next:',
    ...(target.file === null ? [`#   hadrill init --tier ${starter.tier} -o ${file}   save it (or redirect this output)`] : []),
    `#   hadrill validate ${file}   check it without Docker; an error names its file:line:col`,
    `#   hadrill drill ${file}      stand the topology up in Docker, write, run the fault timeline,`,
    '#       heal, read every node, judge the SLOs below and take it all down again; the report',
    '#       goes to hadrill-report/ (--report-dir DIR for another). Exit 0: every SLO held;',
    '#       1: one did not; 2: bad input or set-up failure.',
    '#   hadrill doctor --fix   once per machine, first: Docker and hadrill\'s image (a few minutes).',
    '# Every key is described in hadrill\'s docs/scenarios.md and schema/scenario.schema.json,',
    '# every fault in docs/faults.md, every figure of the report in docs/measurements.md.',
  ];
  return `${lines.join('\n')}\n\n${starter.body.endsWith('\n') ? starter.body : `${starter.body}\n`}`;
}

/** The comment every starter's `slo:` block opens with; `example` is an --slo to try without editing. */
export function sloIntro(example: string): string {
  return [
    '# slo: the bounds the drill is judged by (exit 1 when one is broken). Top-level',
    '# keys bound every group; groups: { NAME: {...} } one group. Known bounds: rto,',
    '# lostWrites, p99WriteDuringFault, divergentRows, conflicts, p99StaleRead,',
    `# splitBrain. Try one without editing: hadrill drill FILE --slo ${example}.`,
  ].join('\n');
}

/** The last two keys of every starter's `drill:` block, commented alike. */
export function settleAndWindow(settle: string): string {
  return [
    `  settle: ${settle}                      # after the heal, before every node is read`,
    '  rtoWindow: 1s                   # writes must succeed this long for an outage to end',
  ].join('\n');
}
