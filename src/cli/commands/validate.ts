import type { Command } from 'commander';
import { readScenarioFile } from '../context.js';
import type { ContextFactory } from './index.js';

export function registerValidate(program: Command, ctx: ContextFactory): void {
  program
    .command('validate')
    .description('check a scenario file without touching Docker (exit 2 with file:line:col on errors)')
    .argument('<scenario>', 'scenario YAML file')
    .action((file: string) => {
      const scenario = readScenarioFile(file);
      const { output } = ctx();
      if (output.json) return output.printJson({ valid: true, scenario });
      const nodes = scenario.groups.reduce((n, g) => n + g.nodes.length, 0);
      const groups = scenario.groups.map((g) => `${g.name}: ${g.kind}`).join(', ');
      output.print(`${file}: valid (${scenario.idcs.length} IDCs, ${scenario.groups.length} ${scenario.groups.length === 1 ? 'group' : 'groups'} [${groups}], ${nodes} datastore nodes, ${scenario.workload.clients.length} clients, ${faultCount(scenario.drill.timeline.length)})`);
    });
}

function faultCount(n: number): string {
  return n === 0 ? 'no fault: a drill that watches for false failovers' : `${n} ${n === 1 ? 'fault' : 'faults'} in the drill`;
}
