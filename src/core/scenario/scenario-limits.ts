// The bounds hostile or broken scenario files meet before any work is done on
// them: their size, and how many problems are worth listing.

/** 1 MiB: the shipped scenarios are 2 KB; a file this size is a mistake or an attack. */
export const SCENARIO_MAX_BYTES = 1024 * 1024;

/** Problems listed in one error; the rest are counted. */
export const MAX_PROBLEMS_SHOWN = 20;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function sizeProblem(bytes: number): string | null {
  return bytes > SCENARIO_MAX_BYTES
    ? `the file is ${formatBytes(bytes)}; hadrill reads scenario files of at most ${formatBytes(SCENARIO_MAX_BYTES)} (the shipped ones are about 2 KB)`
    : null;
}
