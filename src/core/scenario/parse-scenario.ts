// YAML text -> a validated, defaulted Scenario, or a ScenarioError that lists
// every problem with its file:line:col and the fix. Bounded before anything
// else: the size first, then one pass of YAML and one of the schema, and only
// the problems shown are located.
import { ScenarioError, type ScenarioProblem } from '../errors.js';
import { placedContainers } from '../plan/placement.js';
import { checkAgainstSchema } from './schema-check.js';
import { buildAttach } from './parse-attach.js';
import { buildDal } from './parse-dal.js';
import { buildDrill, buildNetwork } from './parse-drill.js';
import { buildGroups } from './parse-groups.js';
import { checkPlacement } from './parse-placement.js';
import { checks, ms, type Raw, type Report } from './parse-support.js';
import { buildClients, buildWorkload } from './parse-workload.js';
import { MAX_PROBLEMS_SHOWN, sizeProblem } from './scenario-limits.js';
import { formatPath, locate } from './yaml-locator.js';
import { readYaml } from './yaml-read.js';
import type { Group, Scenario, SloBounds } from './scenario.js';
import type { KindCatalog } from './kind-model.js';

/** The sections that stand for one group each (`mysql:`, `redis:`), named after the group they make. */
function shorthandSections(kinds: KindCatalog): string[] {
  return [...kinds.values()].flatMap((k) => (k.shorthand ? [k.shorthand.section] : []));
}

export function parseScenario(text: string, file: string, kinds: KindCatalog): Scenario {
  const tooBig = sizeProblem(Buffer.byteLength(text, 'utf8'));
  if (tooBig) throw new ScenarioError(file, [{ path: '', line: null, column: null, message: tooBig }]);
  const { doc, counter, data } = readYaml(text, file);
  const raw: Raw = data;
  const at = (segments: (string | number)[], message: string, atKey = false): ScenarioProblem => {
    const loc = locate(doc, counter, segments, atKey);
    return { path: formatPath(segments), line: loc?.line ?? null, column: loc?.column ?? null, message };
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ScenarioError(file, [at([], 'a scenario is a YAML mapping with at least name, idcs and workload')]);
  }
  const schema = checkAgainstSchema(raw, MAX_PROBLEMS_SHOWN);
  if (schema.total > 0) throw new ScenarioError(file, schema.problems.map((p) => at(p.segments, p.message, p.atKey)), schema.total - schema.problems.length);

  const found: { segments: (string | number)[]; message: string }[] = [];
  const scenario = build(raw, file, kinds, (segments, message) => found.push({ segments, message }));
  if (found.length > 0) {
    const shown = found.slice(0, MAX_PROBLEMS_SHOWN).map((p) => at(p.segments, p.message));
    throw new ScenarioError(file, shown, found.length - shown.length);
  }
  return scenario;
}

function build(raw: Raw, file: string, kinds: KindCatalog, report: Report): Scenario {
  const idcNames: string[] = raw.idcs.map((i: Raw) => i.name);
  const c = checks(idcNames, report);
  c.duplicates(
    idcNames,
    (i) => ['idcs', i, 'name'],
    (n) => `IDC "${n}" is declared twice`,
  );
  const idcs = raw.idcs.map((i: Raw) => ({ name: i.name, city: i.city ?? i.name }));
  const { groups, paths } = buildGroups(raw, idcNames, c, kinds);
  const dal = raw.dal ? buildDal(raw.dal, groups, c) : null;
  const clients = buildClients(raw.workload, c);
  // Names and room in each IDC are checked before the workload's routes, so their problems are listed in the order of the file.
  checkPlacement({ groups, dal, workload: { clients } }, paths, idcNames, c);
  const shorthands = shorthandSections(kinds);
  const workload = buildWorkload(raw.workload, clients, groups, dal, idcNames, c, shorthands, kinds);

  const network = buildNetwork(raw.network ?? {}, c);
  // Nodes and machinery can crash or lose power; clients are the drill's measuring instruments.
  const crashable = placedContainers({ groups, dal, workload })
    .filter((p) => p.origin.part !== 'client')
    .map((p) => p.name);
  const drill = buildDrill(raw.drill ?? {}, groups, crashable, idcNames, c, kinds);
  const attach = buildAttach(raw, groups, paths, c);
  return {
    name: raw.name,
    tier: raw.tier ?? raw.name,
    description: raw.description ?? '',
    file,
    idcs,
    network,
    groups,
    dal,
    workload,
    drill,
    slo: buildSlo(raw.slo ?? {}, groups, shorthands, report),
    ...(attach ? { attach } : {}),
  };
}

/** Metrics for every group at the top; per group under `groups`, or (shorthand) under the group's name. */
function buildSlo(raw: Raw, groups: readonly Group[], shorthands: readonly string[], report: Report): Scenario['slo'] {
  const perGroup: Record<string, SloBounds> = {};
  const add = (name: string, bounds: Raw, where: (string | number)[]): void => {
    if (!groups.some((g) => g.name === name)) report(where, `unknown group "${name}"; groups: ${groups.map((g) => g.name).join(', ')}`);
    perGroup[name] = { ...perGroup[name], ...sloBounds(bounds) };
  };
  for (const name of shorthands) if (raw[name]) add(name, raw[name], ['slo', name]);
  for (const [name, bounds] of Object.entries((raw.groups ?? {}) as Record<string, Raw>)) add(name, bounds, ['slo', 'groups', name]);
  return { ...sloBounds(raw), groups: perGroup };
}

function sloBounds(raw: Raw): SloBounds {
  return {
    ...(raw.rto !== undefined ? { rtoMs: ms(raw.rto) } : {}),
    ...(raw.lostWrites !== undefined ? { lostWrites: raw.lostWrites } : {}),
    ...(raw.p99WriteDuringFault !== undefined ? { p99WriteMsDuringFault: ms(raw.p99WriteDuringFault) } : {}),
    ...(raw.divergentRows !== undefined ? { divergentRows: raw.divergentRows } : {}),
    ...(raw.conflicts !== undefined ? { conflicts: raw.conflicts } : {}),
    ...(raw.p99StaleRead !== undefined ? { p99StaleReadMs: ms(raw.p99StaleRead) } : {}),
    ...(raw.splitBrain !== undefined ? { splitBrainMs: ms(raw.splitBrain) } : {}),
  };
}
