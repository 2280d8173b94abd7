// Arrival tracking on the audio clock. Each packet's transit is its arrival
// frame minus its position on the sender's timeline; only differences of
// transits matter, so sender/receiver clock offset cancels, and measuring
// against the fastest packet of a sliding window absorbs clock drift.
//
// The baseline is the fastest transit of the last 10 s, but it may not fall
// more than BASELINE_FREE_FALL_MS below a slow follower of the fastest
// transit, which itself falls at most BASELINE_FALL_MS_PER_S: a sender that
// pushes audio ahead of real time (text-to-speech servers do) makes its
// packets look seconds "fast", and those early packets must wait in the
// buffer, not redefine the network.

/**
 * Window over which the fastest transit is taken: 10 s. Long enough that an
 * outage (a rising queue) does not drag the baseline up with it, short enough
 * that ±500 ppm of clock drift moves it by at most 5 ms.
 */
const MIN_WINDOW_BUCKETS: i32 = 20;
/** The long window the baseline's fall is measured against: 60 s. */
const LONG_WINDOW_BUCKETS: i32 = 120;
/** 500 ms buckets: the windows at 1/20 of the cost of a per-packet deque. */
const MIN_BUCKET_MS: f64 = 500;
/**
 * How fast the slow follower falls: 2 ms per second is four times the drift of
 * ±500 ppm clocks.
 */
const BASELINE_FALL_MS_PER_S: f64 = 2;
/**
 * How far the baseline may fall at once below the slow follower: a path gets
 * this much faster when a bloated queue drains or a first packet was held up;
 * packets earlier than that are a sender running ahead.
 */
const BASELINE_FREE_FALL_MS: f64 = 100;

import { LatenessCover } from './lateness';
import { RecentPeak } from './recent_peak';

/**
 * The recent peak's window (recent_peak.ts): 500 ms, longer than the body
 * takes to absorb a delay that stepped up (the 0.97 quantile moves once ~3 %
 * of the memory, 15 packets or 300 ms of 20 ms ones, is at the new level), so
 * that the buffer is not drained below what the path needs while the estimate
 * catches up. Measured on the shared traces and generated families: 0.5, 1
 * and 2 s remove the same concealment episodes (5 % of them in l4s); longer
 * windows add latency and stretches.
 */
const RECENT_PEAK_MS: f64 = 500;

/**
 * A packet this far above the delay estimate is part of a delay spike (a
 * handover, a radio stall, a route change), not jitter: 40 ms is beyond what
 * an access hop's scheduling adds (Wi-Fi and cellular grants stay within
 * it). Spikes are kept out of the histogram, so one spike does not hold the
 * target up for the histogram's whole memory.
 */
const SPIKE_ABOVE_MS: f64 = 40;


/** Histogram layout: 0.25 ms steps to 32 ms, 1 ms to 160 ms, 4 ms to 672 ms, 16 ms to 2720 ms. */
const HIST_BUCKETS: i32 = 512;

/** Lower edge, in ms, of histogram bucket b. */
function bucketLowMs(b: i32): f64 {
  if (b < 128) return <f64>b * 0.25;
  if (b < 256) return 32 + <f64>(b - 128);
  if (b < 384) return 160 + <f64>(b - 256) * 4;
  return 672 + <f64>(b - 384) * 16;
}

/** Histogram bucket of a delay in ms (clamped to the last bucket). */
function bucketOf(ms: f64): i32 {
  if (ms < 0) return 0;
  if (ms < 32) return <i32>(ms * 4);
  if (ms < 160) return 128 + <i32>(ms - 32);
  if (ms < 672) return 256 + <i32>((ms - 160) * 0.25);
  const b = 384 + <i32>((ms - 672) * 0.0625);
  return b < HIST_BUCKETS ? b : HIST_BUCKETS - 1;
}

/** Packets arriving this close together (1 ms) after being sent apart arrived as one batch. */
const BATCH_FRAMES: f64 = 48;

/**
 * Relative arrival delay and its estimate: a forgetting histogram gives the
 * quantile of the delay above the fastest recent packet (the body: slow to
 * fall, so the target comes down steadily); lateness episodes above it are
 * remembered for the cover (lateness.ts); packets far above it are a delay
 * spike, whose level holds the playout up while it lasts.
 */
