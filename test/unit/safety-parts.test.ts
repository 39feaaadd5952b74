// The small parts the safety guarantees rest on: the archive that carries
// secrets into containers, the runtime an interrupted drill works through,
// and the route script that leaves a node no way out.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { routeScript } from '../../src/core/plan/route-script.js';
import { AbortableRuntime } from '../../src/engine/abortable-runtime.js';
import type { ContainerRuntime } from '../../src/runtime/container-runtime.js';
import { tarArchive } from '../../src/runtime/tar-archive.js';

describe('the archive secrets travel in', () => {
  test('ustar headers with the path, mode and size, a valid checksum, and the content padded to 512 bytes', () => {
    const archive = tarArchive([{ path: '/etc/hadrill/redis.conf', content: 'requirepass x\n', mode: 0o600 }]);
    const header = archive.subarray(0, 512);
    const field = (offset: number, length: number): string => header.toString('utf8', offset, offset + length).replace(/\0.*$/s, '');
    assert.equal(field(0, 100), 'etc/hadrill/redis.conf');
    assert.equal(parseInt(field(100, 8), 8), 0o600);
    assert.equal(parseInt(field(124, 12), 8), 14);
    assert.equal(field(257, 6), 'ustar');
    const sum = [...header].reduce((acc, byte, i) => acc + (i >= 148 && i < 156 ? 32 : byte), 0);
    assert.equal(parseInt(field(148, 8), 8), sum);
    assert.equal(archive.toString('utf8', 512, 526), 'requirepass x\n');
    assert.equal(archive.length, 512 + 512 + 1024, 'one header, one padded block, two zero blocks');
  });
});

describe('the runtime an interrupted drill works through', () => {
  test('refuses every call once aborted, and waits for the calls already under way', async () => {
    let release: () => void = () => undefined;
    const created: string[] = [];
    const inner = {
      run: (spec: { name: string }) => new Promise<void>((resolve) => (release = () => (created.push(spec.name), resolve()))),
      list: async () => [],
    } as unknown as ContainerRuntime;
    const abort = new AbortController();
    const runtime = new AbortableRuntime(inner, abort.signal);
    const inFlight = runtime.run({ name: 'a' } as never);
    abort.abort(new Error('interrupted'));
    await assert.rejects(runtime.list({}), /interrupted/);
    await assert.rejects(runtime.run({ name: 'b' } as never), /interrupted/);
    const settled = runtime.settled(5000);
    release();
    await settled;
    await inFlight;
    assert.deepEqual(created, ['a'], 'the call under way finished before the teardown; the one after the abort never started');
  });
});

describe('routes from outside', () => {
  test('segmentation offload goes off first, then the default route, then one route per other IDC through the router', () => {
    const script = routeScript({ env: { HADRILL_ROUTES: '10.1.2.0/24=10.1.1.254,10.1.3.0/24=10.1.1.254' } });
    const parts = script.split(' && ');
    assert.match(parts[0]!, /^for d in \$\(ls \/sys\/class\/net\); do .*ethtool -K "\$d" tso off gso off/);
    assert.deepEqual(parts.slice(1), ['ip route del default 2>/dev/null; ip -6 route del default 2>/dev/null; true', 'ip route replace 10.1.2.0/24 via 10.1.1.254', 'ip route replace 10.1.3.0/24 via 10.1.1.254']);
  });
});
