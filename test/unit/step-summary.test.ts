// $GITHUB_STEP_SUMMARY: appended to, never overwritten, kept under GitHub's
// 1 MiB limit by cutting at a line, and a failed write only warns.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { appendStepSummary, fitSummary, STEP_SUMMARY_LIMIT_BYTES, STEP_SUMMARY_RESERVE_BYTES } from '../../src/cli/step-summary.js';

const dir = mkdtempSync(join(tmpdir(), 'hadrill-step-summary-'));
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('fitSummary', () => {
  it('keeps a summary that fits whole, ending it with a newline', () => {
    assert.equal(fitSummary('## ok\n\n| a |\n', 100, 'out/summary.md'), '## ok\n\n| a |\n');
    assert.equal(fitSummary('## ok', 100, 'out/summary.md'), '## ok\n');
    assert.equal(fitSummary('x'.repeat(99), 100, 'f'), 'x'.repeat(99) + '\n');
  });

  it('cuts at the last whole line that fits, and names the file that holds all of it', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `| line ${i} | é漢 |`);
    const markdown = lines.join('\n') + '\n';
    const fitted = fitSummary(markdown, 2000, 'out/summary.md');
    assert.ok(bytes(fitted) <= 2000, `${bytes(fitted)} bytes`);
    assert.ok(bytes(fitted) > 1500, 'uses most of the room');
    const [kept, note] = fitted.split('\n\n> ✂️ ');
    // Only whole lines are kept, in order, from the start.
    assert.ok(markdown.startsWith(kept! + '\n'));
    assert.ok(lines.includes(kept!.split('\n').at(-1)!));
    assert.equal(note, "Cut to stay under GitHub's 1 MiB step summary limit: read the whole of it in `out/summary.md`.\n");
    // No broken UTF-8 character at the cut.
    assert.doesNotMatch(fitted, /\uFFFD/);
  });

  it('gives nothing when not even the note fits, and only the note when no line does', () => {
    assert.equal(fitSummary('a long line\n'.repeat(50), 10, 'out/summary.md'), '');
    const onlyNote = fitSummary('y'.repeat(500) + '\n', 150, 'f.md');
    assert.match(onlyNote, /^\n> ✂️ Cut .*`f\.md`\.\n$/);
  });
});

describe('appendStepSummary', () => {
  const warnings: string[] = [];
  const warn = (t: string): number => warnings.push(t);

  it('does nothing without GITHUB_STEP_SUMMARY', () => {
    assert.equal(appendStepSummary('## x\n', 'f', { env: {}, warn }), 'not set');
    assert.equal(appendStepSummary('## x\n', 'f', { env: { GITHUB_STEP_SUMMARY: '' }, warn }), 'not set');
  });

  it('appends after what the step wrote, with a blank line between, never overwriting', () => {
    const file = join(dir, 'summary-append');
    writeFileSync(file, 'earlier step output');
    const env = { GITHUB_STEP_SUMMARY: file };
    assert.equal(appendStepSummary('## first\n', 'a', { env, warn }), 'appended');
    assert.equal(appendStepSummary('## second', 'b', { env, warn }), 'appended');
    assert.equal(readFileSync(file, 'utf8'), 'earlier step output\n## first\n\n## second\n');
    // A file the runner has not created yet is created.
    const fresh = join(dir, 'summary-fresh');
    assert.equal(appendStepSummary('## only\n', 'a', { env: { GITHUB_STEP_SUMMARY: fresh }, warn }), 'appended');
    assert.equal(readFileSync(fresh, 'utf8'), '## only\n');
  });

  it('keeps the whole file under 1 MiB by default, counting what is already in it', () => {
    const file = join(dir, 'summary-big');
    writeFileSync(file, 'p'.repeat(600_000) + '\n');
    const markdown = Array.from({ length: 30_000 }, (_, i) => `| row ${i} | ${'v'.repeat(20)} |`).join('\n') + '\n';
    assert.ok(bytes(markdown) > 800_000);
    assert.equal(appendStepSummary(markdown, 'out/summary.md', { env: { GITHUB_STEP_SUMMARY: file }, warn }), 'truncated');
    const text = readFileSync(file, 'utf8');
    assert.ok(bytes(text) <= STEP_SUMMARY_LIMIT_BYTES - STEP_SUMMARY_RESERVE_BYTES, `${bytes(text)} bytes`);
    assert.ok(bytes(text) > STEP_SUMMARY_LIMIT_BYTES - STEP_SUMMARY_RESERVE_BYTES - 200, 'fills the room up to a line');
    assert.ok(text.startsWith('p'.repeat(600_000) + '\n\n| row 0 |'), 'what was there is kept');
    assert.match(text, /\| row \d+ \| v+ \|\n\n> ✂️ Cut .*`out\/summary\.md`\.\n$/);
  });

  it('writes nothing, and warns, when the file is already at the limit', () => {
    const file = join(dir, 'summary-full');
    writeFileSync(file, 'f'.repeat(1000));
    const before = warnings.length;
    assert.equal(appendStepSummary('## x\n'.repeat(100), 'out/summary.md', { env: { GITHUB_STEP_SUMMARY: file }, warn, maxFileBytes: 1050 }), 'no room');
    assert.equal(readFileSync(file, 'utf8'), 'f'.repeat(1000));
    assert.match(warnings.at(-1)!, /not written: .* already holds 1000 bytes/);
    assert.equal(warnings.length, before + 1);
  });

  it('a file that cannot be written is a warning, not an exception', () => {
    const notAFile = join(dir, 'a-directory');
    mkdirSync(notAFile);
    const before = warnings.length;
    assert.equal(appendStepSummary('## x\n', 'out/summary.md', { env: { GITHUB_STEP_SUMMARY: notAFile }, warn }), 'failed');
    assert.equal(warnings.length, before + 1);
    assert.match(warnings.at(-1)!, /^Could not append the job summary to .*a-directory \(GITHUB_STEP_SUMMARY\): .*The verdict stands; the full report is out\/summary\.md\.$/);
    const missingDir = join(dir, 'no', 'such', 'dir', 'summary');
    assert.equal(appendStepSummary('## x\n', 'f', { env: { GITHUB_STEP_SUMMARY: missingDir }, warn }), 'failed');
  });
});
