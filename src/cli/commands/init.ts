// `hadrill init`: a commented scenario for one tier, with SLOs to start from,
// so that a new user reaches a drill of their tier before reading the
// scenario reference. The texts live in src/core/scenario/starters/.
import { existsSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { HadrillError } from '../../core/errors.js';
import { shellQuote } from '../../core/shell-quote.js';
import { DEFAULT_TIER, findStarter, renderStarter, STARTERS, starterList } from '../../core/scenario/starters/index.js';
import { stageFile } from '../../engine/atomic-file.js';
import { packageRoot } from '../../package-paths.js';
import type { ContextFactory } from './index.js';

export function registerInit(program: Command, ctx: ContextFactory): void {
  program
    .command('init')
    .description('write a commented scenario for a tier, with SLOs to start from (stdout unless -o FILE)')
    .option('--tier <name>', 'the tier to start from (see --list)', DEFAULT_TIER)
    .option('-o, --output <file>', 'write the scenario to this file ("-": stdout, the default)')
    .option('--list', 'list the tiers, one line each, and exit')
    .option('--force', 'replace the -o file when it exists')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  hadrill init --list                                  the tiers, one line each\n' +
        '  hadrill init -o drill.yaml                           hot standby (the default tier)\n' +
        '  hadrill init --tier hot-standby-semisync -o semisync.yaml\n' +
        '  hadrill validate semisync.yaml && hadrill drill semisync.yaml   then check it and drill it\n' +
        '\nThe file explains each section, the fault timeline and how to change the SLOs (`slo:`).\n' +
        'Exit code: 0 when written, 2 for an unknown tier or an existing file without --force (left as it was).',
    )
    .action((opts: { tier: string; output?: string; list?: boolean; force?: boolean }) => {
      const { output } = ctx();
      if (opts.list) {
        if (output.json) return output.printJson(STARTERS.map((s) => ({ tier: s.tier, summary: s.summary, default: s.tier === DEFAULT_TIER })));
        process.stdout.write(`${starterList().join('\n')}\n`);
        return;
      }
      const starter = findStarter(opts.tier);
      const file = opts.output === undefined || opts.output === '-' ? null : opts.output;
      const text = renderStarter(starter, { file, schema: schemaReference(file) });
      if (file === null) {
        if (output.json) return output.printJson({ tier: starter.tier, scenario: text });
        process.stdout.write(text);
        return;
      }
      writeNew(file, text, Boolean(opts.force));
      if (output.json) return output.printJson({ file, tier: starter.tier });
      output.print(`Wrote ${file} (tier ${starter.tier}). Next: hadrill validate ${shellQuote(file)} && hadrill drill ${shellQuote(file)}`);
    });
}

/**
 * Writes `file` whole (a flushed temporary file beside it), never through a
 * link planted at its name. Without `force` the temporary file is hard-linked
 * to the name, which fails when anything already holds it: no moment between
 * a check and a write in which an existing file could be replaced.
 */
function writeNew(file: string, text: string, force: boolean): void {
  const refuse = (): HadrillError =>
    new HadrillError('usage', `${file} already exists; hadrill init does not replace it.`, {
      hint: `Pass --force to replace it, or name another file with -o (or print to stdout: hadrill init without -o).`,
    });
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new HadrillError('usage', `Cannot write ${file}: ${(error as Error).message}.`, { hint: 'Choose a writable path with -o.' });
  }
  let staged;
  try {
    staged = stageFile(file, text);
  } catch (error) {
    if (error instanceof HadrillError) throw force ? error : refuse();
    throw new HadrillError('usage', `Cannot write ${file}: ${(error as Error).message}.`, { hint: 'Choose a writable path with -o.' });
  }
  if (force) {
    staged.commit();
    return;
  }
  try {
    linkSync(staged.temp, file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST') throw refuse();
    // A file system without hard links: check, then rename (a race with another writer is possible only there).
    if (code !== undefined && NO_LINKS.includes(code)) {
      if (existsSync(file)) throw refuse();
      staged.commit();
      return;
    }
    throw new HadrillError('usage', `Cannot write ${file}: ${(error as Error).message}.`, { hint: 'Choose a writable path with -o.' });
  } finally {
    rmSync(staged.temp, { force: true });
  }
}

const NO_LINKS = ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'];

/**
 * Where the written file should point an editor for the scenario schema (the
 * one this hadrill ships): relative to the file's directory when that stays
 * near it, as in a project that installed hadrill; otherwise absolute, which a
 * long climb of `../` would only obscure.
 */
function schemaReference(file: string | null): string {
  const schema = join(packageRoot(), 'schema', 'scenario.schema.json');
  const from = file === null ? process.cwd() : dirname(resolve(file));
  const rel = relative(from, schema);
  const climbs = rel.split(sep).filter((part) => part === '..').length;
  return isAbsolute(rel) || climbs > 2 ? schema : rel.split(sep).join('/');
}
