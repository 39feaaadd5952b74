import { Option, type Command } from 'commander';
import { parseDuration } from '../../core/duration.js';
import { HadrillError } from '../../core/errors.js';
import { describeFault, faultNames, type FaultSpec } from '../../core/faults.js';
import { requireName } from '../../core/names.js';
import { activeFaults } from '../../core/journal-model.js';
import type { LinkShape } from '../../core/links.js';
import { parsePercent, parseRateKbit } from '../../core/units.js';
import { applyFault, healFaults } from '../../engine/faults.js';
import { readJournal } from '../../engine/journal.js';
import { requireRunState, resolveRun } from '../../engine/run-store.js';
import type { ContextFactory } from './index.js';

const DURATION_HELP = 'heal by itself after this long (e.g. 30s), even if this CLI is killed';

export function registerFaults(program: Command, ctx: ContextFactory): void {
  program
    .command('fail')
    .description('hit a whole IDC: power (kill every container), freeze (pause them) or isolate (cut all its links; processes run on)')
    .argument('<idc>', 'the IDC, e.g. idc-a')
    .addOption(new Option('--mode <mode>', 'what happens to the IDC').choices(['power', 'freeze', 'isolate']).default('power'))
    .option('--duration <time>', DURATION_HELP)
    .addHelpText('after', '\nExamples:\n  hadrill fail idc-a                 power loss\n  hadrill fail idc-b --mode isolate  network isolation: split brain shows up in `hadrill check`')
    .action((idc: string, opts: { mode: 'power' | 'freeze' | 'isolate'; duration?: string }) => inject(ctx, { kind: opts.mode, idc }, opts.duration));

  program
    .command('cut')
    .description('cut the link between two IDCs (both ways, or only from the first to the second)')
    .argument('<from>', 'IDC')
    .argument('<to>', 'IDC')
    .option('--one-way', 'drop only packets from <from> to <to>; replies and traffic the other way flow')
    .option('--duration <time>', DURATION_HELP)
    .action((from: string, to: string, opts: { oneWay?: boolean; duration?: string }) => inject(ctx, { kind: 'cut', from, to, oneWay: Boolean(opts.oneWay) }, opts.duration));

  program
    .command('partition')
    .description('split IDCs into groups that cannot talk across; an IDC named in no group keeps all its links (a bridge)')
    .argument('<groups...>', 'comma-separated groups, e.g. idc-a,idc-b idc-c')
    .option('--duration <time>', DURATION_HELP)
    .addHelpText('after', '\nExample:\n  hadrill partition idc-a,idc-b idc-c --duration 30s')
    .action((groups: string[], opts: { duration?: string }) => inject(ctx, { kind: 'partition', groups: groups.map((g) => g.split(',')) }, opts.duration));

  program
    .command('degrade')
    .description('give the link between two IDCs a worse shape (over its baseline) until healed')
    .argument('<a>', 'IDC')
    .argument('<b>', 'IDC')
    .option('--latency <time>', 'round-trip latency, e.g. 200ms')
    .option('--jitter <time>', 'round-trip jitter, e.g. 50ms')
    .option('--loss <percent>', 'packet loss each way, e.g. 5%')
    .option('--rate <bandwidth>', 'bandwidth each way, e.g. 1mbit')
    .option('--duration <time>', DURATION_HELP)
    .action((a: string, b: string, opts: { latency?: string; jitter?: string; loss?: string; rate?: string; duration?: string }) =>
      inject(ctx, { kind: 'degrade', a, b, shape: parseShape(opts) }, opts.duration),
    );

  program
    .command('crash')
    .description("kill one node's process (SIGKILL); with --restart it comes back at once, as under a supervisor")
    .argument('<node>', 'a node of the run, e.g. db-a, redis-b, sentinel-idc-a, mysql-manager')
    .option('--restart', 'start it again immediately')
    .option('--duration <time>', DURATION_HELP)
    .action((node: string, opts: { restart?: boolean; duration?: string }) => inject(ctx, { kind: 'crash', node, restart: Boolean(opts.restart) }, opts.duration));

  program
    .command('switchover')
    .description("move a group's writer on purpose, as a planned maintenance does: its machinery (hadrill's manager, Sentinel) write-protects the writer, lets the new one catch up and promotes it; returns once it has")
    .argument('<group>', 'a group of the run, e.g. mysql, redis')
    .option('--to <node>', "the node that becomes the writer (hadrill's manager only; default: the machinery's choice)")
    .addHelpText('after', '\nExamples:\n  hadrill switchover mysql --to db-b     move the MySQL primary to db-b\n  hadrill switchover mysql --to db-a     and back\n  hadrill switchover redis               Sentinel picks the new master')
    .action((group: string, opts: { to?: string }) => inject(ctx, { kind: 'switchover', group, to: opts.to ?? null }, undefined));

  const replication = program.command('replication').description('stop or restart MySQL replication on a replica (a replication backlog builds while it is stopped)');
  replication
    .command('stop')
    .argument('<node>', 'MySQL replica, e.g. db-b')
    .description('stop the replica receiving from its primary (IO thread); journaled as a fault')
    .option('--duration <time>', DURATION_HELP)
    .action((node: string, opts: { duration?: string }) => inject(ctx, { kind: 'replication-stop', node }, opts.duration));
  replication
    .command('start')
    .argument('<node>', 'MySQL replica')
    .description('heal a replication stop')
    .action(async (node: string) => {
      requireName('node', node);
      const c = ctx();
      const state = requireRunState(resolveRun(c.options.run));
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
    .option('--fault <id>', 'heal only this fault (ids in `hadrill status --json`)')
    .option('--at <epochMs>', 'wait until this instant first (used for faults with --duration)')
    .action(async (opts: { fault?: string; at?: string }) => {
      if (opts.fault !== undefined && !FAULT_ID.test(opts.fault)) throw new HadrillError('usage', `--fault ${JSON.stringify(opts.fault.slice(0, 40))}: not a fault id.`, { hint: 'Fault ids look like f1a2b3c4d5e6 (see `hadrill status --json`).' });
      const c = ctx();
      const state = requireRunState(resolveRun(c.options.run));
      const at = opts.at === undefined ? NaN : Number(opts.at);
      if (Number.isFinite(at) && at > Date.now()) await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
      const healed = await healFaults(state, c.runtime, opts.fault ? [opts.fault] : undefined);
      if (c.output.json) return c.output.printJson({ healed });
      c.output.print(healed.length === 0 ? 'nothing to heal' : healed.map((f) => `healed ${describeFault(f.spec)}`).join('\n'));
    });
}

/** What applyFault makes: "f", then base-36 time and hex. */
const FAULT_ID = /^f[0-9a-z]{1,32}$/;

async function inject(ctx: ContextFactory, spec: FaultSpec, duration: string | undefined): Promise<void> {
  for (const { what, name } of faultNames(spec)) requireName(what, name);
  const c = ctx();
  const durationMs = duration === undefined ? undefined : parseDuration(duration);
  if (durationMs === null) throw new HadrillError('usage', `--duration ${duration}: not a duration.`, { hint: 'Write e.g. --duration 30s or --duration 500ms.' });
  const state = requireRunState(resolveRun(c.options.run));
  const event = await applyFault(state, c.runtime, spec, durationMs);
  if (c.output.json) return c.output.printJson(event);
  const heals = spec.kind === 'switchover' ? 'done: the writer stays where it moved (`hadrill switchover` again moves it back)' : durationMs !== undefined ? `heals by itself in ${duration}` : 'undo with `hadrill heal`';
  c.output.print(`${describeFault(spec)}: in effect at ${new Date(event.appliedMs).toISOString()} (took ${event.appliedMs - event.requestedMs} ms); ${heals}.`);
}

function parseShape(opts: { latency?: string; jitter?: string; loss?: string; rate?: string }): Partial<LinkShape> {
  const shape: Partial<LinkShape> = {};
  const fail = (flag: string, value: string, example: string): never => {
    throw new HadrillError('usage', `--${flag} ${value}: not understood.`, { hint: `Write e.g. --${flag} ${example}.` });
  };
  if (opts.latency !== undefined) shape.latencyMs = parseDuration(opts.latency) ?? fail('latency', opts.latency, '200ms');
  if (opts.jitter !== undefined) shape.jitterMs = parseDuration(opts.jitter) ?? fail('jitter', opts.jitter, '50ms');
  if (opts.loss !== undefined) shape.lossPct = parsePercent(opts.loss) ?? fail('loss', opts.loss, '5%');
  if (opts.rate !== undefined) shape.rateKbit = parseRateKbit(opts.rate) ?? fail('rate', opts.rate, '1mbit');
  if (Object.keys(shape).length === 0) throw new HadrillError('usage', 'degrade needs at least one of --latency, --jitter, --loss, --rate.');
  return shape;
}
