// A run's WAN in Docker, brought up by the real CLI (`hadrill up`), with
// faults applied and healed by the CLI as a user does. The test pins the
// mechanism with HADRILL_WAN, so it measures the one it names.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultSpec } from '../../src/core/faults.js';
import type { WanMechanism } from '../../src/core/links.js';
import type { RunState } from '../../src/engine/run-store.js';
import { routerOf, scenarioBaseline } from '../../src/engine/wan.js';
import { runtime } from './docker-env.js';
import { hadrill } from './hadrill-cli.js';
import { hostOf, labHosts, type LabResult, type WanLab } from './wan-lab.js';

/** The CLI arguments that apply a link fault. */
export function faultArgs(spec: FaultSpec): string[] {
  switch (spec.kind) {
    case 'degrade': {
      const s = spec.shape;
      return [
        'degrade', spec.a, spec.b,
        ...(s.latencyMs !== undefined ? ['--latency', `${s.latencyMs}ms`] : []),
        ...(s.jitterMs !== undefined ? ['--jitter', `${s.jitterMs}ms`] : []),
        ...(s.lossPct !== undefined ? ['--loss', `${s.lossPct}%`] : []),
        ...(s.rateKbit ? ['--rate', `${s.rateKbit}kbit`] : []),
      ];
    }
    case 'cut':
      return ['cut', spec.from, spec.to, ...(spec.oneWay ? ['--one-way'] : [])];
    case 'partition':
      return ['partition', ...spec.groups.map((g) => g.join(','))];
    case 'isolate':
      return ['fail', spec.idc, '--mode', 'isolate'];
    default:
      throw new Error(`not a link fault: ${spec.kind}`);
  }
}

/** Everything that shapes or filters in the router, as text. */
const ROUTER_STATE = 'tc qdisc show; iptables -S; ip rule show; cat /run/hadrill-wan/links.json 2>/dev/null';

async function execIn(container: string, argv: string[], timeoutMs?: number): Promise<LabResult> {
  const result = await runtime.exec(container, argv, timeoutMs);
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

export async function dockerWanLab(scenarioFile: string, run: string, home: string, mechanism: WanMechanism): Promise<WanLab> {
  const env = { HADRILL_HOME: home, HADRILL_WAN: mechanism };
  const cli = async (...args: string[]): Promise<void> => {
    const result = await hadrill([...args, '--run', run], env);
    assert.equal(result.code, 0, `hadrill ${args.join(' ')}: ${result.stderr.slice(-2000)}`);
  };
  await cli('up', scenarioFile);
  const state = JSON.parse(readFileSync(join(home, 'runs', run, 'state.json'), 'utf8')) as RunState;
  const lab: WanLab = {
    mechanism: state.wan?.mechanism ?? 'none',
    hosts: labHosts(state.plan),
    baseline: scenarioBaseline(state),
    exec: (idc, argv, timeoutMs) => execIn(hostOf(lab, idc).container.name, argv, timeoutMs),
    routerExec: (argv) => execIn(routerOf(state).name, argv),
    legs: state.wan?.legs ?? {},
    apply: (spec) => cli(...faultArgs(spec)),
    heal: () => cli('heal'),
    routerState: async () => {
      const result = await execIn(routerOf(state).name, ['sh', '-c', ROUTER_STATE]);
      assert.equal(result.code, 0, result.stderr);
      return result.stdout;
    },
  };
  return lab;
}
