import type { Command } from 'commander';
import { initialWriter } from '../../core/scenario/scenario.js';
import { imageTag } from '../../images/image-spec.js';
import { up } from '../../engine/up.js';
import { readScenarioFile } from '../context.js';
import { renderStatus } from './status.js';
import { runStatus } from '../../engine/status.js';
import type { ContextFactory } from './index.js';

export function registerUp(program: Command, ctx: ContextFactory): void {
  program
    .command('up')
    .description('stand up the scenario topology (idempotent: running it again creates nothing twice); agents start writing')
    .argument('<scenario>', 'scenario YAML file')
    .option('--keep-on-failure', 'leave what was created when up fails, for debugging')
    .addHelpText('after', '\nExample:\n  hadrill up scenarios/hot-standby.yaml && hadrill status')
    .action(async (file: string, opts: { keepOnFailure?: boolean }) => {
      const scenario = readScenarioFile(file);
      const c = ctx();
      const started = Date.now();
      const state = await up({
        scenario,
        runtime: c.runtime,
        ownImageTag: imageTag(),
        ...(c.options.run ? { run: c.options.run } : {}),
        emit: c.output.events,
        keepOnFailure: Boolean(opts.keepOnFailure),
      });
      const status = await runStatus(state, c.runtime);
      if (c.output.json) return c.output.printJson({ run: state.run, seconds: (Date.now() - started) / 1000, status });
      c.output.print(renderStatus(status, c.output.color));
      const primaryIdc = scenario.groups.map(initialWriter).find((n) => n !== null)?.idc ?? scenario.idcs[0]?.name;
      c.output.print(`\nRun ${state.run} is up in ${((Date.now() - started) / 1000).toFixed(1)} s; the agents are writing.`);
      c.output.print(`Next: hadrill fail ${primaryIdc} · hadrill heal · hadrill check --report-dir DIR · hadrill down`);
    });
}
