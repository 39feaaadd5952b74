// What every part of the scenario parser shares: the raw (schema-checked)
// document, paths into it, and the checks that report a problem at a path.
import { parseDuration } from '../duration.js';
import { nameProblem } from '../names.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the raw document is checked by the schema first */
export type Raw = any;
export type Path = (string | number)[];
export type Report = (segments: Path, message: string) => void;

export interface Checks {
  report: Report;
  /** The IDC must be one the scenario declares. */
  idc(segments: Path, idc: string): void;
  /** A link joins two known, different IDCs. */
  pair(segments: Path, pair: string[]): void;
  /** Reports every name that appears twice, at the path of its second appearance. */
  duplicates(names: readonly string[], at: (index: number) => Path, message: (name: string) => string): void;
  /** Names for entries without one (`sentinel-idc-a`, `app-idc-a-2`), held to the same rule as given names. */
  names(items: Raw[], prefix: string, where: Path): { name: string; idc: string }[];
}

export function checks(idcNames: readonly string[], report: Report): Checks {
  const idc = (segments: Path, name: string): void => {
    if (!idcNames.includes(name)) report(segments, `unknown IDC "${name}"; known: ${idcNames.join(', ')}`);
  };
  return {
    report,
    idc,
    pair(segments, pair) {
      pair.forEach((name, j) => idc([...segments, j], name));
      if (pair[0] === pair[1]) report(segments, `a link joins two different IDCs; both ends here are "${pair[0]}"`);
    },
    duplicates(names, at, message) {
      const seen = new Set<string>();
      names.forEach((name, i) => {
        if (seen.has(name)) report(at(i), message(name));
        seen.add(name);
      });
    },
    names(items, prefix, where) {
      const used = new Map<string, number>();
      return items.map((item: Raw, i: number) => {
        if (item.name) return { name: item.name, idc: item.idc };
        const base = `${prefix}-${item.idc}`;
        const count = (used.get(base) ?? 0) + 1;
        used.set(base, count);
        const name = count === 1 ? base : `${base}-${count}`;
        const problem = nameProblem(name);
        if (problem) report([...where, i], `the name made for it from its IDC, ${problem}; give it a shorter "name" of its own`);
        return { name, idc: item.idc };
      });
    },
  };
}

/** Durations were checked by the schema, so this cannot fail. */
export function ms(value: unknown): number {
  const parsed = parseDuration(value);
  if (parsed === null) throw new Error(`unvalidated duration ${String(value)}`);
  return parsed;
}
