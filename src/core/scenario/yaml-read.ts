// YAML text -> plain data, with every failure of the YAML library (syntax,
// unknown tags, alias bombs, unresolved aliases, nesting too deep for the
// parser) turned into a located scenario problem instead of an exception.
import { isScalar, LineCounter, parseDocument, visit, type Document, type YAMLError, type YAMLWarning } from 'yaml';
import { ScenarioError, type ScenarioProblem } from '../errors.js';
import { MAX_PROBLEMS_SHOWN } from './scenario-limits.js';

/** Aliases expand to at most this many nodes' worth: the YAML library's own guard against alias bombs. */
const MAX_ALIAS_COUNT = 100;

export interface YamlScenario {
  doc: Document;
  counter: LineCounter;
  data: unknown;
}

export function readYaml(text: string, file: string): YamlScenario {
  const counter = new LineCounter();
  // The library's own duplicate-key check compares each key with every other (quadratic: a 200 KB
  // file of keys took 2 s, a 9 MB one hours), so keys are checked here, once each.
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  const issue = (kind: string) => (e: YAMLError | YAMLWarning) => ({ at: e.pos[0], message: `${kind}: ${yamlMessage(e.message)}` });
  const issues: { at: number; message: string }[] = [...doc.errors.map(issue('YAML syntax')), ...doc.warnings.map(issue('YAML'))];
  if (issues.length === 0) issues.push(...keyProblems(doc));
  if (issues.length > 0) {
    const problems = issues.slice(0, MAX_PROBLEMS_SHOWN).map((e): ScenarioProblem => {
      const pos = counter.linePos(e.at);
      return { path: '', line: pos.line, column: pos.col, message: e.message };
    });
    throw new ScenarioError(file, problems, issues.length - problems.length);
  }
  try {
    return { doc, counter, data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    throw new ScenarioError(file, [aliasProblem(doc, counter, (error as Error).message ?? String(error))]);
  }
}

function yamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  if (/Maximum call stack size exceeded/.test(first)) return 'nested too deeply to read (a scenario is a few levels deep)';
  if (/^Unresolved tag/.test(first)) return `${first}; scenarios use plain values, without tags`;
  return first;
}

/** Keys repeated within one mapping, and keys that are not plain values, in one pass over the document. */
function keyProblems(doc: Document): { at: number; message: string }[] {
  const problems: { at: number; message: string }[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        const at = (key as { range?: [number, number, number] } | null)?.range?.[0] ?? map.range?.[0] ?? 0;
        if (!isScalar(key)) {
          problems.push({ at, message: 'YAML: keys are plain words here, not lists or mappings' });
          continue;
        }
        const text = String(key.value);
        if (seen.has(text)) problems.push({ at, message: `YAML: the key ${JSON.stringify(text.slice(0, 40))} appears twice in this mapping; keep one` });
        seen.add(text);
      }
    },
  });
  return problems;
}

/** Converting to data fails only on aliases: point at the first one that cannot be expanded. */
function aliasProblem(doc: Document, counter: LineCounter, message: string): ScenarioProblem {
  const unresolved = /Unresolved alias[^:]*: (.*)$/.exec(message)?.[1];
  let at: number | null = null;
  visit(doc, {
    Alias(_, node) {
      if (unresolved !== undefined && node.source !== unresolved) return undefined;
      at = node.range?.[0] ?? null;
      return visit.BREAK;
    },
  });
  const pos = at === null ? null : counter.linePos(at);
  const text = unresolved !== undefined
    ? `YAML alias *${unresolved} names no anchor defined before it`
    : /alias count/i.test(message)
      ? `YAML aliases here expand to too much data (more than ${MAX_ALIAS_COUNT} nodes' worth): write the values out instead of nesting aliases`
      : `YAML could not be read: ${message}`;
  return { path: '', line: pos?.line ?? null, column: pos?.col ?? null, message: text };
}
