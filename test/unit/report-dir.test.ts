// Where drill, check and the interrupted report write their six report files:
// never through a symbolic link planted at one of their names (its target is
// left as it was), each file replaced whole (a temporary file in the
// directory, renamed over), and only into a directory hadrill made or one
// that holds nothing but hadrill's reports, unless --force says to reuse it.
import assert from 'node:assert/strict';
import { closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { constants } from 'node:buffer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FinalState, OpRecord } from '../../src/core/history.js';
import type { Report } from '../../src/core/report/report-model.js';
import { jsonLines, writeReportFiles } from '../../src/engine/check-run.js';
import { HadrillError } from '../../src/core/errors.js';

const FIXTURE = new URL('../../../test/fixtures/hot-standby-report/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, FIXTURE), 'utf8');
const report = JSON.parse(read('report.json')) as Report;
const ops = read('history.jsonl')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as OpRecord);
const finalState = JSON.parse(read('final-state.json')) as FinalState;

const NAMES = ['report.json', 'history.jsonl', 'final-state.json', 'junit.xml', 'summary.md', 'report.html'];
const root = mkdtempSync(join(tmpdir(), 'hadrill-report-dir-'));
let n = 0;
const fresh = (): string => join(root, `case-${++n}`);

/** A file outside the report directory that a planted link points at. */
function victim(): { file: string; text: string } {
  const file = join(root, `victim-${++n}.txt`);
  const text = `precious ${n}\n`;
  writeFileSync(file, text);
  return { file, text };
}

function refused(work: () => void, pattern: RegExp): void {
  assert.throws(work, (error: unknown) => {
    assert.ok(error instanceof HadrillError, `a HadrillError, not ${String(error)}`);
    assert.equal(error.code, 'usage');
    assert.match(`${error.message}\n${error.hint ?? ''}`, pattern);
    return true;
  });
}

describe('writeReportFiles', () => {
  it('makes a missing directory (and its parents) and writes the six files', () => {
    const dir = join(fresh(), 'nested', 'out');
    writeReportFiles(dir, report, ops, finalState);
    assert.deepEqual(readdirSync(dir).sort(), [...NAMES].sort());
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')), report);
    assert.equal(readFileSync(join(dir, 'history.jsonl'), 'utf8').split('\n').filter(Boolean).length, ops.length);
  });

  it('writes again into its own report directory, replacing each file whole and leaving no temporary file', () => {
    const dir = fresh();
    writeReportFiles(dir, report, ops, finalState);
    const inode = lstatSync(join(dir, 'summary.md')).ino;
    writeReportFiles(dir, report, ops.slice(0, 10), finalState);
    assert.deepEqual(readdirSync(dir).sort(), [...NAMES].sort());
    assert.equal(readFileSync(join(dir, 'history.jsonl'), 'utf8').split('\n').filter(Boolean).length, 10);
    // Renamed over, not rewritten in place: a reader never sees half a file.
    assert.notEqual(lstatSync(join(dir, 'summary.md')).ino, inode);
  });

  it('writes a history longer than the longest string V8 can hold, a line per operation', () => {
    // Operations sharing one MiB of text: little memory, but as one joined string past V8's limit.
    const mib = 'x'.repeat(1 << 20);
    const count = Math.ceil(constants.MAX_STRING_LENGTH / mib.length) + 8;
    const big = Array.from({ length: count }, (_, i) => ({ id: `w${i}`, pad: mib }));
    const dir = fresh();
    try {
      writeReportFiles(dir, report, big, finalState);
      const file = join(dir, 'history.jsonl');
      const line = JSON.stringify(big.at(-1)).length + 1;
      assert.ok(statSync(file).size > constants.MAX_STRING_LENGTH);
      assert.equal(statSync(file).size, big.reduce((n, op) => n + JSON.stringify(op).length + 1, 0));
      // The last line is whole and in its place.
      const fd = openSync(file, 'r');
      const tail = Buffer.alloc(line);
      readSync(fd, tail, 0, line, statSync(file).size - line);
      closeSync(fd);
      assert.deepEqual(JSON.parse(tail.toString('utf8')), big.at(-1));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('chunks a history into lines of about a MiB each, which joined are the whole history', () => {
    const lines = [...jsonLines(ops)];
    assert.ok(lines.length >= 1);
    assert.equal(lines.join(''), ops.map((op) => JSON.stringify(op) + '\n').join(''));
    for (const chunk of lines.slice(0, -1)) assert.ok(chunk.length >= 1 << 20 && chunk.endsWith('\n'));
    assert.deepEqual([...jsonLines([])], []);
  });

  it('accepts an empty directory', () => {
    const dir = fresh();
    mkdirSync(dir);
    writeReportFiles(dir, report, ops, finalState);
    assert.deepEqual(readdirSync(dir).sort(), [...NAMES].sort());
  });

  for (const name of NAMES) {
    it(`never follows a symbolic link planted as ${name}: the file it points at is unchanged, with or without --force`, () => {
      for (const force of [false, true]) {
        const dir = fresh();
        writeReportFiles(dir, report, ops, finalState);
        const { file, text } = victim();
        const link = join(dir, name);
        // The report file replaced by a link, as another local user could in a shared directory.
        rmSync(link);
        symlinkSync(file, link);
        refused(() => writeReportFiles(dir, report, ops, finalState, { force }), new RegExp(`${name.replace('.', '\\.')}.*symbolic link`));
        assert.equal(readFileSync(file, 'utf8'), text, `the link's target ${file} is unchanged`);
        assert.ok(lstatSync(link).isSymbolicLink(), 'the link is left for the user to look at');
      }
    });
  }

  it('never follows a link to a file that does not exist yet (it would create it)', () => {
    const dir = fresh();
    mkdirSync(dir);
    const target = join(root, `created-by-link-${n}.md`);
    symlinkSync(target, join(dir, 'summary.md'));
    refused(() => writeReportFiles(dir, report, ops, finalState, { force: true }), /summary\.md.*symbolic link/);
    assert.equal(existsSync(target), false);
  });

  it('refuses a directory holding a file that is not a hadrill report, naming the directory and --force, and accepts it with --force', () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    refused(() => writeReportFiles(dir, report, ops, finalState), new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*--force`));
    assert.deepEqual(readdirSync(dir), ['notes.txt'], 'nothing was written');
    writeReportFiles(dir, report, ops, finalState, { force: true });
    assert.deepEqual(readdirSync(dir).sort(), [...NAMES, 'notes.txt'].sort());
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine\n');
  });

  it('refuses a report directory that is itself a symbolic link without --force', () => {
    const real = fresh();
    mkdirSync(real);
    const link = fresh();
    symlinkSync(real, link);
    refused(() => writeReportFiles(link, report, ops, finalState), /symbolic link[\s\S]*--force/);
    assert.deepEqual(readdirSync(real), []);
    writeReportFiles(link, report, ops, finalState, { force: true });
    assert.deepEqual(readdirSync(real).sort(), [...NAMES].sort());
  });

  it('refuses a path that is a file, not a directory', () => {
    const file = fresh();
    writeFileSync(file, 'x');
    refused(() => writeReportFiles(file, report, ops, finalState, { force: true }), /not a directory/);
    assert.equal(readFileSync(file, 'utf8'), 'x');
  });

  it('takes a directory of a repeated drill (run-N folders and repeat.json) as its own', () => {
    const dir = fresh();
    writeReportFiles(join(dir, 'run-1'), report, ops, finalState);
    writeFileSync(join(dir, 'repeat.json'), '{}\n');
    writeReportFiles(dir, report, ops, finalState);
    writeReportFiles(join(dir, 'run-1'), report, ops, finalState);
  });
});
