// Merge: the cross-fade from concealment (or any synthetic continuation) back
// into real audio, so the seam has no step.

/** Cross-fades x[0..n) in place from `from[0..n)` (weight 1 at the start) to x (weight 1 at the end). */
export function crossfadeFrom(x: usize, from: usize, n: i32): void {
  const step: f32 = 1 / <f32>(n + 1);
  for (let i = 0; i < n; i++) {
    const w = <f32>(i + 1) * step;
    const p = x + (<usize>i << 2);
    store<f32>(p, load<f32>(p) * w + load<f32>(from + (<usize>i << 2)) * (1 - w));
  }
}
