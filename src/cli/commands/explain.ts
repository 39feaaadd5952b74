import { existsSync } from 'node:fs';
import { readJsonFileSync } from '../../file-json.js';
import { readLinesSync } from '../../file-lines.js';
import { join } from 'node:path';
import type { Command } from 'commander';
import { HadrillError } from '../../core/errors.js';
import type { FinalState } from '../../core/history.js';
import { explainWrite, formatWriteStory, type WriteStory } from '../../core/report/explain.js';
import { findSavedOps } from '../../core/report/load-report.js';
import { formatLostCause } from '../../core/report/render-summary.js';
import { readSavedReport } from './report.js';
import type { ContextFactory } from './index.js';

export function registerExplain(program: Command, ctx: ContextFactory): void {
  program
    .command('explain')
    .description("why writes were lost, from a saved drill: every lost write's cause, or one write's whole story (sent, answered, by which node, where it is now, the verdict); needs no Docker")
    .argument('<dir>', 'report directory (holding report.json, history.jsonl and final-state.json)')
    .argument('[ids...]', 'write ids (from lostIds in report.json, or history.jsonl); none: the causes of every lost write')
    .addHelpText(
      'after',
      '\nExamples:\n  hadrill explain hadrill-report                       why each lost write was lost\n  hadrill explain hadrill-report mysql.app-idc-b.x.17  one write, from its client to the nodes that hold it\n\nExit code: 0 when explained, 2 when the directory is no report or an id is in no history.',
    )
    .action((dir: string, ids: string[]) => {
      const c = ctx();
      const { report, dir: reportDir } = readSavedReport(dir);
      if (ids.length === 0) {
        const causes = report.services.map((s) => ({ service: s.name, lost: s.lost, causes: s.lostCauses ?? null }));
        if (c.output.json) return c.output.printJson({ services: causes });
        for (const s of causes) {
          if (s.lost === 0) c.output.print(`${s.service}: no write lost`);
          else if (s.causes === null) c.output.print(`${s.service}: ${s.lost} writes lost; this report is from a hadrill that did not record why`);
          else c.output.print([`${s.service}: ${s.lost} writes lost`, ...s.causes.map((g) => `  ${formatLostCause(report, g)}`)].join('\n'));
        }
        return;
      }
      const historyFile = join(reportDir, 'history.jsonl');
      if (!existsSync(historyFile)) throw new HadrillError('usage', `${historyFile} is missing: one write cannot be explained without the history.`, { hint: 'Pass the whole directory a drill or `hadrill check --report-dir` wrote.' });
      // Only the ops and final ids asked about are kept: a saved drill can hold millions.
      const wanted = new Set(ids);
      const { ops: history, firstWriteId } = findSavedOps(readLinesSync(historyFile), wanted);
      const finalState = readFinalState(join(reportDir, 'final-state.json'), wanted);
      const stories: WriteStory[] = ids.map((id) => {
        const story = explainWrite(report, history, finalState, id);
        if (story === null) {
          throw new HadrillError('usage', `No write "${id}" in ${historyFile}.`, { hint: `Write ids look like ${firstWriteId ?? 'mysql.app-idc-a.<incarnation>.<n>'}; the lost ones are under lostIds in report.json, or run \`hadrill explain ${dir}\`.` });
        }
        return story;
      });
      if (c.output.json) return c.output.printJson({ writes: stories });
      c.output.print(stories.map((s) => formatWriteStory(report, s).join('\n')).join('\n\n'));
    });
}

/** The final state with only the ids asked about in its nodes' lists, read a block at a time. */
function readFinalState(file: string, ids: ReadonlySet<string>): FinalState | null {
  if (!existsSync(file)) return null;
  try {
    return readJsonFileSync(file, { arrayItem: (key, item) => key !== 'ids' || ids.has(item as string) }) as FinalState;
  } catch {
    return null;
  }
}
