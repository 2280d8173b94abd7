// Decision logic: from a plain status record to the operation that produces the
// next block of audio, and how much of it: how long to conceal, how far the
// playout point moves, whether concealment waits for missing audio, when in-band
// FEC recovers it. Pure: it touches no samples and no buffers; the engine
// gathers the status, carries the decision out, and the DSP outcome of the last
// operation feeds back in.

import { SAMPLE_RATE } from './abi';

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
/** Recover the missing audio just before the waiting packet from its in-band FEC (as NetEq does for Opus). */
export const OP_FEC: i32 = 9;

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
  /** Frames the pull still needs. */
  needFrames: i32 = 0;
  /** Frames of in-band FEC the earliest waiting packet carries (0: none). */
  fecFrames: i32 = 0;
  /** A packet is missing just before the earliest waiting one (its sequence number skips; true before any played). */
  sequenceGap: bool = false;
  /** The concealment under way (or last) is the codec's own, so its decoder state runs on into FEC. */
  codecConcealing: bool = false;
  /** Room under the profile's ceiling once needFrames more are buffered: ceiling minus that offset. */
  headroomFrames: f64 = 0;
  /** Earliest waiting packet's position minus the end of the last packet played: 0 when it follows it (no audio is missing). */
  playedGapFrames: f64 = 0;
  /** How long before the next audio made would start the earliest waiting packet arrived, frames. */
  arrivedAheadFrames: f64 = 0;
  /**
   * How long before its audio plays a packet that ended a stall must have arrived: one pull (the pull that plays its
   * start begins up to a pull earlier) and the dead band (the room the delay may keep without a stretch).
   */
  marginFrames: f64 = 0;
  /** How long the delay has been out of the dead band on the side it is now, output frames (0: it is within it). */
  outOfBandFrames: f64 = 0;
  /** The error is a profile switch's, not yet made up: the app asked for the new delay, now. */
  profileSwitch: bool = false;
}

/** What decide() chose: the operation and how much of it. Frames are output frames. */
export class Decision {
  op: i32 = OP_IDLE;
  /** Frames the operation makes: silence (IDLE), concealment (EXPAND), a pause (DTX), recovered audio (FEC). */
  frames: i32 = 0;
  /** FEC: of the recovered frames, those concealment already stood in for (they do not play again). */
  skipFrames: i32 = 0;
  /** How far the playout point jumps before the audio is made (DTX: a pause shortened to reach the target). */
  jumpFrames: f64 = 0;
  /** How far the playout point moves for the audio made (0: it waits for the missing audio). */
  advanceFrames: f64 = 0;
  /** EXPAND dry: the concealment waits for the missing audio (the delay grows) instead of standing in for it. */
  waits: bool = false;
  /**
   * MERGE: the concealment stood in for no audio (it waited for a packet that
   * came late, not lost), so the codec's decoder goes back to its state before
   * it, and the packet decodes as the continuation of the audio played.
   */
  rollBack: bool = false;
  /** ACCELERATE, ACCELERATE_FAST, PREEMPTIVE_EXPAND: only a stretch of quiet audio will do; voiced audio plays as it is (QUIET_FIRST_FRAMES). */
  quietOnly: bool = false;
}

/**
 * For its first second out of the dead band, the delay is moved only where
 * the audio is quiet (a pause, a closure between words): a cut or an insert
 * there is inaudible, a voiced splice is not, and a second of some ms too much
 * or too little costs less than a splice heard. Speech pauses often enough
 * that most of the move lands in them (a quiet cut takes up to 100 ms at
 * once, so a pause sheds a backlog too; a quiet insert up to 40 ms); after the
 * second, a voiced period goes too, at the plain or the fast rate. An excess
 * of any size is held (it costs latency only), a small one up to another
 * second (QUIET_FIRST_EXCESS_BUDGET_MS_SECONDS); a shortfall only up to twice
 * the dead band (QUIET_FIRST_SHORTFALL_BANDS): that much is the target
 * wandering, more is cover missing, and a stall is louder than the voiced
 * insert that prevents it. A profile switch's error is not held for quiet
 * audio: the app asked for the new delay (an ECN verdict, a fallback to
 * classic), and on a stream without a pause it would wait the whole second.
 */