export class DelayTracker {
  private readonly sampleRate: f64;
  private readonly minBucket: StaticArray<f64> = new StaticArray<f64>(LONG_WINDOW_BUCKETS);
  private currentMinBucket: i64 = -1;
  private readonly histogram: StaticArray<f64> = new StaticArray<f64>(HIST_BUCKETS);
  private histogramTotal: f64 = 0;
  private nextWeight: f64 = 1;
  /** Lateness episodes above the estimate's body. */
  readonly lateness: LatenessCover = new LatenessCover();
  /** The slowest transit of the last RECENT_PEAK_MS, delay spikes left out (they have their floor). */
  private readonly recent: RecentPeak;
  /**
   * Floor of the spike under way: the lowest relative delay of its packets so
   * far, ms (0 outside spikes). While it lasts the path's baseline is that
   * much higher; the lowest, not the latest, so that an outlier held longer
   * than the rest does not lift it, and a held batch's falling tail lowers it.
   */
  spikeFloorMs: f64 = 0;
  /** When the spike under way began (its first packet's arrival), ms. */
  spikeSinceMs: f64 = 0;
  /** The baseline: fastest transit of the last 10 s, held up by the guard, in frames. */
  minTransit: f64 = 0;
  /** Rate-limited follower of the 60 s fastest transit (frames), and when it last moved (−1: not yet). */
  private slow: f64 = 0;
  private slowFrame: f64 = -1;
  /** Last packet's delay above the window's fastest, ms. */
  lastRelativeMs: f64 = 0;
  /** Packets seen since reset. */
  packets: i32 = 0;
  /** The previous packet's arrival and position (frames), to tell a held batch's followers. */
  private lastArrival: f64 = -Infinity;
  private lastPos: f64 = -Infinity;
  /** The window scan's results, valid while no bucket minimum changed and packets stay in `scanBucket`. */
  private scanValid: bool = false;
  private scanBucket: i64 = 0;
  private scanRecent: f64 = Infinity;
  private scanLongest: f64 = Infinity;

  constructor(sampleRate: f64) {
    this.sampleRate = sampleRate;
    this.recent = new RecentPeak((RECENT_PEAK_MS * sampleRate) / 1000);
    this.reset();
  }

  /** Forgets all history (new stream). */
  reset(): void {
    for (let i = 0; i < LONG_WINDOW_BUCKETS; i++) unchecked((this.minBucket[i] = Infinity));
    this.currentMinBucket = -1;
    this.slow = 0;
    this.slowFrame = -1;
    for (let i = 0; i < HIST_BUCKETS; i++) unchecked((this.histogram[i] = 0));
    this.histogramTotal = 0;
    this.nextWeight = 1;
    this.lateness.reset();
    this.recent.reset();
    this.spikeFloorMs = 0;
    this.minTransit = 0;
    this.lastRelativeMs = 0;
    this.packets = 0;
    this.scanValid = false;
    this.lastArrival = -Infinity;
    this.lastPos = -Infinity;
  }

  /**
   * Records a packet that came only as a copy in a later packet (RFC 2198): not
   * an observation of the path's delay (the packet was lost; the copy came when
   * its successor did), so the baseline and the histogram leave it. But the
   * audio it carries was due before the copy came, so it is a lateness episode
   * of the copy's height: the cover (lateness.ts) prices it as any other, and
   * rises to wait for copies only when losses are frequent enough to be worth
   * the latency.
   */
  observeCopy(arrivalFrame: f64, posFrame: f64, bodyMs: f64): void {
    if (this.packets == 0) return;
    const relativeMs = (Math.max(0, arrivalFrame - posFrame - this.minTransit) * 1000) / this.sampleRate;
    this.lateness.observe((arrivalFrame * 1000) / this.sampleRate, relativeMs, bodyMs, this.baselineMs());
  }

  /**
   * Records one packet: `arrivalFrame` on the output clock, `posFrame` on the
   * sender's timeline. `memoryPackets` sets the histogram's forgetting, and
   * `bodyMs` (the histogram's quantile before this packet) is what lateness
   * and spikes are measured against.
   */
  observe(arrivalFrame: f64, posFrame: f64, memoryPackets: f64, bodyMs: f64): void {
    const transit = arrivalFrame - posFrame;
    const bucketFrames = MIN_BUCKET_MS * this.sampleRate * 0.001;
    const bucket = <i64>Math.floor(arrivalFrame / bucketFrames);
    if (bucket > this.currentMinBucket) {
      // Buckets that the window slid past start empty.
      const steps = bucket - this.currentMinBucket;
      const clear = steps > <i64>LONG_WINDOW_BUCKETS ? LONG_WINDOW_BUCKETS : <i32>steps;
      for (let i = 1; i <= clear; i++) {
        unchecked((this.minBucket[<i32>((this.currentMinBucket + i) % LONG_WINDOW_BUCKETS)] = Infinity));
      }
      this.currentMinBucket = bucket;
    }
    const slot = <i32>(((bucket % LONG_WINDOW_BUCKETS) + LONG_WINDOW_BUCKETS) % LONG_WINDOW_BUCKETS);
    if (transit < unchecked(this.minBucket[slot])) {
      unchecked((this.minBucket[slot] = transit));
      this.scanValid = false;
    }
    if (!this.scanValid || bucket != this.scanBucket) this.scanWindow(bucket, slot);
    const recent = this.scanRecent;
    const longest = this.scanLongest;
    // The slow follower tracks the long window's fastest transit up at once and
    // down at most BASELINE_FALL_MS_PER_S; the baseline stays within
    // BASELINE_FREE_FALL_MS below it.
    if (this.slowFrame < 0) this.slow = longest;
    const fallFrames = (Math.max(0, arrivalFrame - this.slowFrame) * BASELINE_FALL_MS_PER_S) / 1000;
    this.slowFrame = arrivalFrame;
    this.slow = longest >= this.slow ? longest : Math.max(longest, this.slow - fallFrames);
    const guard = Math.max(longest, this.slow - (BASELINE_FREE_FALL_MS * this.sampleRate) / 1000);
    const min = Math.max(recent, guard);
    this.minTransit = min;

    // Early packets (transit below the baseline) count as on time, not as negative delay.
    const relativeMs = (Math.max(0, transit - min) * 1000) / this.sampleRate;
    this.lastRelativeMs = relativeMs;
    this.packets++;

    // A packet that lands with the one before it (within BATCH_FRAMES) although sent after it
    // is the tail of a batch the network held and released at once: one event, whose delay the
    // batch's first packet already recorded. Counting each packet of a held second would fill the
    // histogram's top with one outage and hold the target at the ceiling for its whole memory.
    const batchFollower = arrivalFrame - this.lastArrival <= BATCH_FRAMES && posFrame > this.lastPos;
    this.lastArrival = arrivalFrame;
    this.lastPos = posFrame;
    const nowMs = (arrivalFrame * 1000) / this.sampleRate;
    const spike = this.packets > 1 && relativeMs > bodyMs + SPIKE_ABOVE_MS;
    if (spike && this.spikeFloorMs <= 0) this.spikeSinceMs = nowMs;
    this.spikeFloorMs = !spike ? 0 : this.spikeFloorMs > 0 ? Math.min(this.spikeFloorMs, relativeMs) : relativeMs;
    this.lateness.observe(nowMs, relativeMs, bodyMs, this.baselineMs());
    if (!spike) this.recent.observe(arrivalFrame, transit);
    if (!batchFollower && !spike) {
      // Forgetting by growing the weight of new entries instead of shrinking all
      // old ones: the same histogram shape, one add per packet.
      const forget = 1 - 1 / Math.max(memoryPackets, 2);
      this.nextWeight /= forget;
      const b = bucketOf(relativeMs);
      unchecked((this.histogram[b] += this.nextWeight));
      this.histogramTotal += this.nextWeight;
      if (this.nextWeight > 1e200) this.rescale();
    }
  }

