// A seeded pseudo-random generator for generated test cases and the bench:
// a Weyl sequence through a 32-bit avalanche mix, tiny, fast, and good
// enough to spread cases; the same seed always gives the same sequence.
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}
