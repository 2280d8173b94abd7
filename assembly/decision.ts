// Decision logic: from a plain status record to the operation that produces the
// next block of audio. Pure: it touches no samples and no buffers; the engine
// gathers the status, and the DSP outcome of the last operation feeds back in.

/** Nothing to play yet: silence that is not concealment (before the stream starts). */
export const OP_IDLE: i32 = 0;
/** Decode the next packet and play it as it is. */
export const OP_NORMAL: i32 = 1;
/** Decode and remove a pitch period: the buffer is above target. */
export const OP_ACCELERATE: i32 = 2;
/** Decode and insert a pitch period: the buffer is below target. */
export const OP_PREEMPTIVE_EXPAND: i32 = 3;
/** Conceal: the next audio is missing (lost, late, or not arrived yet). */
export const OP_EXPAND: i32 = 4;
/** Decode the next packet and cross-fade into it from the concealment. */
export const OP_MERGE: i32 = 5;
/**
 * Play silence (or comfort noise) through a pause the sender signalled: a
 * timestamp advance without a sequence gap after a DTX frame or a comfort-noise
 * packet, or before a packet with the marker bit; or a dry buffer after a DTX
 * frame or comfort-noise packet.
 */
export const OP_DTX: i32 = 6;
/** Far above target (by more than fastAboveMs): accelerate at the fast stretch rate. */
export const OP_ACCELERATE_FAST: i32 = 7;
/** Take the waiting comfort-noise packet: its level is what the pause after it plays. */
export const OP_COMFORT_NOISE: i32 = 8;

/** Outcomes the DSP reports back (what actually happened). */
export const OUTCOME_NONE: i32 = 0;
export const OUTCOME_NORMAL: i32 = 1;
export const OUTCOME_STRETCHED: i32 = 2;
/** The stretch was refused (no period with enough correlation): played as normal. */
export const OUTCOME_STRETCH_FAILED: i32 = 3;
export const OUTCOME_CONCEALED: i32 = 4;
export const OUTCOME_DTX: i32 = 5;
export const OUTCOME_IDLE: i32 = 6;

/** Everything decide() looks at. Frames are output frames. */
export class Status {
  /** The first packet of the stream has been played. */
  started: bool = false;
  /** At least one packet waits in the buffer. */
  packetAvailable: bool = false;
  /** Earliest waiting packet's position minus the position playout needs next (0: contiguous). */
  gapFrames: f64 = 0;
  /** The earliest waiting packet follows the last played one without a sequence gap. */
  sequenceContiguous: bool = false;
  /**
   * The sender signalled a pause here: the last packet taken was a DTX frame or
   * comfort noise, or the earliest waiting packet carries the marker bit. A
   * timestamp gap without it is audio lost without a sequence gap (a sender-side
   * drop): concealed, not muted.
   */
  pauseSignalled: bool = false;
  /** The earliest waiting packet is comfort noise (RFC 3389), not audio. */
  nextIsComfortNoise: bool = false;
  /** Frames until the first packet should start, for a stream not started yet. */
  startInFrames: f64 = 0;
  /** Current delay minus target delay: positive means too much buffered. */
  errorFrames: f64 = 0;
  /** Dead band around the target inside which nothing is stretched. */
  deadbandFrames: f64 = 0;
  /** Above target by more than this, drain at the fast rate. */
  fastAboveFrames: f64 = 0;
  /** Stretch allowance accumulated under the rate bound. */
  stretchBudgetFrames: f64 = 0;
  /** Shortest stretch worth doing (the shortest pitch period). */
  minStretchFrames: f64 = 0;
  /** Outcome of the previous operation. */
  lastOutcome: i32 = OUTCOME_NONE;
}

/** Positions this close count as contiguous: absorbs rounding of non-integer clock ratios. */
export const CONTIGUOUS_TOLERANCE_FRAMES: f64 = 2;

/** Chooses the operation for the next block. */
export function decide(s: Status): i32 {
  if (!s.started) {
    if (!s.packetAvailable || s.startInFrames > 0) return OP_IDLE;
    return s.nextIsComfortNoise ? OP_COMFORT_NOISE : OP_NORMAL;
  }
  // Dry after a DTX frame or comfort noise: the pause goes on.
  if (!s.packetAvailable) return s.pauseSignalled ? OP_DTX : OP_EXPAND;
  if (s.gapFrames > CONTIGUOUS_TOLERANCE_FRAMES) {
    // A sequence-contiguous packet further on ends a pause only if the sender said so.
    return s.sequenceContiguous && s.pauseSignalled ? OP_DTX : OP_EXPAND;
  }
  if (s.nextIsComfortNoise) return OP_COMFORT_NOISE;
  if (s.lastOutcome == OUTCOME_CONCEALED) return OP_MERGE;
  const canStretch = s.stretchBudgetFrames >= s.minStretchFrames;
  if (s.errorFrames > s.fastAboveFrames) return OP_ACCELERATE_FAST;
  if (canStretch && s.errorFrames > s.deadbandFrames) return OP_ACCELERATE;
  if (canStretch && s.errorFrames < -s.deadbandFrames) return OP_PREEMPTIVE_EXPAND;
  return OP_NORMAL;
}
