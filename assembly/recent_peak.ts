// The slowest transit over a short window (arrival.ts: RECENT_PEAK_MS): what
// the packets that just arrived needed. A buffer drained below it conceals again as soon as the next
// packet is as late as these were (a delay that stepped up, a queue that is
// still there), so acceleration stops at it (delay_target.ts). NetEq bounds its
// acceleration the same way, by the largest delay of its recent arrivals.

/**
 * Sub-windows of the peak: the window's maximum is the largest of theirs, at
 * the cost of a constant scan instead of a per-packet deque.
 */
const BUCKETS: i32 = 8;

function slotOf(bucket: i64): i32 {
  return <i32>(((bucket % <i64>BUCKETS) + <i64>BUCKETS) % <i64>BUCKETS);
}

/** Largest transit (frames) over a sliding window on the arrival clock. */
export class RecentPeak {
  private readonly peak: StaticArray<f64> = new StaticArray<f64>(BUCKETS);
  /** Index (arrival frame ÷ bucket width) of the bucket last written, or −1. */
  private current: i64 = -1;
  private readonly bucketFrames: f64;

  /** A window of `windowFrames`, kept as BUCKETS sub-windows. */
  constructor(windowFrames: f64) {
    this.bucketFrames = windowFrames / <f64>BUCKETS;
    this.reset();
  }

  reset(): void {
    for (let i = 0; i < BUCKETS; i++) unchecked((this.peak[i] = -Infinity));
    this.current = -1;
  }

  /** Records `transit` (frames) of a packet that arrived at `arrivalFrame`. */
  observe(arrivalFrame: f64, transit: f64): void {
    const bucket = <i64>Math.floor(arrivalFrame / this.bucketFrames);
    if (this.current - bucket >= <i64>BUCKETS) return; // older than the window
    this.advance(bucket);
    const slot = slotOf(bucket);
    if (transit > unchecked(this.peak[slot])) unchecked((this.peak[slot] = transit));
  }

  /** The largest transit recorded over the window that ends at `nowFrame` (−∞: none). */
  maxAt(nowFrame: f64): f64 {
    const bucket = <i64>Math.floor(nowFrame / this.bucketFrames);
    let max = -Infinity;
    if (this.current < 0) return max;
    // Bucket current − k sits in slot (current − k) mod BUCKETS; those within BUCKETS of `bucket` are in the window.
    for (let k: i64 = 0; k < <i64>BUCKETS; k++) {
      if (bucket - (this.current - k) < <i64>BUCKETS) max = Math.max(max, unchecked(this.peak[slotOf(this.current - k)]));
    }
    return max;
  }

  /** Empties the buckets the window slid past since the last packet. */
  private advance(bucket: i64): void {
    if (bucket <= this.current) return;
    const steps = this.current < 0 ? <i64>BUCKETS : bucket - this.current;
    const clear = steps > <i64>BUCKETS ? BUCKETS : <i32>steps;
    for (let i = 0; i < clear; i++) unchecked((this.peak[slotOf(bucket - <i64>i)] = -Infinity));
    this.current = bucket;
  }
}
