// `hadrill doctor`: is this machine ready for drills, and what fixes it.
// With fix, on a Debian-like host as root: installs docker.io and debootstrap,
// starts dockerd, and builds the image.
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { HadrillError } from '../core/errors.js';
import type { EventSink } from '../core/engine-events.js';
import { hadrillLabels } from '../core/plan/labels.js';
import { netemProbeScript } from '../core/router/netem.js';
import { homeId } from './home-id.js';
import { waitFor } from '../core/wait.js';
import { buildBaseImage } from '../images/build-image.js';
import { imageTag } from '../images/image-spec.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { DockerImageImporter } from '../runtime/docker-images.js';
import type { DockerRuntime } from '../runtime/docker-runtime.js';
import { commandExists, runProcess, startDetached } from '../runtime/host-process.js';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export async function doctor(runtime: DockerRuntime, options: { fix: boolean; emit: EventSink }): Promise<DoctorCheck[]> {
  if (options.fix) await fixEnvironment(runtime, options.emit);
  const checks: DoctorCheck[] = [];
  const root = process.getuid?.() === 0;
  checks.push({ name: 'user', ok: true, detail: root ? 'root' : 'not root: `doctor --fix` and `images build` need root; drills need access to the Docker socket' });
  let engineOk = false;
  try {
    const info = await runtime.info();
    engineOk = true;
    const [major] = info.apiVersion.split('.').map(Number);
    checks.push({ name: 'docker engine', ok: (major ?? 0) >= 1, detail: `Docker ${info.version} (API ${info.apiVersion}, ${info.os})` });
  } catch (error) {
    checks.push({ name: 'docker engine', ok: false, detail: (error as Error).message, fix: 'hadrill doctor --fix (installs docker.io and starts dockerd), or start Docker yourself' });
  }
  const hasDebootstrap = await commandExists('debootstrap');
  checks.push({ name: 'debootstrap', ok: hasDebootstrap, detail: hasDebootstrap ? 'present (builds the image)' : 'missing: needed to build the image', ...(hasDebootstrap ? {} : { fix: 'apt-get install -y debootstrap (or hadrill doctor --fix)' }) });
  if (!engineOk) return checks;
  const tag = imageTag();
  const hasImage = await runtime.imageExists(tag);
  checks.push({ name: 'image', ok: hasImage, detail: hasImage ? tag : `${tag} is not built`, ...(hasImage ? {} : { fix: 'hadrill images build (or hadrill doctor --fix)' }) });
  if (hasImage) checks.push(await probeKernel(runtime, tag));
  return checks;
}

/** netem and iptables, probed inside a throwaway container: the host kernel is what containers get. */
async function probeKernel(runtime: ContainerRuntime, tag: string): Promise<DoctorCheck> {
  const script = `if ${netemProbeScript()}; then echo netem=yes; else echo netem=no; fi; iptables -N HADRILL-PROBE >/dev/null 2>&1 && echo iptables=yes || echo iptables=no`;
  const result = await runtime.runOnce(
    { name: `hadrill-doctor-${randomBytes(3).toString('hex')}`, image: tag, cmd: ['sh', '-c', script], env: {}, labels: hadrillLabels({ home: homeId(), run: 'doctor' }, 'doctor', 'none'), capAdd: ['NET_ADMIN'], networkMode: 'none' },
    60_000,
  );
  const netem = result.stdout.includes('netem=yes');
  const iptables = result.stdout.includes('iptables=yes');
  return {
    name: 'kernel',
    ok: iptables,
    detail: `netem ${netem ? 'available: link shapes use tc netem' : "not available: link shapes use hadrill's userspace WAN emulator (TUN in the router)"}; iptables in containers ${iptables ? 'works' : 'FAILS'}`,
    ...(iptables ? {} : { fix: 'the kernel needs iptables/nftables support for IDC isolation' }),
  };
}

async function fixEnvironment(runtime: DockerRuntime, emit: EventSink): Promise<void> {
  const reachable = await runtime.info().then(() => true, () => false);
  const needDocker = !reachable && !(await commandExists('dockerd'));
  const needDebootstrap = !(await commandExists('debootstrap'));
  if (needDocker || needDebootstrap) {
    if (process.getuid?.() !== 0) throw new HadrillError('environment', 'Installing Docker and debootstrap needs root.', { hint: 'Run `sudo hadrill doctor --fix`, or install docker.io and debootstrap yourself.' });
    if (!(await commandExists('apt-get'))) throw new HadrillError('environment', 'This host has no apt-get: `doctor --fix` only installs on Debian-like hosts.', { hint: 'Install Docker and debootstrap with your package manager.' });
    const packages = [...(needDocker ? ['docker.io'] : []), ...(needDebootstrap ? ['debootstrap'] : [])];
    emit({ type: 'info', text: `Installing ${packages.join(', ')} with apt-get` });
    await apt(['update', '-q']);
    await apt(['install', '-y', '-q', '--no-install-recommends', ...packages, ...(needDocker ? ['iptables'] : [])]);
  }
  if (!reachable) {
    const socket = '/var/run/docker.sock';
    emit({ type: 'info', text: 'Starting dockerd (log: /var/log/hadrill-dockerd.log)' });
    if (!existsSync(socket) || !(await runtime.info().then(() => true, () => false))) startDetached('dockerd', [], '/var/log/hadrill-dockerd.log');
    await waitFor('dockerd to answer', async () => ((await runtime.info()) ? true : undefined), { timeoutMs: 60_000, intervalMs: 500, hint: 'See /var/log/hadrill-dockerd.log.' });
  }
  const tag = imageTag();
  if (!(await runtime.imageExists(tag))) {
    emit({ type: 'info', text: `Building ${tag} from Debian packages (about two minutes)` });
    await buildBaseImage({ importer: new DockerImageImporter(runtime.docker), onProgress: (msg) => emit({ type: 'info', text: msg }) });
  }
}

async function apt(args: string[]): Promise<void> {
  const result = await runProcess('apt-get', args, { timeoutMs: 900_000, env: { DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.exitCode !== 0) throw new HadrillError('environment', `apt-get ${args.join(' ')} failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
}
