// Reading the agents' clocks through the runtime, against a runtime that
// answers `date +%s.%N` from a clock set off the host's by a known amount.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerPlan } from '../../src/core/plan/topology-plan.js';
import { measureAgentClocks, parseEpochSeconds } from '../../src/engine/clock-probe.js';
import type { RunState } from '../../src/engine/run-store.js';
import type { ContainerInfo, ContainerRuntime, ExecResult } from '../../src/runtime/container-runtime.js';

function agent(node: string): ContainerPlan {
  return { name: `hd-r-${node}`, node, kind: 'agent', group: null, idc: 'idc-a', image: 'hadrill', ip: '', networks: [], cmd: [], env: {}, capAdd: [], capDrop: [], sysctls: {}, binds: [], labels: {}, files: [], limits: { memoryBytes: 1, pids: 1 }, ownImage: true };
}

const nodes = ['fast', 'behind', 'down', 'busybox', 'flaky'];
const state = { run: 'r', plan: { home: 'h', run: 'r', containers: [...nodes.map(agent), { ...agent('db-a'), kind: 'mysql' }] } } as unknown as RunState;

/** `date +%s.%N` as coreutils prints it, for a clock in epoch ms. */
function dateOutput(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6));
  return `${seconds}.${String(nanos).padStart(9, '0')}\n`;
}

class ClockRuntime {
  readonly execs: { container: string; cmd: string[] }[] = [];
  private flakyCalls = 0;

  async list(): Promise<ContainerInfo[]> {
    const info = (node: string, state: ContainerInfo['state']): ContainerInfo => ({ id: node, name: `hd-r-${node}`, image: 'hadrill', state, labels: {}, ips: {} });
    return [info('fast', 'running'), info('behind', 'running'), info('down', 'exited'), info('busybox', 'running'), info('flaky', 'running'), info('db-a', 'running')];
  }

  async exec(container: string, cmd: string[]): Promise<ExecResult> {
    this.execs.push({ container, cmd });
    await new Promise((resolve) => setTimeout(resolve, 1));
    const now = performance.timeOrigin + performance.now();
    if (container === 'hd-r-busybox') return { exitCode: 0, stdout: '1712345678.%N\n', stderr: '' };
    if (container === 'hd-r-flaky' && this.flakyCalls++ % 2 === 0) throw new Error('exec timed out');
    return { exitCode: 0, stdout: dateOutput(container === 'hd-r-behind' ? now - 750 : now), stderr: '' };
  }
}

describe('measureAgentClocks', () => {
  it('reads each running agent a few times and estimates its offset within the uncertainty', async () => {
    const runtime = new ClockRuntime();
    const m = await measureAgentClocks(state, runtime as unknown as ContainerRuntime, 3);
    assert.deepEqual(m.clients.map((c) => c.client), ['behind', 'fast', 'flaky']);
    const behind = m.clients.find((c) => c.client === 'behind')!;
    const fast = m.clients.find((c) => c.client === 'fast')!;
    assert.ok(Math.abs(behind.offsetMs - -750) <= behind.uncertaintyMs + 0.01, JSON.stringify(behind));
    assert.ok(Math.abs(fast.offsetMs) <= fast.uncertaintyMs + 0.01, JSON.stringify(fast));
    assert.ok(m.skewMs! > 700 && m.skewMs! < 800);
    assert.ok(runtime.execs.every((e) => e.cmd.join(' ') === 'date +%s.%N'));
    assert.equal(runtime.execs.filter((e) => e.container === 'hd-r-fast').length, 3);
    assert.ok(!runtime.execs.some((e) => e.container === 'hd-r-down' || e.container === 'hd-r-db-a'), 'neither a stopped agent nor a datastore node is read');
  });

  it('names the agents it could not read, and why', async () => {
    const m = await measureAgentClocks(state, new ClockRuntime() as unknown as ContainerRuntime, 3);
    assert.deepEqual(m.absent.map((a) => a.client), ['busybox', 'down']);
    assert.equal(m.absent.find((a) => a.client === 'down')!.reason, 'its container is exited');
    assert.match(m.absent.find((a) => a.client === 'busybox')!.reason, /not a clock reading/);
  });
});

describe('parseEpochSeconds', () => {
  it('keeps the sub-millisecond part of a reading', () => {
    assert.equal(parseEpochSeconds('1712345678.123456789\n'), 1712345678123.4568);
    assert.equal(parseEpochSeconds('1712345678'), 1712345678000);
  });

  it('refuses what is not a reading', () => {
    assert.throws(() => parseEpochSeconds('1712345678.%N'), /not a clock reading/);
    assert.throws(() => parseEpochSeconds(''), /not a clock reading/);
  });
});
