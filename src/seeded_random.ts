// A seeded generator (Marsaglia's xorshift32): benchmarks, tests and the
// concealment measurement play the very same network and losses on every run,
// so their figures are comparable and repeatable.

/** A repeatable uniform generator in [0, 1). */
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
