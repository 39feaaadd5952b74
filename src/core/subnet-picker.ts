// Chooses the 10.X.0.0/16 block a run's IDC subnets come from: the same block
// for the same run name every time, moving on only past blocks in use.

const FIRST_BLOCK = 160;
const BLOCK_COUNT = 80;

export function pickSubnetBlock(run: string, usedCidrs: string[]): number | null {
  const start = hash(run) % BLOCK_COUNT;
  for (let i = 0; i < BLOCK_COUNT; i++) {
    const block = FIRST_BLOCK + ((start + i) % BLOCK_COUNT);
    if (!usedCidrs.some((cidr) => overlaps(cidr, `10.${block}.0.0/16`))) return block;
  }
  return null;
}

export function overlaps(a: string, b: string): boolean {
  const ra = range(a);
  const rb = range(b);
  if (!ra || !rb) return false;
  return ra[0] <= rb[1] && rb[0] <= ra[1];
}

function range(cidr: string): [number, number] | null {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(cidr.trim());
  if (!match) return null;
  const ip = match.slice(1, 5).reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const bits = Number(match[5] ?? 32);
  const size = 2 ** (32 - bits);
  const start = Math.floor(ip / size) * size;
  return [start, start + size - 1];
}

function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}
