// A User-Mode Linux guest: a real Linux 6.1 kernel with netem, run as an
// ordinary process over the host's filesystem mounted read-only. Its init is
// a script generated per guest in a temp dir; it loads the network modules and
// then runs the commands sent on the console, each in the background, and
// answers every output line tagged with the command's id (so commands can run
// at the same time): stdout and stderr in base64, then the exit code.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellQuote } from '../../src/core/shell-quote.js';
import { ROOT } from './hadrill-cli.js';

const KERNEL = '/usr/bin/linux.uml';
const MODULES = '/usr/lib/uml/modules';
const PYTHON = '/usr/bin/python3';
const LAUNCHER = join(ROOT, 'test', 'kernel', 'uml-launch.py');
/** The guest's tools are the host's: these must be installed there. */
const TOOLS = ['/usr/bin/ping', '/usr/sbin/tc', '/usr/sbin/ip', '/usr/sbin/iptables-legacy', '/usr/sbin/ethtool', '/usr/bin/kmod', '/usr/bin/base64', '/usr/bin/stty'];
const NET_MODULES = ['veth', 'sch_htb', 'sch_netem', 'cls_u32', 'ip_tables', 'iptable_filter', 'xt_comment'];
/**
 * The launcher keeps only x87/SSE state across guest syscalls and page faults
 * (see uml-launch.py), so glibc must not pick its AVX2/AVX-512 string and
 * copy functions in the guest: they return wrong results there.
 */
const GUEST_TUNABLES = 'glibc.cpu.hwcaps=-AVX2,-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-AVX_Fast_Unaligned_Load';
const INSTALL = 'apt-get install -y user-mode-linux kmod iputils-ping iproute2 iptables ethtool python3 (.ci/run does)';

export interface GuestResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Fails, with the fix, when the host cannot run the guest. */
export function requireUml(): { kernelVersion: string } {
  const missing = [KERNEL, PYTHON, ...TOOLS].filter((f) => !existsSync(f));
  assert.deepEqual(missing, [], `The kernel tests need User-Mode Linux and the guest's tools on the host; missing: ${missing.join(', ')}. Install them: ${INSTALL}.`);
  const versions = existsSync(MODULES) ? readdirSync(MODULES) : [];
  assert.equal(versions.length, 1, `Expected one kernel module tree under ${MODULES}, found ${JSON.stringify(versions)}. Reinstall: ${INSTALL}.`);
  return { kernelVersion: versions[0] as string };
}

/** The guest's init: mounts, modules, then the command loop on the console. */
export function guestInit(dir: string, kernelVersion: string): string {
  const mods = `/run/mods/lib/modules/${kernelVersion}`;
  return `#!/bin/sh
# Generated for one test run; runs as init (pid 1) of a User-Mode Linux guest.
export PATH=${shellQuote(join(dir, 'bin'))}:/usr/sbin:/usr/bin:/sbin:/bin
export GLIBC_TUNABLES=${GUEST_TUNABLES}
fatal() { echo "@@fatal $*"; poweroff -f; }
mount -t proc proc /proc && mount -t sysfs sysfs /sys && mount -t tmpfs tmpfs /run || fatal mounts
dmesg -n 1
# The host has no /lib/modules: the package's tree is bound under a tmpfs.
mkdir -p ${mods} && mount --bind ${MODULES}/${kernelVersion} ${mods} || fatal module tree
for m in ${NET_MODULES.join(' ')}; do modprobe -d /run/mods "$m" || fatal "module $m"; done
ip link set lo up
stty raw -echo
echo @@ready
# Output in short lines, each one write: the console garbles single writes of
# a few kilobytes, and whole lines from concurrent commands do not mix.
while read -r id length; do
  head -c "$length" > /run/c.$id
  (
    sh /run/c.$id > /run/o.$id 2> /run/e.$id
    code=$?
    base64 -w 76 < /run/o.$id | sed -u "s/^/@@$id o /"
    base64 -w 76 < /run/e.$id | sed -u "s/^/@@$id e /"
    echo "@@$id r $code"
    rm -f /run/c.$id /run/o.$id /run/e.$id
  ) &
done
poweroff -f
`;
}

interface Pending {
  stdout: string;
  stderr: string;
  done: (line: string) => void;
}

