import type { Command } from 'commander';
import { removeAllRuns, removeRun } from '../../engine/down.js';
import { forgetRun, listRuns, resolveRun } from '../../engine/run-store.js';
import type { ContextFactory } from './index.js';

export function registerDown(program: Command, ctx: ContextFactory): void {
  program
    .command('down')
    .description('remove every container and network of the run, found by its labels (also after a crash); touches nothing else')
    .option('--all', 'remove every hadrill run on this Docker engine')
    .action(async (opts: { all?: boolean }) => {
      const c = ctx();
      if (opts.all) {
        const removed = await removeAllRuns(c.runtime, c.output.events);
        for (const run of listRuns()) forgetRun(run);
        return c.output.json ? c.output.printJson(removed) : c.output.print(`removed ${removed.containers} containers and ${removed.networks} networks`);
      }
      const run = resolveRun(c.options.run);
      const removed = await removeRun(c.runtime, run, c.output.events);
      forgetRun(run);
      if (c.output.json) return c.output.printJson({ run, ...removed });
      c.output.print(`run ${run}: removed ${removed.containers} containers and ${removed.networks} networks`);
    });
}
