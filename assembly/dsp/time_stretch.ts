// WSOLA-style time-stretching by one lag τ (a pitch period, or any length in
// low-energy audio). Both operations cross-fade two stretches of signal that
// the caller found similar, so the waveform stays continuous at every seam.

/**
 * Accelerate: replaces x[0..2τ) by one τ-long cross-fade of x[0..τ) into
 * x[τ..2τ), in place, and closes the gap. x[0..n) must hold n ≥ 2τ samples.
 * Returns the new length n − τ.
 */
export function accelerateInPlace(x: usize, n: i32, tau: i32): i32 {
  const step: f32 = 1 / <f32>(tau + 1);
  for (let i = 0; i < tau; i++) {
    const fadeIn = <f32>(i + 1) * step;
    const p = x + (<usize>i << 2);
    const q = x + (<usize>(i + tau) << 2);
    store<f32>(p, load<f32>(p) * (1 - fadeIn) + load<f32>(q) * fadeIn);
  }
  memory.copy(x + (<usize>tau << 2), x + (<usize>(2 * tau) << 2), <usize>(n - 2 * tau) << 2);
  return n - tau;
}

/**
 * Preemptive expand at x: inserts τ samples before x[0] that cross-fade from
 * x[0..τ) (continuing what precedes x) into x[−τ..0) (which x[0] follows), so
 * both seams are continuous. Reads x[−τ..τ); x[0..n) moves to x[τ..n+τ).
 * Returns the new length n + τ. n ≥ τ.
 */
export function expandInPlace(x: usize, n: i32, tau: i32): i32 {
  memory.copy(x + (<usize>tau << 2), x, <usize>n << 2);
  const step: f32 = 1 / <f32>(tau + 1);
  for (let i = 0; i < tau; i++) {
    const fadeIn = <f32>(i + 1) * step;
    const after = load<f32>(x + (<usize>(tau + i) << 2)); // original x[i]
    const before = load<f32>(x - (<usize>(tau - i) << 2)); // x[i − τ]
    store<f32>(x + (<usize>i << 2), after * (1 - fadeIn) + before * fadeIn);
  }
  return n + tau;
}

/**
 * Removal from quiet audio (a pause, background noise): any `remove` samples
 * may go, since no pitch can be broken, so a short `fade` replaces the
 * period-long cross-fade: x[0..fade) cross-fades into x[remove..remove+fade),
 * and x[remove+fade..n) closes up behind it. n ≥ remove + fade. Returns n − remove.
 */
export function removeQuietInPlace(x: usize, n: i32, remove: i32, fade: i32): i32 {
  const step: f32 = 1 / <f32>(fade + 1);
  for (let i = 0; i < fade; i++) {
    const fadeIn = <f32>(i + 1) * step;
    const p = x + (<usize>i << 2);
    store<f32>(p, load<f32>(p) * (1 - fadeIn) + load<f32>(p + (<usize>remove << 2)) * fadeIn);
  }
  memory.copy(x + (<usize>fade << 2), x + (<usize>(remove + fade) << 2), <usize>(n - remove - fade) << 2);
  return n - remove;
}

/**
 * Extension of quiet audio at x: inserts `insert` samples before x[0] that
 * repeat the last `insert` samples before it, x[−insert..0); the repetition
 * starts with a `fade`-long cross-fade from x[0..fade) (what would have
 * played), and ends where x[0] follows x[−1] anyway. Reads x[−insert..fade);
 * x[0..n) moves to x[insert..n+insert). n ≥ fade, insert ≥ fade. Returns n + insert.
 */
export function insertQuietInPlace(x: usize, n: i32, insert: i32, fade: i32): i32 {
  memory.copy(x + (<usize>insert << 2), x, <usize>n << 2);
  memory.copy(x, x - (<usize>insert << 2), <usize>insert << 2);
  const step: f32 = 1 / <f32>(fade + 1);
  for (let i = 0; i < fade; i++) {
    const fadeIn = <f32>(i + 1) * step;
    const p = x + (<usize>i << 2);
    const original = load<f32>(x + (<usize>(insert + i) << 2)); // the x[i] that would have played
    store<f32>(p, original * (1 - fadeIn) + load<f32>(p) * fadeIn);
  }
  return n + insert;
}
