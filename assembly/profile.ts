// Target profiles are data: a record of the few numbers that differ between an
// L4S path (10 ms floor) and a classic one (40 ms floor). Switching profile only
// changes the target; the engine moves the buffer there by time-stretching.

/** Built-in profile ids. */
export const PROFILE_CLASSIC: i32 = 0;
export const PROFILE_L4S: i32 = 1;
export const PROFILE_CUSTOM: i32 = 2;

/** One target profile. Times in ms of output audio. */
export class Profile {
  id: i32 = PROFILE_CLASSIC;
  /** Lowest target delay above the fastest recent packet. */
  floorMs: f64 = 40;
  /** Highest target delay, and the bound on the added latency the buffer keeps. */
  ceilingMs: f64 = 1000;
  /** Quantile of relative arrival delay the target covers. */
  quantile: f64 = 0.97;
  /** Memory of the delay histogram, in packets (its forgetting factor is 1 − 1/memory). */
  memoryPackets: f64 = 500;
  /** No stretching while the delay is within this distance of the target. */
  deadbandMs: f64 = 2;
  /** Largest share of played audio that time-stretching may remove or insert near the target. */
  stretchRate: f64 = 0.1;
  /** Above target by more than fastAboveMs, accelerate may remove up to this share. */
  fastStretchRate: f64 = 0.25;
  fastAboveMs: f64 = 60;
  /** Recurring delay peaks hold the target up for this long after the last one; 0 turns the peak detector off. */
  peakHoldMs: f64 = 10000;

  /** Copies every field of another profile into this one (no allocation). */
  copyFrom(other: Profile): void {
    this.id = other.id;
    this.floorMs = other.floorMs;
    this.ceilingMs = other.ceilingMs;
    this.quantile = other.quantile;
    this.memoryPackets = other.memoryPackets;
    this.deadbandMs = other.deadbandMs;
    this.stretchRate = other.stretchRate;
    this.fastStretchRate = other.fastStretchRate;
    this.fastAboveMs = other.fastAboveMs;
    this.peakHoldMs = other.peakHoldMs;
  }

  /** Fills this record with a built-in profile; false for an unknown id. */
  setBuiltIn(id: i32): bool {
    if (id == PROFILE_CLASSIC) {
      this.id = id;
      // 40 ms covers the queueing of a classic (drop-tail or CoDel) bottleneck at its target.
      this.floorMs = 40;
      // ITU-T G.114 puts acceptable one-way delay under 400 ms; beyond 500 ms of
      // buffering, concealing a spike costs a conversation less than waiting for it.
      this.ceilingMs = 500;
    } else if (id == PROFILE_L4S) {
      this.id = id;
      // An L4S bottleneck keeps about 1 ms of queue, so 10 ms leaves room for access jitter.
      this.floorMs = 10;
      // Leaves G.114's 150 ms "transparent" budget to the network when jitter is moderate,
      // and caps the target at 300 ms when a path turns out not to be L4S after all.
      this.ceilingMs = 300;
    } else {
      return false;
    }
    // 0.97 is NetEq's delay quantile; the same estimator serves both profiles so a
    // classic target is never below an l4s one on the same arrivals.
    this.quantile = 0.97;
    // About 10 s of 20 ms packets: long enough for a stable tail estimate, short enough to follow a path change.
    this.memoryPackets = 500;
    this.deadbandMs = 2;
    // 10 % moves the buffer by 100 ms per second of speech, inaudible for WSOLA on voiced speech.
    this.stretchRate = 0.1;
    // 25 % drains a post-outage backlog four times faster while staying intelligible.
    this.fastStretchRate = 0.25;
    this.fastAboveMs = 60;
    // The peak detector is off: the concealment already waits out a spike at once
    // (the delay rises with it), and holding the target at isolated peaks costs more
    // latency than the concealment it saves.
    this.peakHoldMs = 0;
    return true;
  }
}