export const QUIET_FIRST_FRAMES: f64 = <f64>SAMPLE_RATE;
/** A shortfall held for quiet audio is at most this many dead bands below the target (QUIET_FIRST_FRAMES). */
export const QUIET_FIRST_SHORTFALL_BANDS: f64 = 2;
/**
 * An excess small enough is held longer, up to QUIET_FIRST_EXCESS_MAX_FRAMES:
 * while the excess times the time it has been held stays under this budget
 * (excess ms × seconds; 100: 50 ms for the full two seconds, 100 ms for the
 * first). Holding costs latency in proportion to the excess; what it saves,
 * the voiced splices, does not grow with it: a quiet cut takes up to 100 ms at
 * once. So a few ms too many wait longer for a pause, a large backlog no
 * longer than the second.
 */
export const QUIET_FIRST_EXCESS_BUDGET_MS_SECONDS: f64 = 100;
/** The longest an excess is held for quiet audio (QUIET_FIRST_EXCESS_BUDGET_MS_SECONDS). */
export const QUIET_FIRST_EXCESS_MAX_FRAMES: f64 = 2 * <f64>SAMPLE_RATE;

/** Positions this close count as contiguous: absorbs rounding of non-integer clock ratios. */
export const CONTIGUOUS_TOLERANCE_FRAMES: f64 = 2;

/**
 * Chooses the operation for the next block and how much of it, into `d`;
 * returns the operation.
 */
export function decide(s: Status, d: Decision): i32 {
  d.frames = 0;
  d.skipFrames = 0;
  d.jumpFrames = 0;
  d.advanceFrames = 0;
  d.waits = false;
  d.op = chooseOperation(s);
  d.rollBack = d.op == OP_MERGE && Math.abs(s.playedGapFrames) <= CONTIGUOUS_TOLERANCE_FRAMES;
  d.quietOnly = quietFirst(s, d.op);
  if (d.op == OP_IDLE) sizeIdle(s, d);
  else if (d.op == OP_EXPAND) sizeExpand(s, d);
  else if (d.op == OP_DTX) sizeDtx(s, d);
  else if (d.op == OP_FEC) sizeFec(s, d);
  return d.op;
}

/**
 * True when stretch `op` may only take quiet audio for now (QUIET_FIRST_FRAMES): an excess not yet held a second, or
 * longer while it is small (QUIET_FIRST_EXCESS_BUDGET_MS_SECONDS); a shortfall of a few dead bands not yet held a second;
 * never a profile switch's error.
 */
function quietFirst(s: Status, op: i32): bool {
  if (s.profileSwitch) return false;
  if (op == OP_ACCELERATE || op == OP_ACCELERATE_FAST) return holdsExcess(s);
  return op == OP_PREEMPTIVE_EXPAND && s.outOfBandFrames < QUIET_FIRST_FRAMES && s.errorFrames >= -QUIET_FIRST_SHORTFALL_BANDS * s.deadbandFrames;
}

/** An excess is still held for quiet audio: for its first second, then up to QUIET_FIRST_EXCESS_MAX_FRAMES while it is small. */
function holdsExcess(s: Status): bool {
  if (s.outOfBandFrames < QUIET_FIRST_FRAMES) return true;
  if (s.outOfBandFrames >= QUIET_FIRST_EXCESS_MAX_FRAMES) return false;
  const rate = <f64>SAMPLE_RATE;
  const heldMsSeconds = ((s.errorFrames * 1000) / rate) * (s.outOfBandFrames / rate);
  return heldMsSeconds < QUIET_FIRST_EXCESS_BUDGET_MS_SECONDS;
}

