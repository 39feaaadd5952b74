import { Option, type Command } from 'commander';
import { HadrillError } from '../../core/errors.js';
import { describeFault, type FaultSpec } from '../../core/faults.js';
import { applyFault, healFaults } from '../../engine/faults.js';
import { requireRunState, resolveRun } from '../../engine/run-store.js';
import type { ContextFactory } from './index.js';

export function registerFaults(program: Command, ctx: ContextFactory): void {
  program
    .command('fail')
    .description('hit a whole IDC: power (kill every container), freeze (pause them) or isolate (cut all its links; processes run on)')
    .argument('<idc>', 'the IDC, e.g. idc-a')
    .addOption(new Option('--mode <mode>', 'what happens to the IDC').choices(['power', 'freeze', 'isolate']).default('power'))
    .addHelpText('after', '\nExamples:\n  hadrill fail idc-a                 power loss\n  hadrill fail idc-b --mode isolate  network isolation: split brain shows up in `hadrill check`')
    .action(async (idc: string, opts: { mode: 'power' | 'freeze' | 'isolate' }) => inject(ctx, { kind: opts.mode, idc }));

  const replication = program.command('replication').description('stop or restart MySQL replication on a replica (a replication backlog builds while it is stopped)');
  replication
    .command('stop')
    .argument('<node>', 'MySQL replica, e.g. db-b')
    .description('stop the replica receiving from its primary (IO thread); journaled as a fault')
    .action(async (node: string) => inject(ctx, { kind: 'replication-stop', node }));
  replication
    .command('start')
    .argument('<node>', 'MySQL replica')
    .description('heal a replication stop')
    .action(async (node: string) => {
      const c = ctx();
      const state = requireRunState(resolveRun(c.options.run));
      const { activeFaults } = await import('../../core/journal-model.js');
      const { readJournal } = await import('../../engine/journal.js');
      const ids = activeFaults(readJournal(state.run))
        .filter((f) => f.spec.kind === 'replication-stop' && f.spec.node === node)
        .map((f) => f.id);
      if (ids.length === 0) throw new HadrillError('usage', `Replication on ${node} is not stopped by hadrill.`, { hint: 'See `hadrill status`.' });
      const healed = await healFaults(state, c.runtime, ids);
      if (c.output.json) return c.output.printJson({ healed });
      c.output.print(`replication on ${node} restarted`);
    });

  program
    .command('heal')
    .description('undo every active fault of the run, from the journal (works after a crash of the CLI that applied them)')
    .action(async () => {
      const c = ctx();
      const state = requireRunState(resolveRun(c.options.run));
      const healed = await healFaults(state, c.runtime);
      if (c.output.json) return c.output.printJson({ healed });
      c.output.print(healed.length === 0 ? 'nothing to heal' : healed.map((f) => `healed ${describeFault(f.spec)}`).join('\n'));
    });
}

async function inject(ctx: ContextFactory, spec: FaultSpec): Promise<void> {
  const c = ctx();
  const state = requireRunState(resolveRun(c.options.run));
  const event = await applyFault(state, c.runtime, spec);
  if (c.output.json) return c.output.printJson(event);
  c.output.print(`${describeFault(spec)}: in effect at ${new Date(event.appliedMs).toISOString()} (took ${event.appliedMs - event.requestedMs} ms). Undo with \`hadrill heal\`.`);
}
