// A datastore kind, whole: everything hadrill knows of it, from the scenario
// to the report. Each kind exports one of these from its folder
// (src/datastores/<kind>/kind.ts) and registry.ts lists them; the planner,
// the engine, the image, the checker and the reports read kinds only
// through it, so a kind that lacks a piece does not compile. Its clients
// run inside the agent and are registered apart (clients-registry.ts), by
// the same names.
import type { ReportFamily } from '../core/report/report-family.js';
import type { GroupPlanner } from '../core/plan/group-planner.js';
import type { KindModel } from '../core/scenario/kind-model.js';
import type { Group } from '../core/scenario/scenario.js';
import type { GroupEngine } from './host/group-engine.js';

export interface DatastoreKind<Name extends string = string> {
  /** The scenario's `kind:`, and the container kind of the group's nodes. */
  readonly name: Name;
  /** What the scenario parser needs: roles, machinery accepted, the kind's own settings (pure). */
  readonly model: KindModel;
  /** Its groups' containers and how a client reaches them (run by the CLI, pure). */
  readonly planner: GroupPlanner;
  /** Its groups on a live topology: bring-up, writer, final read, convergence, milestones, status, faults (run on the host). */
  readonly engine: GroupEngine;
  /** How the reports show it. */
  readonly report: ReportFamily;
  /** The Debian packages hadrill's image needs for it. */
  readonly imagePackages: readonly string[];
  /** Whether the data access layer can home shards on such a group (it waits on the group's replication positions when it moves them). */
  holdsDalShards(group: Group): boolean;
}
