// Loss percentages and bandwidths as people write them: "5%", 0.5, "1mbit",
// "512kbit", "10gbit" (bits per second, like tc).

const RATE = /^(\d+(?:\.\d+)?)\s*(kbit|mbit|gbit)$/i;
const RATE_KBIT: Record<string, number> = { kbit: 1, mbit: 1000, gbit: 1_000_000 };

/** tc takes rates from 1 kbit/s; past 100 gbit/s a link is not shaped at all. */
const MAX_RATE_KBIT = 100_000_000;

export function parseRateKbit(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = RATE.exec(value.trim());
  const kbit = m ? Math.round(Number(m[1]) * (RATE_KBIT[(m[2] as string).toLowerCase()] as number)) : NaN;
  return kbit >= 1 && kbit <= MAX_RATE_KBIT ? kbit : null;
}

export function parsePercent(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim().replace(/%$/, '')) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : null;
}
