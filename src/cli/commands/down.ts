import type { Command } from 'commander';
import { downAll, downRun } from '../../engine/down.js';
import { homeId } from '../../engine/home-id.js';
import { resolveRun } from '../../engine/run-store.js';
import type { ContextFactory } from './index.js';

export function registerDown(program: Command, ctx: ContextFactory): void {
  program
    .command('down')
    .description('remove every container and network of the run, found by its labels (also after a crash); touches nothing else')
    .option('--all', 'remove every run of this HADRILL_HOME (never another home\'s)')
    .action(async (opts: { all?: boolean }) => {
      const c = ctx();
      const run = opts.all ? null : resolveRun(c.options.run);
      const home = homeId();
      if (run === null) {
        const removed = await downAll(c.runtime, home, c.output.events);
        return c.output.json ? c.output.printJson(removed) : c.output.print(`removed ${removed.containers} containers and ${removed.networks} networks`);
      }
      const removed = await downRun(c.runtime, { home, run }, c.output.events);
      if (c.output.json) return c.output.printJson({ run, ...removed });
      c.output.print(`run ${run}: removed ${removed.containers} containers and ${removed.networks} networks`);
    });
}
