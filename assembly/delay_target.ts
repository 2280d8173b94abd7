// The delay playout steers to: the arrival tracker's estimate clamped to the
// profile, held up through a delay spike, with a dead band around it inside
// which nothing is stretched. Numbers only; the engine measures its offset and
// hands it in.

import { SAMPLE_RATE } from './abi';
import { DelayTracker } from './arrival';
import { Profile } from './profile';

/** A delay spike that lasts 2 s (twice the longest of a cellular path's) is a step of the path's delay. */
const SPIKE_STEP_MS: f64 = 2000;
/** The dead band grows with the target: 5 % of it (2 ms at 40 ms, 5 ms at 100 ms). */
const DEADBAND_SHARE: f64 = 0.05;

/** Milliseconds as output frames. */
export function msToFrames(ms: f64): f64 {
  return (ms * <f64>SAMPLE_RATE) / 1000;
}

/** One stream's target delay. */
export class DelayTarget {
  private readonly profile: Profile;
  private readonly tracker: DelayTracker;
  /** Current target delay above the fastest recent packet, ms. */
  targetMs: f64;
  /** The delay estimate before clamping to the profile, ms: the body quantile, or above it the level recurring lateness calls for. */
  estimateMs: f64 = 0;
  /** The body of the estimate: the histogram's quantile, ms. */
  bodyMs: f64 = 0;
  /** What every packet needs on top of its delay: one pull, ms. */
  private marginMs: f64 = 0;

  constructor(profile: Profile, tracker: DelayTracker) {
    this.profile = profile;
    this.tracker = tracker;
    this.targetMs = profile.floorMs;
  }

  /**
   * Target = delay estimate clamped to the profile's floor and ceiling, where
   * the estimate is the histogram's quantile (the body), or above it the
   * level that recurring lateness calls for (lateness.ts), plus a margin of
   * the last pull (`pullFrames`: a packet must arrive one pull before its audio
   * plays). The margin is on the whole estimate, body included: on the body
   * alone of the heights, a packet at the quantile played with no room for the
   * pull it must precede, and the packets just below the quantile (no lateness
   * episode, so nothing the cover sees) missed their pull whenever they landed
   * late in a quantum: a stall, then a catch-up stretch.
   */
  update(nowFrames: f64, pullFrames: f64): void {
    const p = this.profile;
    const nowMs = (nowFrames * 1000) / <f64>SAMPLE_RATE;
    this.bodyMs = this.tracker.quantileMs(p.quantile);
    const marginMs = (pullFrames * 1000) / <f64>SAMPLE_RATE;
    this.marginMs = marginMs;
    this.estimateMs = this.tracker.lateness.coverMs(nowMs, p.latenessWindowMs, p.episodeCostMs, this.bodyMs, this.tracker.baselineMs()) + marginMs;
    this.targetMs = Math.min(p.ceilingMs, Math.max(p.floorMs, this.estimateMs));
  }

  /**
   * The delay playout is steered to, ms: the target, or while a delay spike
   * lasts the profile's floor above the spike's floor (the path is that much
   * slower for now, its packets must still play, with the room for jitter the
   * profile keeps on a calm path), up to the ceiling.
   */
  steeredMs(): f64 {
    const spike = this.tracker.spikeFloorMs;
    if (spike <= 0) return this.targetMs;
    return Math.min(this.profile.ceilingMs, Math.max(this.targetMs, spike + this.profile.floorMs));
  }

  /**
   * How far the playout offset (`offsetFrames`) is outside the band it may sit
   * in, in frames: above the steered target (positive: accelerate) or below the
   * target (negative: expand); 0 between. A spike holds the delay up, it does
   * not pull it up: the wait at the spike's onset raised it already. A spike
   * that lasts is a step of the path's delay (a route change, a queue that
   * stays), whose jitter room must be restored: then it pulls up too.
   */
  errorFrames(offsetFrames: f64, nowFrames: f64): f64 {
    const high = msToFrames(Math.max(this.steeredMs(), this.holdMs(nowFrames)));
    if (offsetFrames > high) return offsetFrames - high;
    const nowMs = (nowFrames * 1000) / <f64>SAMPLE_RATE;
    const t = this.tracker;
    const step = t.spikeFloorMs > 0 && nowMs - t.spikeSinceMs > SPIKE_STEP_MS;
    return Math.min(0, offsetFrames - (step ? high : msToFrames(this.targetMs)));
  }

  /**
   * How much acceleration should remove from a playout offset above the band
   * (`offsetFrames`), frames: down to the dead band's lower edge, so that one
   * stretch does the work of several, but never below the recent peak's hold.
   * Aiming a dead band under a hold the delay sits on drained it below what
   * the latest packets needed, and the next of them stalled (recurring
   * lateness: a 4 ms quiet cut under a 15.6 ms hold, then a packet 13 ms late).
   */
  drainFrames(offsetFrames: f64, nowFrames: f64): f64 {
    const high = msToFrames(Math.max(this.steeredMs(), this.holdMs(nowFrames)));
    const low = Math.max(high - this.deadbandFrames(), msToFrames(this.holdMs(nowFrames)));
    return Math.max(0, offsetFrames - low);
  }

  /** Never drained below what the latest packets needed (recent_peak.ts): the next one may need it too, ms. */
  private holdMs(nowFrames: f64): f64 {
    return Math.min(this.profile.ceilingMs, this.tracker.recentPeakMs(nowFrames) + this.marginMs);
  }

  /**
   * The dead band around the target, frames: the profile's, or 5 % of the
   * target when that is wider: a correction smaller than that buys too little
   * latency for the artefact a stretch is.
   */
  deadbandFrames(): f64 {
    return msToFrames(Math.max(this.profile.deadbandMs, DEADBAND_SHARE * this.targetMs));
  }
}
