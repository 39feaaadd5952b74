import type { Command } from 'commander';
import { renderCompose } from '../../core/compose.js';
import { HadrillError } from '../../core/errors.js';
import { PLANNERS } from '../../datastores/registry.js';
import { writeFileAtomic } from '../../engine/atomic-file.js';
import { readScenarioFile } from '../context.js';
import type { ContextFactory } from './index.js';

export function registerCompose(program: Command, ctx: ContextFactory): void {
  program
    .command('compose')
    .description("print the scenario's topology as a Docker Compose file (to read it, or run it with your own tools)")
    .argument('<scenario>', 'scenario YAML file')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action((file: string, opts: { output?: string }) => {
      const scenario = readScenarioFile(file);
      if (scenario.attach) {
        throw new HadrillError('usage', `${file} attaches to containers that already run: hadrill builds none of them, so there is no topology to render.`, {
          hint: `\`hadrill up --dry-run ${file}\` lists the containers it would act on.`,
        });
      }
      const text = renderCompose(scenario, PLANNERS);
      if (opts.output) {
        // Replaced whole, never written through a link planted at its name.
        writeFileAtomic(opts.output, text);
        ctx().output.print(`wrote ${opts.output}`);
      } else process.stdout.write(text);
    });
}
