import type { Command } from 'commander';
import { phase } from '../../core/engine-events.js';
import { buildBaseImage } from '../../images/build-image.js';
import { imageTag } from '../../images/image-spec.js';
import { DockerImageImporter } from '../../runtime/docker-images.js';
import type { ContextFactory } from './index.js';

export function registerImages(program: Command, ctx: ContextFactory): void {
  const images = program.command('images').description("hadrill's container image (MariaDB, Redis, Sentinel, Galera, Node.js, iproute2, iptables)");
  images
    .command('build')
    .description('build the image from Debian packages (debootstrap + docker import); skipped when the same content is already built')
    .option('--force', 'rebuild even if the image exists')
    .action(async (opts: { force?: boolean }) => {
      const c = ctx();
      const result = await phase(
        c.output.events,
        'image',
        `Building ${imageTag()} from Debian packages (about two minutes the first time)`,
        () => buildBaseImage({ importer: new DockerImageImporter(c.runtime.docker), force: Boolean(opts.force), onProgress: (msg) => c.output.events({ type: 'info', text: msg }) }),
        (r) => (r.built ? `Built ${r.tag}` : `${r.tag} is already built`),
      );
      if (c.output.json) return c.output.printJson(result);
      c.output.print(`${result.tag} ${result.built ? `built in ${result.seconds} s` : 'already present'}`);
    });
  images
    .command('tag')
    .description('print the tag the current image content has')
    .action(() => ctx().output.print(imageTag()));
}
