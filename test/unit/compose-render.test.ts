// `hadrill compose` renders a scenario's free text (its description, or its
// tier) into the file's header comment. A YAML reader must see nothing of it
// but a comment: not a key, not a second document, not a character that makes
// it refuse the file. The corpus's text holds every line break a YAML reader
// honours (YAML 1.1 readers, as Compose's is, also break lines at NEL, LS and
// PS), so the rendered file is read twice: as the `yaml` package reads it, and
// with those breaks turned into newlines first, as such a reader would.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { composeYaml, renderCompose } from '../../src/core/compose.js';
import { ScenarioError } from '../../src/core/errors.js';
import { KIND_MODELS, PLANNERS } from '../../src/datastores/registry.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import { composeInjections, VALID } from '../support/hostile-corpus.js';

/** The keys hadrill writes at the top of a Compose file. */
const TOP_LEVEL = ['name', 'services', 'configs', 'networks'];
/** Line breaks some YAML reader honours: CR, NEL, LS, PS (and LF). */
const BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;
/** Characters a YAML stream may not hold (outside c-printable), or that a reader may take for a break or a mark. */
const NOT_PLAIN = /[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]|[\u2028\u2029\ufeff]/u;

/** The one document a reader finds in `text`, as plain data. */
function readAsYaml(text: string): Record<string, unknown> {
  const docs = parseAllDocuments(text);
  assert.ok(Array.isArray(docs), 'parsed');
  assert.equal(docs.length, 1, `one document, not ${docs.length}`);
  const doc = docs[0]!;
  assert.deepEqual(doc.errors.map((e) => e.message), []);
  assert.deepEqual(doc.warnings.map((e) => e.message), []);
  assert.equal(doc.directives.yaml.explicit ?? false, false, 'no %YAML directive');
  return doc.toJS() as Record<string, unknown>;
}

const render = (content: string): string => renderCompose(parseScenario(content, 'corpus.yaml', KIND_MODELS), PLANNERS);
const header = (text: string): string[] => text.split('\n').slice(0, text.split('\n').findIndex((l) => !l.startsWith('#')));

describe('scenario text in a rendered Compose file', () => {
  const baseline = render(VALID);
  const expected = readAsYaml(baseline);

  test('the baseline has only the keys hadrill writes', () => {
    assert.deepEqual(Object.keys(expected), TOP_LEVEL);
  });

  for (const c of composeInjections()) {
    test(`${c.name}: read as YAML, or as a reader that breaks lines at NEL, LS and PS, the file holds only what hadrill wrote`, () => {
      let text: string;
      try {
        text = render(c.content);
      } catch (error) {
        assert.ok(c.refused && error instanceof ScenarioError, `${c.name} was refused: ${String(error)}`);
        return;
      }
      assert.ok(!c.refused, `${c.name} is refused by the loader`);
      const bad = NOT_PLAIN.exec(text);
      assert.equal(bad, null, `no character a YAML reader refuses or takes for a line break (found U+${bad?.[0].codePointAt(0)?.toString(16).padStart(4, '0')})`);
      for (const reading of [text, text.replace(BREAKS, '\n')]) {
        const parsed = readAsYaml(reading);
        assert.deepEqual(Object.keys(parsed), TOP_LEVEL);
        assert.deepEqual(parsed, expected, 'the same services, configs and networks as without the text');
      }
      assert.equal(header(text).length, header(baseline).length, 'the header has as many comment lines as ever');
      assert.match(header(text)[0]!, /^# corpus: /);
    });
  }
});

describe('values in a rendered Compose file', () => {
  // No scenario text reaches a value today (names follow the name rule), but every value goes through the same quoting.
  const hostile = [
    'x\ninclude: [/tmp/evil.yaml]',
    'x\u2028include: [/tmp/evil.yaml]',
    'x\u2029y: z',
    'x\u0085- item',
    'a\rb',
    '\ufeffbom',
    'c1\u0081\u009b',
    'lone\ud800',
    'tab\tand\nline\u2028',
    '# not a comment',
    '- not a list',
    'key: value',
    '*alias',
    '&anchor x',
    '!!binary x',
    '"quoted"',
    "'single'",
    '{ flow: map }',
    '  leading and trailing  ',
    '',
    'null',
    'true',
    '0x1f',
    '1e3',
  ];

  test('each, as a key, a value and a list item, reads back as itself, also by a reader that breaks lines at NEL, LS and PS', () => {
    for (const text of hostile) {
      const value = { services: { [text]: { command: [text], labels: { l: text } } } };
      const yaml = composeYaml(value);
      const bad = NOT_PLAIN.exec(yaml);
      assert.equal(bad, null, `${JSON.stringify(text)}: nothing a reader refuses or breaks lines at (found U+${bad?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} in ${JSON.stringify(yaml)})`);
      for (const reading of [yaml, yaml.replace(BREAKS, '\n')]) assert.deepEqual(readAsYaml(reading), value, JSON.stringify(text));
    }
  });
});