export class UmlGuest {
  /** Console output not yet split into lines. */
  private output = '';
  /** The last of everything the console printed, for failure messages. */
  private transcript = '';
  private ready: ((line: string) => void) | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
      this.transcript = (this.transcript + chunk.toString()).slice(-4000);
      this.dispatch();
    });
    child.on('exit', () => {
      this.exited = true;
      this.ready?.('@@exited');
      for (const p of this.pending.values()) p.done('@@exited');
    });
  }

  /** Boots a guest; resolves once its init is ready for commands. */
  static async boot(timeoutMs = 60_000): Promise<UmlGuest> {
    const { kernelVersion } = requireUml();
    const dir = mkdtempSync(join(tmpdir(), 'hadrill-uml-'));
    // The router's rules are iptables commands; this kernel has no nftables
    // for IPv4, so `iptables` in the guest is the legacy backend.
    mkdirSync(join(dir, 'bin'));
    symlinkSync('/usr/sbin/iptables-legacy', join(dir, 'bin', 'iptables'));
    writeFileSync(join(dir, 'init.sh'), guestInit(dir, kernelVersion), { mode: 0o755 });
    const args = [LAUNCHER, KERNEL, 'mem=384M', 'rootfstype=hostfs', 'ro', `init=${join(dir, 'init.sh')}`, 'con=null', 'con0=fd:0,fd:1', `uml_dir=${dir}`, 'umid=guest', 'quiet'];
    // Its own process group: UML runs guest processes as host processes, all ended together.
    const child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const guest = new UmlGuest(child, dir);
    const ready = await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve(`@@timeout after ${timeoutMs} ms`), timeoutMs);
      guest.ready = (line) => {
        if (line !== '@@ready' && !line.startsWith('@@fatal') && line !== '@@exited') return;
        clearTimeout(timer);
        guest.ready = null;
        resolve(line);
      };
      guest.dispatch();
    });
    if (ready !== '@@ready') {
      guest.kill();
      await guest.close();
      assert.fail(`The User-Mode Linux guest did not boot (${ready}). Console:\n${guest.transcript}`);
    }
    return guest;
  }

  /** Runs a shell script in the guest (in its root namespace); scripts may run at the same time. */
  async run(script: string, timeoutMs = 60_000): Promise<GuestResult> {
    assert.ok(!this.exited, 'the guest has exited');
    const id = this.nextId++;
    const result = new Promise<{ line: string; pending: Pending }>((resolve) => {
      const timer = setTimeout(() => pending.done(`@@timeout after ${timeoutMs} ms`), timeoutMs);
      const pending: Pending = {
        stdout: '',
        stderr: '',
        done: (line) => {
          clearTimeout(timer);
          this.pending.delete(id);
          resolve({ line, pending });
        },
      };
      this.pending.set(id, pending);
    });
    this.child.stdin?.write(`${id} ${Buffer.byteLength(script)}\n${script}`);
    const { line, pending } = await result;
    if (!line.startsWith('@@')) {
      const decode = (b64: string): string => Buffer.from(b64, 'base64').toString();
      return { code: Number(line), stdout: decode(pending.stdout), stderr: decode(pending.stderr) };
    }
    this.kill();
    await this.close();
    assert.fail(`The guest ${line === '@@exited' ? 'died' : `did not answer (${line})`} running: ${script}\nConsole:\n${this.transcript}`);
  }

  /** Runs one command, argv exactly as given, in a network namespace of the guest. */
  exec(namespace: string, argv: string[], timeoutMs?: number): Promise<GuestResult> {
    return this.run(['ip', 'netns', 'exec', namespace, ...argv].map(shellQuote).join(' '), timeoutMs);
  }

  /** Ends the guest at once: every process of its group. */
  kill(): void {
    if (!this.exited && this.child.pid) process.kill(-this.child.pid, 'SIGKILL');
  }

  /** Powers the guest off (its init ends when the console closes), and removes its temp dir. */
  async close(): Promise<void> {
    if (!this.exited && this.child.pid) {
      const ended = new Promise((r) => this.child.once('exit', r));
      this.child.stdin?.end();
      const timer = setTimeout(() => this.kill(), 10_000);
      await ended;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Hands every complete console line to its command (or to boot); kernel messages and other lines are skipped. */
  private dispatch(): void {
    let end: number;
    while ((end = this.output.indexOf('\n')) >= 0) {
      const line = this.output.slice(0, end).replace(/\r$/, '');
      this.output = this.output.slice(end + 1);
      const tagged = /^@@(\d+) ([oer]) (.*)$/.exec(line);
      if (!tagged) {
        this.ready?.(line);
        continue;
      }
      const pending = this.pending.get(Number(tagged[1]));
      const text = tagged[3] as string;
      if (!pending) continue;
      if (tagged[2] === 'o') pending.stdout += text;
      else if (tagged[2] === 'e') pending.stderr += text;
      else pending.done(text);
    }
  }
}
