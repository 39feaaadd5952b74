// Durations in scenarios read like people write them ("500ms", "5s", "1m");
// a bare number is milliseconds.

/**
 * No duration hadrill waits for is longer than a day: a longer one is a typo
 * or a hostile file, and timers past 2^31 ms fire at once rather than late.
 */
export const MAX_DURATION_MS = 24 * 3_600_000;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;

/** Parses a duration of at most MAX_DURATION_MS, or returns null when the text is not one. */
export function parseDuration(value: unknown): number | null {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? fromText(value) : NaN;
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_DURATION_MS ? ms : null;
}

function fromText(value: string): number {
  const match = DURATION.exec(value.trim());
  return match ? Math.round(Number(match[1]) * (UNITS[match[2] as string] as number)) : NaN;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
