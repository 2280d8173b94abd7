// Period search by normalised cross-correlation, shared by time-stretching and
// concealment. The coarse search runs on a 4:1 decimated copy (12 kHz at a 48 kHz
// output, plenty for voice pitch), then refines at full rate around the winner.

/** Decimation of the coarse search: 48 kHz → 12 kHz keeps pitch up to 1.5 kHz. */
const DECIMATION: i32 = 4;
/** Full-rate refinement covers the coarse step on either side. */
const REFINE_RADIUS: i32 = 4;

/** What a period search found; the caller owns one and passes it in, so a search allocates nothing. */
export class PeriodMatch {
  /** The best lag, in samples at the full rate. */
  lag: i32 = 0;
  /** Normalised correlation (−1..1) at `lag`. */
  correlation: f32 = 0;
}

/** Normalised correlation of a[0..n) and b[0..n); 0 when either is silent. */
export function normalizedCorrelation(a: usize, b: usize, n: i32): f32 {
  let ab: f32 = 0;
  let aa: f32 = 0;
  let bb: f32 = 0;
  for (let i = 0; i < n; i++) {
    const x = load<f32>(a + (<usize>i << 2));
    const y = load<f32>(b + (<usize>i << 2));
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  const denom = Mathf.sqrt(aa * bb);
  return denom > 1e-12 ? ab / denom : 0;
}

/** Mean of each group of 4 samples of src[0..n) into dst; returns the decimated length. */
export function decimate4(src: usize, n: i32, dst: usize): i32 {
  const m = n / DECIMATION;
  for (let i = 0; i < m; i++) {
    const p = src + (<usize>(i * DECIMATION) << 2);
    const sum = load<f32>(p) + load<f32>(p, 4) + load<f32>(p, 8) + load<f32>(p, 12);
    store<f32>(dst + (<usize>i << 2), sum * 0.25);
  }
  return m;
}

/**
 * Finds the lag τ in [minLag, maxLag] whose segment pair x[a(τ)..a(τ)+τ) and
 * x[a(τ)+τ..a(τ)+2τ) correlates best, where a(τ) = anchor − `segmentsBefore`·τ:
 * segmentsBefore 0 compares the two periods after the anchor (accelerate),
 * 1 the period before with the period after (expand at the anchor), and 2 the
 * two periods before it (concealment). The caller guarantees the samples exist.
 * `scratch` holds at least (2·maxLag)/4 + 4 floats. The result goes to `found`
 * (minLag with correlation 0 when the range is empty).
 */
export function searchPeriod(anchor: usize, segmentsBefore: i32, minLag: i32, maxLag: i32, scratch: usize, found: PeriodMatch): void {
  found.lag = minLag;
  found.correlation = 0;
  if (maxLag < minLag) return;
  // Coarse search on the decimated span that covers every candidate pair.
  const spanStart = anchor - (<usize>(segmentsBefore * maxLag) << 2);
  const spanLength = 2 * maxLag;
  decimate4(spanStart, spanLength, scratch);
  const anchorD = (segmentsBefore * maxLag) / DECIMATION;
  const minD = max(2, (minLag + DECIMATION - 1) / DECIMATION);
  const maxD = maxLag / DECIMATION;
  let bestD = minD;
  let bestC: f32 = -2;
  for (let lag = minD; lag <= maxD; lag++) {
    const a = scratch + (<usize>(anchorD - segmentsBefore * lag) << 2);
    const c = normalizedCorrelation(a, a + (<usize>lag << 2), lag);
    if (c > bestC) {
      bestC = c;
      bestD = lag;
    }
  }
  // Refinement at the full rate.
  const from = max(minLag, bestD * DECIMATION - REFINE_RADIUS);
  const to = min(maxLag, bestD * DECIMATION + REFINE_RADIUS);
  let bestLag = from;
  let best: f32 = -2;
  for (let lag = from; lag <= to; lag++) {
    const a = anchor - (<usize>(segmentsBefore * lag) << 2);
    const c = normalizedCorrelation(a, a + (<usize>lag << 2), lag);
    if (c > best) {
      best = c;
      bestLag = lag;
    }
  }
  found.lag = bestLag;
  found.correlation = best;
}

/** Root-mean-square level of x[0..n); 0 for n ≤ 0. */
export function rms(x: usize, n: i32): f32 {
  if (n <= 0) return 0;
  let sum: f32 = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    sum += v * v;
  }
  return Mathf.sqrt(sum / <f32>n);
}

/** Blocks the quiet-run scans measure: 2.5 ms, short enough to end a run at the first syllable. */
const QUIET_BLOCK: i32 = 120;

/**
 * Length of the quiet run that starts at x[0] (direction 1) or ends just
 * before x[0] (direction −1), in whole 2.5 ms blocks, looking at most `limit`
 * samples far: the longest run whose RMS stays below `threshold`, none of
 * whose blocks reaches four times it (12 dB: a syllable's onset ends a run).
 */
export function quietRun(x: usize, direction: i32, limit: i32, threshold: f32): i32 {
  let run = 0;
  let quiet = 0;
  let energy: f32 = 0;
  while (run + QUIET_BLOCK <= limit) {
    const block = direction > 0 ? x + (<usize>run << 2) : x - (<usize>(run + QUIET_BLOCK) << 2);
    const level = rms(block, QUIET_BLOCK);
    if (level >= 4 * threshold) break;
    energy += level * level * <f32>QUIET_BLOCK;
    run += QUIET_BLOCK;
    if (energy < threshold * threshold * <f32>run) quiet = run;
  }
  return quiet;
}
