// Docker side of the base image build: existence checks and rootfs import
// through the Engine API (POST /images/create?fromSrc=-).
import type Docker from 'dockerode';
import { dockerode } from '../client-libraries.js';
import type { ImageImporter } from '../images/build-image.js';

export class DockerImageImporter implements ImageImporter {
  private readonly docker: Docker;

  constructor(docker: Docker = new (dockerode())()) {
    this.docker = docker;
  }

  async imageExists(tag: string): Promise<boolean> {
    try {
      await this.docker.getImage(tag).inspect();
      return true;
    } catch (error) {
      if (statusCode(error) === 404) return false;
      throw new Error(`Docker could not inspect image ${tag}: ${message(error)}`, { cause: error });
    }
  }

  async importRootfsTar(tar: NodeJS.ReadableStream, tag: string, changes: string[]): Promise<void> {
    const { repo, tagName } = splitTag(tag);
    // The engine answers with a JSON progress stream and reports a failed
    // import inside it (HTTP status is already 200 by then), so the stream
    // has to be read to the end and checked line by line.
    const response = await this.docker.importImage(tar, { repo, tag: tagName, changes });
    await readProgress(response, tag);
    if (!(await this.imageExists(tag))) {
      throw new Error(`Docker reported the import of ${tag} as finished, but the image does not exist`);
    }
  }
}

function readProgress(stream: NodeJS.ReadableStream, tag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let failure: string | null = null;
    let settled = false;
    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve();
    };
    const consume = (line: string): void => {
      const text = line.trim();
      if (text === '' || failure !== null) return;
      let event: { error?: unknown; errorDetail?: { message?: unknown } };
      try {
        event = JSON.parse(text) as typeof event;
      } catch {
        return;
      }
      const detail = event.errorDetail?.message ?? event.error;
      if (detail !== undefined) failure = String(detail);
    };
    stream.on('data', (chunk: Buffer | string) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(consume);
    });
    stream.on('end', () => {
      consume(pending);
      finish(failure === null ? null : new Error(`Docker failed to import ${tag}: ${failure}`));
    });
    stream.on('error', (error: Error) => finish(new Error(`import of ${tag} was interrupted: ${error.message}`, { cause: error })));
    // A connection torn down mid-stream closes without 'end'.
    stream.on('close', () =>
      finish(failure === null ? new Error(`import of ${tag} was interrupted: connection closed`) : new Error(`Docker failed to import ${tag}: ${failure}`)),
    );
  });
}

function splitTag(tag: string): { repo: string; tagName: string } {
  const colon = tag.lastIndexOf(':');
  if (colon > tag.lastIndexOf('/')) return { repo: tag.slice(0, colon), tagName: tag.slice(colon + 1) };
  return { repo: tag, tagName: 'latest' };
}

function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