function chooseOperation(s: Status): i32 {
  if (!s.started) {
    if (!s.packetAvailable || s.startInFrames > 0) return OP_IDLE;
    return s.nextIsComfortNoise ? OP_COMFORT_NOISE : OP_NORMAL;
  }
  // Dry after a DTX frame or comfort noise: the pause goes on.
  if (!s.packetAvailable) return s.pauseSignalled ? OP_DTX : OP_EXPAND;
  if (s.gapFrames > CONTIGUOUS_TOLERANCE_FRAMES) {
    // A sequence-contiguous packet further on ends a pause only if the sender said so.
    if (s.sequenceContiguous && s.pauseSignalled) return OP_DTX;
    // The FEC covers the audio just before the waiting packet; concealment that waited
    // may already have stood in for its start, so it recovers what of it is still missing.
    const fec = usableFecFrames(s);
    return fec > 0 && s.gapFrames <= <f64>fec + CONTIGUOUS_TOLERANCE_FRAMES ? OP_FEC : OP_EXPAND;
  }
  if (s.nextIsComfortNoise) return OP_COMFORT_NOISE;
  if (s.lastOutcome == OUTCOME_CONCEALED) return resumeWaitFrames(s) > 0 ? OP_EXPAND : OP_MERGE;
  const canStretch = s.stretchBudgetFrames >= s.minStretchFrames;
  if (s.errorFrames > s.fastAboveFrames) return OP_ACCELERATE_FAST;
  if (canStretch && s.errorFrames > s.deadbandFrames) return OP_ACCELERATE;
  if (canStretch && s.errorFrames < -s.deadbandFrames) return OP_PREEMPTIVE_EXPAND;
  return OP_NORMAL;
}

/**
 * Frames the concealment still waits before it merges into the waiting
 * packet, so that the packet plays a full margin after it arrived (0: merge
 * now). Resuming at the first pull after a late packet came leaves it less:
 * the next packet, as late as this one, then misses the pull that plays its
 * start, and the stall repeats 20 ms later (a second episode, heard as
 * such). Waiting the rest of the margin makes the one concealment a little
 * longer instead, and puts the delay where the late packet showed it must be,
 * which a cover rising to it would otherwise reach by a stretch. A pull alone
 * left the delay on the edge: on a path whose delay had just stepped up, a
 * next packet 0.1 ms later than this one stalled again; the dead band's room
 * on top costs no stretch (the delay may sit in the band) and the stall is
 * one episode however long it is. Not beyond the ceiling's headroom.
 */
function resumeWaitFrames(s: Status): f64 {
  const wait = Math.ceil(s.marginFrames - s.arrivedAheadFrames);
  return wait > 0 && wait <= s.headroomFrames ? Math.min(<f64>s.needFrames, wait) : 0;
}

/**
 * Frames of the missing audio the waiting packet's in-band FEC can recover:
 * its FEC span when a packet is missing just before it (a sequence gap, not a
 * DTX pause) and the decoder's state runs on without a cross-fade (no
 * built-in concealment in between); else 0.
 */
function usableFecFrames(s: Status): i32 {
  if (!s.packetAvailable || s.gapFrames <= 0 || s.fecFrames <= 0 || !s.sequenceGap) return 0;
  if (s.lastOutcome == OUTCOME_CONCEALED && !s.codecConcealing) return 0;
  return s.fecFrames;
}

/** The FEC's whole span; concealment that waited stood in for its start already, by as much as the FEC reaches past the gap. */
function sizeFec(s: Status, d: Decision): void {
  const fec = usableFecFrames(s);
  d.frames = fec;
  d.skipFrames = <i32>Math.max(0, Math.round(<f64>fec - s.gapFrames));
}

/** Before the stream starts: silence up to the first packet's start, or the whole pull while none waits. */
function sizeIdle(s: Status, d: Decision): void {
  d.frames = s.packetAvailable ? <i32>Math.max(1, Math.min(<f64>s.needFrames, Math.ceil(s.startInFrames))) : s.needFrames;
}

