// Files put into a container before it starts: secrets and configs. Passwords
// travel this way only, never in a container's environment or command line,
// which `docker inspect`, `ps` on the host and Compose files show to anyone.

/** Where a container's secrets and configs are put. */
export const SECRETS_DIR = '/etc/hadrill';

export interface ContainerFile {
  path: string;
  content: string;
  mode: number;
}

/**
 * Root-only in hadrill's image, whose processes run as root; readable inside
 * the container for official images, whose servers drop to their own user
 * before they read it. Either way the file never leaves the container.
 */
export function secretFile(name: string, content: string, ownImage: boolean): ContainerFile {
  return { path: `${SECRETS_DIR}/${name}`, content, mode: ownImage ? 0o600 : 0o644 };
}

/** A program of hadrill's own (agent, manager, ...) started with its config file. */
export function programConfig(name: string, config: unknown): { env: Record<string, string>; files: ContainerFile[] } {
  return { env: { HADRILL_CONFIG_FILE: `${SECRETS_DIR}/${name}` }, files: [secretFile(name, JSON.stringify(config), true)] };
}
