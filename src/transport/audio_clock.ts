// The audio clock, read off the audio thread: packets must be stamped with
// their arrival on the clock the engine plays by, not with the time a page or
// worker got around to handing them on. The worklet publishes, after every
// render quantum, how many context frames it has rendered, in a shared
// Float64Array; a worker (or the main thread) maps its own monotonic clock
// onto it.
//
// The mapping: rendered-frame count F is published at wall time t_F, and any
// later reader sees it at now ≥ t_F, so now − F/rate ≥ t_F − F/rate. The
// lowest of these over recent readings is the reading taken right after a
// render: offset = min(now − F/rate), and frame(now) = (now − offset)·rate.
// Rendering comes in bursts (a device callback renders several quanta at once,
// 10.67 ms in headless Chromium), so F itself is a staircase; the mapped clock
// runs smoothly through it, ahead of the staircase between bursts: a packet
// stamped there enters the engine at the quantum of the next burst that its
// arrival falls in, as if rendering were even. The minimum is taken over a
// sliding window so that a render thread that loses time (a starved fake
// device) is followed within the window.

/** Float64 slots of the clock buffer: rendered frames, context rate, and a version a reader checks. */
const CLOCK_FRAMES = 0;
const CLOCK_RATE = 1;
const CLOCK_SLOTS = 2;
/** Readings the minimum is taken over: about a second of packets (50 a second). */
const WINDOW_READINGS = 64;

/** A clock buffer for processorOptions (shared when the page is cross-origin isolated). */
export function createAudioClockBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(CLOCK_SLOTS * 8);
}

/** The worklet's side: publishes the frames rendered so far. Allocation-free. */
export class AudioClockPublisher {
  private readonly slots: Float64Array;

  constructor(buffer: SharedArrayBuffer, contextRate: number) {
    this.slots = new Float64Array(buffer);
    this.slots[CLOCK_RATE] = contextRate;
  }

  /** After rendering the quantum that ends at context frame `renderedFrames`. */
  publish(renderedFrames: number): void {
    this.slots[CLOCK_FRAMES] = renderedFrames;
  }
}

/** A reader's side: the context frame that corresponds to now on the reader's own clock. */
export class AudioClockEstimator {
  private readonly slots: Float64Array;
  private readonly offsets = new Float64Array(WINDOW_READINGS).fill(Infinity);
  private next = 0;

  constructor(buffer: SharedArrayBuffer) {
    this.slots = new Float64Array(buffer);
  }

  /** False until the worklet has rendered a first quantum. */
  get running(): boolean {
    return this.slots[CLOCK_FRAMES] > 0 && this.slots[CLOCK_RATE] > 0;
  }

  /**
   * The context frame at `nowMs` (the reader's monotonic clock, e.g.
   * performance.now()), from this reading and the recent ones; NaN before the
   * worklet has rendered.
   */
  frameAt(nowMs: number): number {
    const rate = this.slots[CLOCK_RATE];
    const frames = this.slots[CLOCK_FRAMES];
    if (!(rate > 0) || !(frames > 0)) return Number.NaN;
    this.offsets[this.next] = nowMs - (frames * 1000) / rate;
    this.next = (this.next + 1) % WINDOW_READINGS;
    let offset = Infinity;
    for (let i = 0; i < WINDOW_READINGS; i++) offset = Math.min(offset, this.offsets[i]);
    return ((nowMs - offset) * rate) / 1000;
  }
}
