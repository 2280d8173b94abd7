// A seeded generator (Marsaglia's xorshift32), so every run of a benchmark
// plays the very same network and the figures of two runs are comparable.

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}
