// Lateness episodes and the target that covers them. A packet later than the
// delay estimate's body (its quantile) makes a listener hear something: a
// stall, a merge, a catch-up stretch, whatever its lateness. So the engine
// remembers recent lateness episodes (runs of consecutive late packets, each
// one event however many packets it holds) with their heights (relative
// delay above the fastest packet), and chooses the target T at or above the
// body that minimises an explicit cost over them:
//
//   cost(T) = T + Σ over episodes above T of (episodeCostMs + (height − T) / 30), per minute
//
// where rates are per minute over the window (an episode in a new stream's
// first seconds, before the window filled, counts as one per the time
// observed until then: see MIN_RATE_SPAN_MS), an episode is priced at
// `episodeCostMs` of added latency per episode a minute, and the audio it
// would conceal at METRICS.md's exchange rate (1 % concealed = 20 ms of
// latency, i.e. 1 ms concealed per minute = 1/30 ms). Recurring small
// lateness is cheap to cover and costly to conceal again and again, so the
// target rises to it; rare large spikes are costly to cover and are waited
// out once each instead.

/** Lateness episodes remembered: a minute of one every second or so. */
const SLOTS: i32 = 64;
/** The answer is recomputed when the base moved this much (the histogram's resolution below 32 ms). */
const BASE_STEP_MS: f64 = 0.25;
/** A baseline rise beyond 10 ms is the path changing, not the estimate's wander (its 500 ms buckets' minima move by a few ms). */
const BASELINE_STEP_MS: f64 = 10;
/** METRICS.md's exchange rate, per minute: concealing 1 ms a minute (1/600 %) costs 1/30 ms. */
const CONCEALED_MS_PER_COST_MS: f64 = 30;
/**
 * An episode counts as one per the window, or, when it came before the
 * stream had filled the window, as one per the time observed until it (but at
 * least 5 s): one episode 3 s into a call is a rate of one per 5 s, not of one
 * per 20 s (which left a jittery path's first episodes uncovered while the
 * window filled), nor of dozens a minute. Its weight is fixed when it starts,
 * so that the cover changes only as episodes come and go, never because the
 * stream grew older.
 */
const MIN_RATE_SPAN_MS: f64 = 5000;

/** Recent lateness episodes and the cover they call for. All times and heights in ms. */
export class LatenessCover {
  private readonly height: StaticArray<f64> = new StaticArray<f64>(SLOTS);
  /** The baseline each episode's height was measured above, ms. */
  private readonly baseline: StaticArray<f64> = new StaticArray<f64>(SLOTS);
  private readonly time: StaticArray<f64> = new StaticArray<f64>(SLOTS);
  /** How long the stream had been observed when each episode started, ms (its rate weight: MIN_RATE_SPAN_MS). */
  private readonly observed: StaticArray<f64> = new StaticArray<f64>(SLOTS);
  /** The episodes in the window, highest first, and their weights (episodes per minute each stands for). */
  private readonly sorted: StaticArray<f64> = new StaticArray<f64>(SLOTS);
  private readonly sortedWeight: StaticArray<f64> = new StaticArray<f64>(SLOTS);
  private next: i32 = 0;
  private count: i32 = 0;
  /** Slot of the episode still running (its height grows with each late packet), or −1. */
  private running: i32 = -1;
  private cached: f64 = 0;
  private dirty: bool = true;
  /**
   * What the last computation saw: the episodes inside the window, the base,
   * the baseline, and the profile's window and episode price (a profile
   * switch changes them); any of them changing changes the answer.
   */
  private lastInWindow: i32 = -1;
  private lastBase: f64 = -1;
  private lastBaseline: f64 = -Infinity;
  private lastWindowMs: f64 = -1;
  private lastEpisodeCostMs: f64 = -1;
  /** No slot's time is later than this (the slots start at 0, or −∞ after reset): past the window, none is in it. */
  private latestMs: f64 = 0;
  /** When the stream's first packet was observed, ms (NaN: none yet). */
  private startMs: f64 = NaN;

  /** Forgets every episode (new stream). */
  reset(): void {
    for (let i = 0; i < SLOTS; i++) {
      unchecked((this.height[i] = 0));
      unchecked((this.baseline[i] = 0));
      unchecked((this.time[i] = -Infinity));
      unchecked((this.observed[i] = 0));
    }
    this.next = 0;
    this.count = 0;
    this.running = -1;
    this.cached = 0;
    this.dirty = true;
    this.lastInWindow = -1;
    this.lastBase = -1;
    this.lastBaseline = -Infinity;
    this.lastWindowMs = -1;
    this.lastEpisodeCostMs = -1;
    this.latestMs = -Infinity;
    this.startMs = NaN;
  }

