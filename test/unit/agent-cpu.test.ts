// The workload agents' cost: summed over incarnations, per operation, and the
// busiest agent's share of a core; accounts that are not accounts left out.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import { CpuAccount } from '../../src/agent/cpu-account.js';
import { summarizeAgentCpu, type AgentCpuFile } from '../../src/core/agent-cpu.js';
import { renderMarkdown } from '../../src/core/report/render-markdown.js';
import { describeAgentCpu, renderSummary } from '../../src/core/report/render-summary.js';
import { buildReport } from '../../src/core/report/report-model.js';
import { ROOT } from '../support/hadrill-cli.js';

const account = (client: string, ...incarnations: [startedAt: number, at: number, ops: number, cpuMs: number][]): AgentCpuFile => ({
  client,
  incarnations: incarnations.map(([startedAt, at, ops, cpuMs], i) => ({ incarnation: `i${i}`, startedAt, at, ops, cpuMs })),
});

describe('agent CPU summary', () => {
  test('sums each agent over its incarnations, and divides CPU by operations over all agents', () => {
    const s = summarizeAgentCpu([account('app-b', [0, 10_000, 20_000, 2_000]), account('app-a', [0, 4_000, 5_000, 1_000], [6_000, 10_000, 5_000, 1_000])]);
    assert.deepEqual(s.agents, [
      { client: 'app-a', ops: 10_000, cpuMs: 2_000, runMs: 8_000 },
      { client: 'app-b', ops: 20_000, cpuMs: 2_000, runMs: 10_000 },
    ]);
    assert.equal(s.ops, 30_000);
    assert.equal(s.cpuMs, 4_000);
    assert.ok(Math.abs(s.cpuPerOpUs! - 4_000_000 / 30_000) < 1e-9);
    // app-a used 2 s of CPU in 8 s of running: a quarter of a core; app-b a fifth.
    assert.deepEqual(s.busiest, { client: 'app-a', coreShare: 0.25 });
  });

  test('leaves out what is not an account, and has no per-operation figure without operations', () => {
    const s = summarizeAgentCpu([null, 'x', { client: 'a' }, { client: 'b', incarnations: [{ startedAt: 0, at: 1, ops: -1, cpuMs: 1 }] }, account('c', [0, 0, 0, 0])]);
    assert.deepEqual(s.agents.map((a) => a.client), ['c']);
    assert.equal(s.cpuPerOpUs, null);
    assert.equal(s.busiest, null, 'no running time: no share of a core');
  });

  test('a restarted agent keeps its earlier incarnation and adds its own; the file is replaced whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hadrill-cpu-'));
    try {
      const file = join(dir, 'app-a.cpu.json');
      new CpuAccount(file, 'app-a', 'first').write(10);
      const second = new CpuAccount(file, 'app-a', 'second');
      second.write(3);
      second.write(7);
      const read = JSON.parse(readFileSync(file, 'utf8')) as AgentCpuFile;
      assert.deepEqual(read.incarnations.map((i) => [i.incarnation, i.ops]), [['first', 10], ['second', 7]]);
      assert.ok(read.incarnations.every((i) => i.cpuMs > 0 && i.at >= i.startedAt));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the report carries it, the schema accepts it, and the summary says it in one line', () => {
    const agentCpu = summarizeAgentCpu([account('app-a', [0, 10_000, 50_000, 9_000])]);
    const report = buildReport({ scenario: { name: 's', file: null, tier: 'hot-standby' }, run: 'r', mode: 'drill', startedAt: 0, finishedAt: 1, faults: [], services: [], slos: [], agentCpu });
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema/report.schema.json'), 'utf8')) as object;
    const validate = new Ajv.default({ allErrors: true, strict: false }).compile(schema);
    assert.ok(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors));
    assert.equal(describeAgentCpu(agentCpu, (c) => `"${c}"`), '1 agent sent 50,000 operations using 9.00 s of CPU: 180 µs per operation; the busiest, "app-a", used 90% of one core.');
    assert.match(renderSummary(report), /Workload agents: 1 agent sent 50,000 operations using 9.00 s of CPU: 180 µs per operation; the busiest, app-a, used 90% of one core\./);
    assert.match(renderMarkdown(report), /### Workload agents\n\n1 agent sent 50,000 operations .* the busiest, `app-a`,/);
  });
});
