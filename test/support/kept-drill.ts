// A drill run end to end and kept standing (`--keep`) so that a test can read
// the nodes themselves after hadrill has reported: one temporary home and run
// per suite, removed after it whatever happened.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { RunState } from '../../src/engine/run-store.js';
import { hadrill, type CliResult } from './hadrill-cli.js';
import { removeEverything, requireDockerAndImage, tempHome, uniqueRun } from './docker-env.js';
import { readReportDir, type ReportFiles } from './report-files.js';

export interface KeptDrill extends ReportFiles {
  result: CliResult;
  state: RunState;
  /** A node's address in the run's plan. */
  ipOf(node: string): string;
  /** The JSON lines a machinery node (manager, restore manager, supervisor) logged to its events file. */
  events<T>(node: string): T[];
}

/** Registers the suite's hooks; call inside `describe`. `drill` runs the scenario and reads everything back. */
export function keptDrillSuite(prefix: string): { home: string; run: string; drill(scenario: string): Promise<KeptDrill> } {
  const home = tempHome();
  const run = uniqueRun(prefix);
  const env = { HADRILL_HOME: home };
  const reportDir = join(home, 'report');
  before(requireDockerAndImage);
  after(async () => {
    await hadrill(['down', '--run', run], env);
    await removeEverything(run);
  });
  return {
    home,
    run,
    async drill(scenario) {
      const result = await hadrill(['drill', scenario, '--run', run, '--report-dir', reportDir, '--keep'], env);
      if (result.code !== 0 && result.code !== 1) throw new Error(`drill ${scenario} exited ${result.code}: ${result.stderr.slice(-3000)}`);
      const state = JSON.parse(readFileSync(join(home, 'runs', run, 'state.json'), 'utf8')) as RunState;
      return {
        result,
        state,
        ...readReportDir(reportDir),
        ipOf: (node) => {
          const c = state.plan.containers.find((x) => x.node === node);
          if (!c) throw new Error(`no node ${node} in the plan`);
          return c.ip;
        },
        events: <T>(node: string) =>
          readFileSync(join(home, 'runs', run, node, 'events.jsonl'), 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as T),
      };
    },
  };
}
