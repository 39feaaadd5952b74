// What a benchmark section is: a named job that measures something and
// returns its figures as rows, each beside its baseline and, when it has one,
// its goal. bench/main.ts runs the sections (`npm run bench`, `--only NAME,...`)
// and writes their rows into bench/RESULTS.md. To add one, export a
// BenchSection from a module and list it in main.ts's SECTIONS.

export interface BenchRow {
  /** What was measured, in words a reader of RESULTS.md follows without the code. */
  figure: string;
  /** The measured value with its unit, e.g. "1.42 s", "612 MB". */
  measured: string;
  /** What it stands beside, with its value: the same job done the naive way, or the same measure before a change (then say which commit, measured where). */
  baseline: string;
  /** The goal in words, e.g. "under 2 s"; empty when the figure has none. */
  goal: string;
  /** Whether the goal is met; null when there is none. */
  met: boolean | null;
  /** Why a goal is not met (say it then, with the measured number), or a short note. */
  note?: string;
}

export interface SectionContext {
  /** A line of progress or detail, printed as the section goes. */
  log(line: string): void;
}

export interface BenchSection {
  /** What `--only` selects it by: one word. */
  name: string;
  /** Its heading in RESULTS.md. */
  title: string;
  /** It needs a Docker engine: left out of a plain `npm run bench`, run by `--only` or `--all`. */
  docker?: boolean;
  run(context: SectionContext): Promise<BenchRow[]>;
}
