// What the scenario parser knows of a datastore kind: its node roles, the
// failover machinery it accepts, its own settings in a group, and whether
// its nodes all take writes. Each kind's descriptor (src/datastores/<kind>/)
// provides one; the CLI hands the catalog to the parser, so core names no kind.
import type { Checks, Path, Raw } from './parse-support.js';
import type { Authority, Failover, Group, NodeRole } from './scenario.js';

/** A kind's own settings, as its parser read them from the group (opaque to everything outside the kind). */
export type KindSettings = Readonly<Record<string, unknown>>;

export interface KindModel {
  /** The value of a group's `kind:`. */
  readonly name: string;
  /** The role of its writer (every node's role in a multi-writer group), and every role its nodes may take. */
  readonly writerRole: NodeRole;
  readonly roles: readonly NodeRole[];
  /** The failover machinery it accepts; `defaultFailover` when the group names none. */
  readonly failovers: readonly Failover['kind'][];
  defaultFailover(settings: KindSettings): Failover['kind'];
  /** Its own settings from the group's section (a MySQL group's replication, say), problems reported at their place. */
  settings(raw: Raw, image: string, at: (...sub: (string | number)[]) => Path, c: Checks): KindSettings;
  /**
   * Whose final state the group's writes are judged against: one writer,
   * every writable node together (converged), or each node for its own shard.
   */
  authority(settings: KindSettings): Authority;
  /**
   * Whether a client can find the writer by asking each node whether it
   * takes writes (MySQL's read_only), as a proxy's health check or a
   * multi-host connector does: the proxy and writable routes need it.
   */
  findsWritableNode(settings: KindSettings): boolean;
  /**
   * Why the group's machinery cannot move its writer on purpose (a planned
   * switchover, to `to` or a node of its own choice), or null when it can.
   */
  switchover(group: Group, to: string | null): string | null;
  /** Why the kind takes no cold backup, or null when it can. */
  readonly noColdBackup: string | null;
  /** Kind-specific checks of the whole group (node counts, images), reported at their place. */
  checkGroup(group: Group, at: (...sub: (string | number)[]) => Path, c: Checks): void;
  /** The nodes whose replication the replication-stop fault can stop (empty when the kind has none to stop). */
  stoppableReplicas(group: Group): string[];
  /**
   * A top-level section that stands for one group of this kind (`mysql:` and
   * `redis:` in older scenarios): the group it expands to, and where its
   * failover settings are written.
   */
  readonly shorthand?: { section: string; failoverPath: Path; expand(raw: Raw): Raw };
  /** JSON Schema properties its settings add to a group, for the shipped schema and for validation. */
  readonly schemaProperties: Readonly<Record<string, unknown>>;
}

/** Every kind this hadrill knows, by name. */
export type KindCatalog = ReadonlyMap<string, KindModel>;

export function kindOf(catalog: KindCatalog, name: string): KindModel {
  const model = catalog.get(name);
  if (!model) throw new Error(`no datastore kind "${name}" is registered; known: ${[...catalog.keys()].join(', ')}`);
  return model;
}
