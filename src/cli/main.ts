// hadrill's command line: parses, calls the engine, renders, and sets the
// exit code (0 all SLOs hold, 1 an SLO failed, 2 bad input or set-up error,
// 130 interrupted, 143 terminated).
import { Command, CommanderError } from 'commander';
import { EXIT_CODES, HadrillError } from '../core/errors.js';
import { requireName } from '../core/names.js';
import { RUN_HINT } from '../engine/run-store.js';
import { packageVersion } from '../package-paths.js';
import { Context, type GlobalOptions } from './context.js';
import { registerCommands } from './commands/index.js';

const program = new Command();
program
  .name('hadrill')
  .description(
    'Failover drills for MariaDB/MySQL and Redis HA topologies in Docker: real replication, real Sentinels, ' +
      'real faults (IDC power loss, freeze, isolation, cut links), and exact RTO, lost writes, stale reads and conflicts.',
  )
  .version(packageVersion())
  .option('--json', 'print only JSON on stdout (for scripts)')
  .option('-q, --quiet', 'print no progress, only results and errors')
  .option('--debug', 'show stack traces for errors')
  .option('--run <name>', 'the run to act on (default: the one `up` started last; a drill uses the scenario name)', (value: string) =>
    requireName('--run', value, RUN_HINT),
  )
  .showHelpAfterError('(run `hadrill help COMMAND` for its options)')
  .addHelpText(
    'after',
    `
Quick start:
  hadrill doctor --fix                          install and start Docker, build the image
  hadrill drill scenarios/hot-standby.yaml      run a whole drill and print its report

Your own tier:
  hadrill init --list                           the tiers, one line each
  hadrill init --tier same-city-active-active -o drill.yaml   a commented scenario with starting SLOs
  hadrill compare --baseline last-good/ out/    exit 1 when RTO or lost writes got worse (a CI gate)

By hand:
  hadrill up scenarios/hot-standby.yaml         stand the topology up; agents start writing
  hadrill status                                who is primary, replication, Sentinels, faults
  hadrill fail idc-a                            cut power to idc-a (--mode freeze|isolate)
  hadrill heal                                  undo every fault
  hadrill check --report-dir out                final read, check, report.json
  hadrill down                                  remove everything the run created

Environment: HADRILL_HOME (run state, default ~/.hadrill), NO_COLOR, DOCKER_HOST.`,
  )
  .exitOverride();

let context: Context | undefined;
const getContext = (): Context => (context ??= new Context(program.opts<GlobalOptions>()));
registerCommands(program, getContext);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = handleError(error);
}
// The command is done: a keep-alive socket left in some client library must not keep the CLI running.
// Writes to a pipe are asynchronous: exiting before they drain would cut a long --json document short.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
process.exit(process.exitCode ?? 0);

function handleError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its message already; --help and --version are not errors.
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? 0 : 2;
  }
  const ctx = getContext();
  const debug = Boolean(program.opts<GlobalOptions>().debug);
  if (error instanceof HadrillError) {
    ctx.output.error(error.message, error.hint);
    if (debug) process.stderr.write(`${error.stack}\n${error.cause instanceof Error ? `cause: ${error.cause.stack}\n` : ''}`);
    return EXIT_CODES[error.code];
  }
  ctx.output.error(`unexpected: ${error instanceof Error ? error.message : String(error)}`, debug ? undefined : 'Run again with --debug for the stack trace.');
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 2;
}
