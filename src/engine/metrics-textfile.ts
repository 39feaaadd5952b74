// --metrics-textfile FILE: the drill's outcome for node_exporter's textfile
// collector. It reads every *.prom file of its directory at each scrape, so
// the file is written beside the target and renamed over it (never read half
// written), and carries no timestamps (the collector refuses them).
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { HadrillError } from '../core/errors.js';
import { renderText } from '../core/metrics/exposition.js';
import { outcomeFamilies } from '../core/metrics/hadrill-metrics.js';
import type { Report } from '../core/report/report-model.js';
import { writeFileAtomic } from './atomic-file.js';

/** Checked before the drill starts, so a typo does not cost a whole drill. */
export function checkTextfileTarget(file: string): void {
  if (!file.endsWith('.prom')) {
    throw new HadrillError('usage', `--metrics-textfile ${file}: node_exporter reads only files named *.prom.`, { hint: `Name it e.g. ${file.replace(/\.[^./]*$/, '')}.prom.` });
  }
  const dir = dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new HadrillError('usage', `--metrics-textfile ${file}: the directory ${dir} does not exist.`, { hint: "Create it, or use node_exporter's textfile directory (Debian: /var/lib/prometheus/node-exporter)." });
  }
  if (existsSync(file) && statSync(file).isDirectory()) throw new HadrillError('usage', `--metrics-textfile ${file}: a directory has that name.`, { hint: 'Name a file in it, e.g. hadrill.prom.' });
}

export function writeMetricsTextfile(file: string, report: Report): void {
  writeFileAtomic(file, renderText(outcomeFamilies(report)));
}
