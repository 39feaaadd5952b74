import type { Command } from 'commander';
import { downAll, downRun } from '../../engine/down.js';
import { homeId } from '../../engine/home-id.js';
import { listRuns, resolveRun } from '../../engine/run-store.js';
import { acquireRunLock, withRunLock } from '../../engine/run-lock.js';
import type { ContextFactory } from './index.js';

export function registerDown(program: Command, ctx: ContextFactory): void {
  program
    .command('down')
    .description('remove every container and network of the run, found by its labels (also after a crash); touches nothing else')
    .option('--all', 'remove every run of this HADRILL_HOME (never another home\'s)')
    .option('--force', 'take the run over from a hadrill that holds it (a drill that hangs); without it, down refuses a run another hadrill is driving')
    .action(async (opts: { all?: boolean; force?: boolean }) => {
      const c = ctx();
      const run = opts.all ? null : resolveRun(c.options.run);
      const home = homeId();
      const force = Boolean(opts.force);
      if (run === null) {
        // Every run's lock first: a run another hadrill drives stops `down --all` before anything is removed.
        const locks = listRuns().map((r) => acquireRunLock(r, 'down --all', { force }));
        try {
          const removed = await downAll(c.runtime, home, c.output.events);
          return c.output.json ? c.output.printJson(removed) : c.output.print(`removed ${removed.containers} containers and ${removed.networks} networks`);
        } finally {
          for (const lock of locks) lock.release();
        }
      }
      const removed = await withRunLock(run, 'down', () => downRun(c.runtime, { home, run }, c.output.events), { force });
      if (c.output.json) return c.output.printJson({ run, ...removed });
      c.output.print(`run ${run}: removed ${removed.containers} containers and ${removed.networks} networks`);
    });
}