  /**
   * Records one packet of relative delay `relativeMs` (above a baseline of
   * `baselineMs`) at `nowMs`: late when it exceeds `bodyMs`. Consecutive late
   * packets are one episode whose height is the highest of them. Each height
   * keeps the baseline it was measured above, so that a baseline that moves
   * later (the path got slower for good) lowers it with it.
   */
  observe(nowMs: f64, relativeMs: f64, bodyMs: f64, baselineMs: f64): void {
    if (isNaN(this.startMs)) this.startMs = nowMs;
    if (relativeMs <= bodyMs) {
      this.running = -1;
      return;
    }
    if (this.running >= 0) {
      if (relativeMs > unchecked(this.height[this.running])) {
        unchecked((this.height[this.running] = relativeMs));
        unchecked((this.baseline[this.running] = baselineMs));
        this.dirty = true;
      }
      return;
    }
    const slot = this.next;
    unchecked((this.height[slot] = relativeMs));
    unchecked((this.baseline[slot] = baselineMs));
    unchecked((this.time[slot] = nowMs));
    unchecked((this.observed[slot] = nowMs - this.startMs));
    this.latestMs = Math.max(this.latestMs, nowMs);
    this.next = (slot + 1) % SLOTS;
    if (this.count < SLOTS) this.count++;
    this.running = slot;
    this.dirty = true;
  }

  /**
   * The delay estimate lateness calls for, ms: the T ≥ `baseMs` (the body)
   * minimising the cost above over the episodes of the last `windowMs` before
   * `nowMs`, each counted at its height, lowered by as much as the baseline
   * (`baselineMs`) rose since. The caller adds what every packet needs on top
   * (DelayTarget: one pull), to the body and the heights alike.
   */
  coverMs(nowMs: f64, windowMs: f64, episodeCostMs: f64, baseMs: f64, baselineMs: f64): f64 {
    let n = 0;
    // On a calm path no episode is recent: the scan (every insert) would find none.
    const anyInWindow = nowMs - this.latestMs <= windowMs;
    for (let i = 0; anyInWindow && i < SLOTS; i++) {
      // A baseline risen since by more than BASELINE_STEP_MS (the path got slower) lowers the height by as much;
      // smaller wander, or a fall (a faster packet), leaves it.
      const rise = baselineMs - unchecked(this.baseline[i]);
      const h = unchecked(this.height[i]) - (rise > BASELINE_STEP_MS ? rise : 0);
      if (nowMs - unchecked(this.time[i]) <= windowMs && h > baseMs) {
        unchecked((this.sorted[n] = h));
        unchecked((this.sortedWeight[n] = 60000 / Math.min(windowMs, Math.max(MIN_RATE_SPAN_MS, unchecked(this.observed[i])))));
        n++;
      }
    }
    const sameProfile = windowMs == this.lastWindowMs && episodeCostMs == this.lastEpisodeCostMs;
    if (!this.dirty && sameProfile && n == this.lastInWindow && Math.abs(baseMs - this.lastBase) < BASE_STEP_MS && Math.abs(baselineMs - this.lastBaseline) < BASE_STEP_MS) return this.cached;
    this.lastInWindow = n;
    this.lastBase = baseMs;
    this.lastBaseline = baselineMs;
    this.lastWindowMs = windowMs;
    this.lastEpisodeCostMs = episodeCostMs;
    this.dirty = false;
    // Highest first, each with its weight (insertion sort: n ≤ 64, and mostly sorted already).
    for (let i = 1; i < n; i++) {
      const v = unchecked(this.sorted[i]);
      const w = unchecked(this.sortedWeight[i]);
      let j = i - 1;
      while (j >= 0 && unchecked(this.sorted[j]) < v) {
        unchecked((this.sorted[j + 1] = this.sorted[j]));
        unchecked((this.sortedWeight[j + 1] = this.sortedWeight[j]));
        j--;
      }
      unchecked((this.sorted[j + 1] = v));
      unchecked((this.sortedWeight[j + 1] = w));
    }
    // With w_i episode i's rate a minute: T = base conceals every episode,
    // base + Σ w_i (P + (h_i − base) / 30). T at the j-th highest height h_j
    // leaves the j above it uncovered, each concealing h_i − h_j:
    // h_j + P·Σ_{i<j} w_i + (Σ_{i<j} w_i h_i − h_j Σ_{i<j} w_i) / 30.
    let rate: f64 = 0;
    let weighted: f64 = 0;
    for (let i = 0; i < n; i++) {
      rate += unchecked(this.sortedWeight[i]);
      weighted += unchecked(this.sortedWeight[i]) * unchecked(this.sorted[i]);
    }
    let best = baseMs;
    let bestCost = baseMs + rate * episodeCostMs + (weighted - rate * baseMs) / CONCEALED_MS_PER_COST_MS;
    let rateAbove: f64 = 0;
    let weightedAbove: f64 = 0;
    for (let j = 0; j < n; j++) {
      const h = unchecked(this.sorted[j]);
      const cost = h + rateAbove * episodeCostMs + (weightedAbove - rateAbove * h) / CONCEALED_MS_PER_COST_MS;
      if (cost < bestCost) {
        bestCost = cost;
        best = h;
      }
      rateAbove += unchecked(this.sortedWeight[j]);
      weightedAbove += unchecked(this.sortedWeight[j]) * h;
    }
    this.cached = best;
    return best;
  }
}
