// Cuts of an attached run as filter rules inside each container's own network
// namespace: one chain per fault, jumped to from INPUT and OUTPUT, dropping
// what this container sends to an IDC it may not reach (by destination) and
// what it receives from one (by source). Healing removes exactly that chain,
// and may be repeated.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { faultChain, netnsRulesScript } from '../../src/core/attach/netns-rules.js';
import type { FaultSpec } from '../../src/core/faults.js';

const ADDRESSES: Record<string, string[]> = {
  'idc-a': ['172.20.0.2', '172.20.0.3'],
  'idc-b': ['172.20.0.4'],
  'idc-c': ['172.20.0.5'],
};
const ID = 'fm1abcd2e3f4';
const CHAIN = `HADRILL-${ID}`;

const apply = (spec: FaultSpec, idc: string): string | null => netnsRulesScript(spec, idc, ADDRESSES, ID, 'apply');

/** The script a container gets when its chain drops exactly `matches`, in this order. */
const dropping = (...matches: string[]): string =>
  [`iptables -w -N ${CHAIN}`, ...matches.map((m) => `iptables -w -A ${CHAIN} ${m} -j DROP`), `iptables -w -I INPUT 1 -j ${CHAIN}`, `iptables -w -I OUTPUT 1 -j ${CHAIN}`].join(' && ');

describe('the rules of one fault in one container', () => {
  test('isolating idc-c: a container elsewhere drops what it sends to idc-c and what it gets from it', () => {
    const isolate: FaultSpec = { kind: 'isolate', idc: 'idc-c' };
    assert.equal(apply(isolate, 'idc-a'), dropping('-d 172.20.0.5', '-s 172.20.0.5'));
    assert.equal(apply(isolate, 'idc-b'), dropping('-d 172.20.0.5', '-s 172.20.0.5'));
  });

  test('isolating idc-c: a container in idc-c drops traffic to and from every other IDC\'s containers', () => {
    assert.equal(apply({ kind: 'isolate', idc: 'idc-c' }, 'idc-c'), dropping('-d 172.20.0.2', '-d 172.20.0.3', '-d 172.20.0.4', '-s 172.20.0.2', '-s 172.20.0.3', '-s 172.20.0.4'));
  });

  test('a two-way cut between idc-a and idc-b blocks both directions at both ends, and leaves idc-c alone', () => {
    const cut: FaultSpec = { kind: 'cut', from: 'idc-a', to: 'idc-b', oneWay: false };
    assert.equal(apply(cut, 'idc-a'), dropping('-d 172.20.0.4', '-s 172.20.0.4'));
    assert.equal(apply(cut, 'idc-b'), dropping('-d 172.20.0.2', '-d 172.20.0.3', '-s 172.20.0.2', '-s 172.20.0.3'));
    assert.equal(apply(cut, 'idc-c'), null);
  });

  test('a one-way cut from idc-a to idc-b drops only what idc-a sends: by destination in idc-a, by source in idc-b', () => {
    const cut: FaultSpec = { kind: 'cut', from: 'idc-a', to: 'idc-b', oneWay: true };
    assert.equal(apply(cut, 'idc-a'), dropping('-d 172.20.0.4'));
    assert.equal(apply(cut, 'idc-b'), dropping('-s 172.20.0.2', '-s 172.20.0.3'));
    assert.equal(apply(cut, 'idc-c'), null);
  });

  test('a partition separates its groups, and an IDC named in no group (a bridge) keeps every link', () => {
    const split: FaultSpec = { kind: 'partition', groups: [['idc-a'], ['idc-b', 'idc-c']] };
    assert.equal(apply(split, 'idc-a'), dropping('-d 172.20.0.4', '-d 172.20.0.5', '-s 172.20.0.4', '-s 172.20.0.5'));
    assert.equal(apply(split, 'idc-b'), dropping('-d 172.20.0.2', '-d 172.20.0.3', '-s 172.20.0.2', '-s 172.20.0.3'));
    const bridged: FaultSpec = { kind: 'partition', groups: [['idc-a'], ['idc-b']] };
    assert.equal(apply(bridged, 'idc-c'), null);
    assert.equal(apply(bridged, 'idc-a'), dropping('-d 172.20.0.4', '-s 172.20.0.4'));
  });

  test('no rules when the blocked IDC has no containers', () => {
    const addresses = { ...ADDRESSES, 'idc-c': [] };
    assert.equal(netnsRulesScript({ kind: 'isolate', idc: 'idc-c' }, 'idc-a', addresses, ID, 'apply'), null);
  });

  test('faults that are not cuts put no rules anywhere', () => {
    for (const spec of [{ kind: 'power', idc: 'idc-a' }, { kind: 'crash', node: 'db-a', restart: false }] satisfies FaultSpec[]) {
      for (const idc of Object.keys(ADDRESSES)) assert.equal(apply(spec, idc), null, `${spec.kind} in ${idc}`);
    }
  });

  test('healing removes both jumps, flushes and deletes the chain, each step allowed to find nothing, and ends with true', () => {
    const heal = netnsRulesScript({ kind: 'isolate', idc: 'idc-c' }, 'idc-a', ADDRESSES, ID, 'heal');
    assert.equal(
      heal,
      `iptables -w -D INPUT -j ${CHAIN} 2>/dev/null; iptables -w -D OUTPUT -j ${CHAIN} 2>/dev/null; iptables -w -F ${CHAIN} 2>/dev/null; iptables -w -X ${CHAIN} 2>/dev/null; true`,
    );
  });

  test('healing is a script even where applying put nothing, so a heal never depends on what was applied', () => {
    const heal = netnsRulesScript({ kind: 'cut', from: 'idc-a', to: 'idc-b', oneWay: false }, 'idc-c', ADDRESSES, ID, 'heal');
    assert.ok(heal?.endsWith('; true'), String(heal));
  });
});

