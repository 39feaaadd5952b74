import type { Command } from 'commander';
import { HadrillError } from '../../core/errors.js';
import { parseDuration } from '../../core/duration.js';
import { MAX_TTL_MS, MIN_TTL_MS } from '../../core/lease.js';
import type { Scenario } from '../../core/scenario/scenario.js';
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
    .option('--ttl <duration>', 'how long the agents keep writing when no hadrill command drives the run (1m to 24h; default the scenario\'s workload.ttl, else 1h); then they pause until one does (a fault, heal, check, watch, drill)')
    .addHelpText('after', '\nExamples:\n  hadrill up scenarios/hot-standby.yaml && hadrill status\n  hadrill up scenarios/hot-standby.yaml --ttl 4h    # a lab left up for an afternoon\n  hadrill up --dry-run examples/attach/shop.yaml    # what an attached run would touch')
    .action(async (file: string, opts: { keepOnFailure?: boolean; dryRun?: boolean; yes?: boolean; ttl?: string }) => {
      const scenario = withTtl(readScenarioFile(file), opts.ttl);
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

/** The scenario with `--ttl` over its own workload.ttl. */
function withTtl(scenario: Scenario, given: string | undefined): Scenario {
  if (given === undefined) return scenario;
  const ttlMs = parseDuration(given);
  if (ttlMs === null || ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS) {
    throw new HadrillError('usage', `--ttl ${given}: a duration from 1m to 24h.`, { hint: 'For example --ttl 30m or --ttl 4h.' });
  }
  return { ...scenario, workload: { ...scenario.workload, ttlMs } };
}
