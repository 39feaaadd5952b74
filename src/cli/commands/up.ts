import type { Command } from 'commander';
import { initialWriter } from '../../core/scenario/scenario.js';
import { imageTag } from '../../images/image-spec.js';
import { up } from '../../engine/up.js';
import { readScenarioFile } from '../context.js';
import { attachPlan, confirmAttach } from '../attach-consent.js';
import { renderStatus } from './status.js';
import { runStatus } from '../../engine/status.js';
import { withRunLock } from '../../engine/run-lock.js';
import type { ContextFactory } from './index.js';

export function registerUp(program: Command, ctx: ContextFactory): void {
  program
    .command('up')
    .description('stand up the scenario topology (idempotent: running it again creates nothing twice); agents start writing')
    .argument('<scenario>', 'scenario YAML file')
    .option('--keep-on-failure', 'leave what was created when up fails, for debugging')
    .option('--dry-run', 'touch nothing: say which containers it would act on and how (for a scenario that attaches to yours)')
    .option('--yes', 'attach to your containers without asking (needed when not on a terminal)')
    .addHelpText('after', '\nExamples:\n  hadrill up scenarios/hot-standby.yaml && hadrill status\n  hadrill up --dry-run examples/attach/shop.yaml    # what an attached run would touch')
    .action(async (file: string, opts: { keepOnFailure?: boolean; dryRun?: boolean; yes?: boolean }) => {
      const scenario = readScenarioFile(file);
      const c = ctx();
      if (opts.dryRun) {
        const plan = await attachPlan(c, scenario);
        if (c.output.json) return c.output.printJson({ attach: plan !== null, plan });
        c.output.print(plan ?? `${scenario.name} builds its own topology: hadrill creates its own networks and containers only (\`hadrill compose ${file}\` shows them) and touches nothing else.`);
        return;
      }
      await confirmAttach(c, scenario, Boolean(opts.yes));
      const started = Date.now();
      const run = c.options.run ?? scenario.name;
      const state = await withRunLock(run, 'up', () => up({
        scenario,
        runtime: c.runtime,
        ownImageTag: imageTag(),
        ...(c.options.run ? { run: c.options.run } : {}),
        emit: c.output.events,
        keepOnFailure: Boolean(opts.keepOnFailure),
      }));
      const status = await runStatus(state, c.runtime);
      if (c.output.json) return c.output.printJson({ run: state.run, seconds: (Date.now() - started) / 1000, status });
      c.output.print(renderStatus(status, c.output.color));
      const primaryIdc = scenario.groups.map(initialWriter).find((n) => n !== null)?.idc ?? scenario.idcs[0]?.name;
      c.output.print(`\nRun ${state.run} is up in ${((Date.now() - started) / 1000).toFixed(1)} s; the agents are writing.`);
      c.output.print(`Next: hadrill fail ${primaryIdc} · hadrill heal · hadrill check --report-dir DIR · hadrill down`);
    });
}