describe('the chain of a fault', () => {
  test('is named after the fault', () => {
    assert.equal(faultChain('fm1abcd2e3f4'), 'HADRILL-fm1abcd2e3f4');
  });

  test('is at most 28 characters, the most iptables allows', () => {
    const long = faultChain('f'.repeat(40));
    assert.equal(long.length, 28);
    assert.ok(long.startsWith('HADRILL-'));
    // The ids hadrill makes ("f", a base-36 time, four hex digits) fit whole, so two faults never share a chain.
    const made = `f${Date.now().toString(36)}abcd`;
    assert.equal(faultChain(made), `HADRILL-${made}`);
  });
});

describe('the scripts as a shell runs them', () => {
  /** Runs `script` with `iptables` replaced by a shell function that logs its arguments and exits with `status`. */
  function runWithFakeIptables(script: string, status: number): { exitCode: number | null; calls: string[] } {
    const dir = mkdtempSync(join(tmpdir(), 'hadrill-netns-'));
    try {
      const log = join(dir, 'calls');
      const result = spawnSync('sh', ['-c', `iptables() { echo "$*" >> "$LOG"; return ${status}; }; ${script}`], { env: { ...process.env, LOG: log }, encoding: 'utf8' });
      let calls: string[] = [];
      try {
        calls = readFileSync(log, 'utf8').trim().split('\n');
      } catch {
        calls = [];
      }
      return { exitCode: result.status, calls };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('applying creates the chain, fills it, then jumps to it from INPUT and OUTPUT, in that order', () => {
    const { exitCode, calls } = runWithFakeIptables(apply({ kind: 'cut', from: 'idc-a', to: 'idc-b', oneWay: true }, 'idc-b')!, 0);
    assert.equal(exitCode, 0);
    assert.deepEqual(calls, [`-w -N ${CHAIN}`, `-w -A ${CHAIN} -s 172.20.0.2 -j DROP`, `-w -A ${CHAIN} -s 172.20.0.3 -j DROP`, `-w -I INPUT 1 -j ${CHAIN}`, `-w -I OUTPUT 1 -j ${CHAIN}`]);
  });

  test('applying stops at the first failing step and fails, so no jump is left pointing at a chain that was not made', () => {
    const { exitCode, calls } = runWithFakeIptables(apply({ kind: 'isolate', idc: 'idc-c' }, 'idc-a')!, 1);
    assert.notEqual(exitCode, 0);
    assert.deepEqual(calls, [`-w -N ${CHAIN}`]);
  });

  test('healing succeeds even when every step finds its rule gone, and tries every step', () => {
    const { exitCode, calls } = runWithFakeIptables(netnsRulesScript({ kind: 'isolate', idc: 'idc-c' }, 'idc-a', ADDRESSES, ID, 'heal')!, 1);
    assert.equal(exitCode, 0);
    assert.equal(calls.length, 4);
  });
});
