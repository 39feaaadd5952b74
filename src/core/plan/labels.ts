// The labels every resource hadrill creates carries: `down` finds resources by
// these, never by name, so it can neither miss its own nor touch anyone else's.
// The home label names the HADRILL_HOME that made a resource: two users (or
// two CI jobs) on one Docker engine each see only their own runs.

export const LABEL_MANAGED = 'dev.hadrill.managed';
export const LABEL_HOME = 'dev.hadrill.home';
export const LABEL_RUN = 'dev.hadrill.run';
export const LABEL_SCENARIO = 'dev.hadrill.scenario';
export const LABEL_IDC = 'dev.hadrill.idc';
export const LABEL_NODE = 'dev.hadrill.node';
export const LABEL_KIND = 'dev.hadrill.kind';
/** The datastore group a node or its machinery belongs to. */
export const LABEL_GROUP = 'dev.hadrill.group';

/** The pseudo-IDC of the router that stands for the WAN between IDCs. */
export const WAN = 'wan';

export interface Owner {
  /** The id kept in HADRILL_HOME. */
  home: string;
  run: string;
}

export function hadrillLabels(owner: Owner, scenario: string, idc: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...ownerLabels(owner),
    [LABEL_SCENARIO]: scenario,
    [LABEL_IDC]: idc,
    ...extra,
  };
}

/** What finds every resource of one run of one home, and nothing else. */
export function ownerLabels(owner: Owner): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_HOME]: owner.home, [LABEL_RUN]: owner.run };
}

/** What finds every resource of one home (`down --all`). */
export function homeLabels(home: string): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_HOME]: home };
}
