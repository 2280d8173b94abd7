// End-to-end delay from recorded audio: how long after the speech was sent
// does a player's output carry it. Both are RMS envelopes in 1 ms bins,
// recorded in one AudioContext (test/browser/pages/netem_recorder.js); the
// delay of each window of speech is the lag that maximises the normalised
// cross-correlation of the two envelopes, refined between bins by a parabola
// through the peak. An adaptive player's delay moves with its buffer, so the
// figure is the median over windows, with the spread.

/** The delay of a player against the sent speech. */
export interface EnvelopeDelay {
  /** Median over the windows that correlated, ms. */
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  /** Windows measured, and how many of them correlated (peak ≥ MIN_CORRELATION). */
  windows: number;
  matched: number;
  /** Median peak correlation of the matched windows. */
  correlation: number;
}

/** Options of envelopeDelay; the defaults are for speech. */
export interface EnvelopeDelayOptions {
  /** Envelope bin, ms (the recorder's: 1 ms). */
  binMs?: number;
  /** Window of sent speech correlated at a time, ms: 2 s holds a few words, so the peak is unambiguous. */
  windowMs?: number;
  /** Largest delay searched, ms: NetEq's delay on the LTE trace reaches past a second (its network delay alone averages 410 ms in the first 2 minutes). */
  maxLagMs?: number;
}

/** A window whose best lag correlates less than this is not counted (noise, concealment, a pause). */
const MIN_CORRELATION = 0.5;
/** A window of sent audio quieter than this (RMS of the envelope) is a pause: nothing to align. */
const MIN_WINDOW_RMS = 1e-3;

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Normalised correlation (means removed) of the window a[a0 .. a0+n) with
 * b[b0 .. b0+n) for every b0 from `from` to `to`: the window's own sums once,
 * b's running sums from prefix sums, so each lag costs one dot product.
 */
function correlations(a: Float32Array, a0: number, n: number, b: Float32Array, prefix: Float64Array, prefixSquares: Float64Array, from: number, to: number): Float64Array {
  let sumA = 0;
  let sumAA = 0;
  for (let i = 0; i < n; i++) {
    sumA += a[a0 + i];
    sumAA += a[a0 + i] * a[a0 + i];
  }
  const varA = sumAA - (sumA * sumA) / n;
  const out = new Float64Array(to - from + 1);
  for (let b0 = from; b0 <= to; b0++) {
    let sumAB = 0;
    for (let i = 0; i < n; i++) sumAB += a[a0 + i] * b[b0 + i];
    const sumB = prefix[b0 + n] - prefix[b0];
    const varB = prefixSquares[b0 + n] - prefixSquares[b0] - (sumB * sumB) / n;
    out[b0 - from] = varA > 0 && varB > 1e-12 ? (sumAB - (sumA * sumB) / n) / Math.sqrt(varA * varB) : 0;
  }
  return out;
}

/** The delay of `played` behind `sent` (envelopes of the same clock), or null when no window correlated. */
export function envelopeDelay(sent: Float32Array, played: Float32Array, options: EnvelopeDelayOptions = {}): EnvelopeDelay | null {
  const binMs = options.binMs ?? 1;
  const window = Math.round((options.windowMs ?? 2000) / binMs);
  const maxLag = Math.round((options.maxLagMs ?? 2000) / binMs);
  const delays: number[] = [];
  const peaks: number[] = [];
  let windows = 0;
  const prefix = new Float64Array(played.length + 1);
  const prefixSquares = new Float64Array(played.length + 1);
  for (let i = 0; i < played.length; i++) {
    prefix[i + 1] = prefix[i] + played[i];
    prefixSquares[i + 1] = prefixSquares[i] + played[i] * played[i];
  }
  for (let start = 0; start + window + maxLag + 1 <= Math.min(sent.length, played.length); start += window) {
    let energy = 0;
    for (let i = 0; i < window; i++) energy += sent[start + i] * sent[start + i];
    if (Math.sqrt(energy / window) < MIN_WINDOW_RMS) continue;
    windows++;
    const scores = correlations(sent, start, window, played, prefix, prefixSquares, start, start + maxLag);
    let best = 0;
    for (let lag = 1; lag <= maxLag; lag++) if (scores[lag] > scores[best]) best = lag;
    if (scores[best] < MIN_CORRELATION) continue;
    let offset = 0;
    if (best > 0 && best < maxLag) {
      const [l, c, r] = [scores[best - 1], scores[best], scores[best + 1]];
      const curvature = l - 2 * c + r;
      if (curvature < 0) offset = (0.5 * (l - r)) / curvature;
    }
    delays.push((best + offset) * binMs);
    peaks.push(scores[best]);
  }
  if (delays.length === 0) return null;
  delays.sort((a, b) => a - b);
  peaks.sort((a, b) => a - b);
  return {
    medianMs: percentile(delays, 0.5),
    p10Ms: percentile(delays, 0.1),
    p90Ms: percentile(delays, 0.9),
    windows,
    matched: delays.length,
    correlation: percentile(peaks, 0.5),
  };
}
