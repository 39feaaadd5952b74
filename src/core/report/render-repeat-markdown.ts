// A repeated drill (`--repeat N`) for a CI step summary: the distribution and
// the gate's verdict, and where each run's own summary.md is.
import { formatDuration } from './render-summary.js';
import type { Distribution, RepeatSummary } from './repeat-summary.js';

export function renderRepeatMarkdown(summary: RepeatSummary, reportDir: string): string {
  const mark = summary.verdict === 'pass' ? '✅' : '❌';
  const triple = (d: Distribution, ms: boolean): string => [d.min, d.median, d.max].map((v) => (v === null ? '-' : ms ? formatDuration(v) : String(v))).join(' / ');
  return [
    `## ${mark} hadrill: ${summary.runs} drills: ${summary.verdict.toUpperCase()}`,
    '',
    `${summary.passed} of ${summary.runs} drills passed every SLO; gate \`${summary.gate}\`.`,
    '',
    '| service | RTO min / median / max | lost min / median / max | not recovered |',
    '|---|---:|---:|---:|',
    ...summary.services.map((s) => `| ${esc(s.name)} | ${triple(s.rtoMs, true)} | ${triple(s.lostWrites, false)} | ${s.notRecovered} |`),
    '',
    `Each drill's own summary: \`${reportDir.replace(/`/g, "'")}/run-N/summary.md\` (N from 1 to ${summary.runs}); the distribution: \`repeat.json\`.`,
    '',
  ].join('\n');
}

function esc(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, '\\$&').replace(/\r?\n/g, ' ');
}
