// The measurements behind docs/faults.md's precision table: one JSON file per
// mechanism under test-artifacts/link-precision/, with when and where they
// were taken.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './hadrill-cli.js';

/** One measured quantity next to its configured value. */
export interface PrecisionRow {
  quantity: string;
  pair: string;
  unit: string;
  configured: number;
  measured: number;
  /** The largest difference the test accepts. */
  tolerance: number;
  /** For round trips: the 90th percentile of the samples, which shows how late the slow ones were. */
  p90?: number;
}

export function writePrecisionArtifact(mechanism: string, rows: PrecisionRow[]): void {
  const dir = join(ROOT, 'test-artifacts', 'link-precision');
  mkdirSync(dir, { recursive: true });
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), host kernel ${release()}`;
  writeFileSync(join(dir, `${mechanism}.json`), JSON.stringify({ mechanism, measuredAt: new Date().toISOString(), machine, rows }, null, 2) + '\n');
}