  /**
   * Scans the window's bucket minima from `slot` (bucket `bucket`) back. Its
   * results change only when a bucket minimum does or packets reach another
   * bucket, so observe() reuses them otherwise (every 500 ms in steady state).
   */
  private scanWindow(bucket: i64, slot: i32): void {
    // The recent baseline is the second-lowest of the 10 s window's bucket minima
    // (the lowest while only one bucket has packets): one burst of early packets,
    // which lands in a single 500 ms bucket, cannot pull it down.
    let lowest = Infinity;
    let second = Infinity;
    let longest = Infinity;
    // Newest bucket first, walking back round the ring.
    let index = slot;
    for (let i = 0; i < LONG_WINDOW_BUCKETS; i++) {
      const value = unchecked(this.minBucket[index]);
      index = index == 0 ? LONG_WINDOW_BUCKETS - 1 : index - 1;
      if (i < MIN_WINDOW_BUCKETS) {
        if (value < lowest) {
          second = lowest;
          lowest = value;
        } else if (value < second) {
          second = value;
        }
      }
      longest = Math.min(longest, value);
    }
    this.scanRecent = second < Infinity ? second : lowest;
    this.scanLongest = longest;
    this.scanBucket = bucket;
    this.scanValid = true;
  }

  /**
   * Starts the baseline from `transit` (frames): playout is (re)starting on a
   * packet with that transit, so the packets around it that arrived earlier
   * are a sender running ahead, not a faster network.
   */
  rebase(transit: f64): void {
    this.slow = transit;
    this.minTransit = transit;
  }

  /** The delay above the baseline that the packets of the last RECENT_PEAK_MS before `nowFrame` needed, ms (0: none). */
  recentPeakMs(nowFrame: f64): f64 {
    return (Math.max(0, this.recent.maxAt(nowFrame) - this.minTransit) * 1000) / this.sampleRate;
  }

  /** The baseline, ms: what lateness heights are measured above. */
  baselineMs(): f64 {
    return (this.minTransit * 1000) / this.sampleRate;
  }

  private rescale(): void {
    const scale = 1 / this.nextWeight;
    for (let i = 0; i < HIST_BUCKETS; i++) unchecked((this.histogram[i] *= scale));
    this.histogramTotal *= scale;
    this.nextWeight = 1;
  }

  /** The delay, in ms above the fastest recent packet, that `quantile` of packets stay under. */
  quantileMs(quantile: f64): f64 {
    if (this.histogramTotal <= 0) return 0;
    const wanted = quantile * this.histogramTotal;
    let cumulative: f64 = 0;
    for (let b = 0; b < HIST_BUCKETS; b++) {
      const mass = unchecked(this.histogram[b]);
      if (cumulative + mass >= wanted && mass > 0) {
        // Interpolate inside the bucket: the target resolution is finer than a bucket.
        const low = bucketLowMs(b);
        const high = b + 1 < HIST_BUCKETS ? bucketLowMs(b + 1) : low + 16;
        return low + ((wanted - cumulative) / mass) * (high - low);
      }
      cumulative += mass;
    }
    return bucketLowMs(HIST_BUCKETS - 1);
  }
}
