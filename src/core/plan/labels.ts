// The labels every resource hadrill creates carries: `down` finds resources by
// these, never by name, so it can neither miss its own nor touch anyone else's.

export const LABEL_MANAGED = 'dev.hadrill.managed';
export const LABEL_RUN = 'dev.hadrill.run';
export const LABEL_SCENARIO = 'dev.hadrill.scenario';
export const LABEL_IDC = 'dev.hadrill.idc';
export const LABEL_NODE = 'dev.hadrill.node';
export const LABEL_KIND = 'dev.hadrill.kind';

/** The pseudo-IDC of the router that stands for the WAN between IDCs. */
export const WAN = 'wan';

export function hadrillLabels(run: string, scenario: string, idc: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    [LABEL_MANAGED]: 'true',
    [LABEL_RUN]: run,
    [LABEL_SCENARIO]: scenario,
    [LABEL_IDC]: idc,
    ...extra,
  };
}