/** Concealment: how long, and how far the playout point moves for it (or whether it waits). */
function sizeExpand(s: Status, d: Decision): void {
  if (s.packetAvailable && s.gapFrames <= CONTIGUOUS_TOLERANCE_FRAMES) {
    // The waiting packet continues the audio but came too recently: the concealment waits for it.
    d.frames = <i32>resumeWaitFrames(s);
    d.waits = true;
    return;
  }
  if (s.packetAvailable) {
    // A known loss is concealed up to the waiting packet, no further: concealing past it would
    // add delay each time, and a packet evicted by overflow before the next pull would keep
    // the playout chasing the buffer forever (the buffer full, nothing played). When the waiting
    // packet carries in-band FEC, the last stretch of the loss is left for the FEC to recover.
    const fec = usableFecFrames(s);
    const span = s.gapFrames - (fec > 0 && s.gapFrames > <f64>fec ? <f64>fec : 0);
    d.frames = <i32>Math.max(1, Math.min(<f64>s.needFrames, Math.ceil(span)));
    // Concealed in place: the missing span ends where the waiting packet starts (or its
    // FEC's span does). Above target the concealment may also skip ahead: its audio is
    // synthetic, so shortening it moves the delay back at no audible cost.
    const excess = Math.max(0, s.errorFrames - s.deadbandFrames);
    d.advanceFrames = Math.min(<f64>d.frames + excess, Math.max(0, span));
    return;
  }
  // Dry: the concealment waits for the missing audio (the delay grows) up to
  // the profile's ceiling: a late packet, or a delay spike's first, then
  // plays whole and what follows it is not late. If a later packet shows the
  // audio was lost instead, the waited concealment is counted as standing in
  // for it (waitedCredit), so a loss costs no delay. Beyond the ceiling (an
  // outage) it stands in for the audio in place.
  d.frames = s.needFrames;
  d.waits = <f64>d.frames <= s.headroomFrames;
  d.advanceFrames = d.waits ? 0 : <f64>d.frames;
}

/**
 * A signalled pause is free to lengthen or shorten, so it is where the delay
 * moves to its target at once. While no packet waits the pause waits too (the
 * playout point stays, so the next talkspurt is not late), up to the ceiling.
 */
function sizeDtx(s: Status, d: Decision): void {
  const need = s.needFrames;
  if (!s.packetAvailable) {
    d.frames = need;
    d.advanceFrames = <f64>need > s.headroomFrames ? <f64>need : 0;
    return;
  }
  let gap = s.gapFrames;
  let error = s.errorFrames;
  if (error > 0) {
    const jump = Math.min(error, gap);
    d.jumpFrames = jump;
    gap -= jump;
    error -= jump;
  }
  const wait = error < 0 ? Math.min(<f64>need, -error) : 0;
  d.frames = <i32>Math.min(<f64>need, wait + gap);
  // frames ≤ 0: the jump closed the gap, the next decision plays the packet.
  if (d.frames > 0) d.advanceFrames = Math.min(gap, <f64>d.frames - wait);
}

/**
 * Concealment that waited `waitedFrames` for missing audio, once a packet
 * shows `gapFrames` before it, stood in for the start of that gap: the
 * playout point moves past what it covered, so a loss (or a pause) costs no delay.
 */
export function waitedCredit(waitedFrames: f64, gapFrames: f64): f64 {
  return waitedFrames > 0 && gapFrames > CONTIGUOUS_TOLERANCE_FRAMES ? Math.min(waitedFrames, gapFrames) : 0;
}

/**
 * Of `pendingFrames` concealed while the buffer was dry, the frames that stood
 * in for a signalled pause, once the next packet shows: inside one (sequence-
 * contiguous, a timestamp gap of `pauseGapFrames`, the sender said so) its
 * first frames up to the gap; otherwise none: it covered missing audio.
 */
export function pauseShare(pendingFrames: f64, inSignalledPause: bool, pauseGapFrames: f64): f64 {
  return inSignalledPause ? Math.min(pendingFrames, Math.max(0, pauseGapFrames)) : 0;
}
