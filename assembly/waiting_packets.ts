// The packets waiting to play, seen from the playout point: which have passed
// it (too late to play), which continues it, and taking one out with its
// unused FEC and its discard counted (webrtc-stats fecPacketsDiscarded, packetsDiscarded).

import { CONTIGUOUS_TOLERANCE_FRAMES, Status } from './decision';
import * as ev from './events';
import { PacketBuffer, SLOT_COMFORT_NOISE, SLOT_MARKER } from './packet_buffer';
import * as S from './stats';

/**
 * True when a packet at `pos` of `frames` lies wholly before the playout
 * point `nextPos`: too late to play. Comfort noise (no frames) has passed once
 * the playout point is beyond its position.
 */
export function hasPassed(pos: f64, frames: i32, nextPos: f64): bool {
  if (frames == 0) return pos < nextPos - CONTIGUOUS_TOLERANCE_FRAMES;
  return pos + <f64>frames <= nextPos + CONTIGUOUS_TOLERANCE_FRAMES;
}

/** One stream's waiting packets, over its packet buffer. */
export class WaitingPackets {
  private readonly buffer: PacketBuffer;
  private readonly stats: S.Stats;
  private readonly events: ev.EventLog;

  constructor(buffer: PacketBuffer, stats: S.Stats, events: ev.EventLog) {
    this.buffer = buffer;
    this.stats = stats;
    this.events = events;
  }

  /**
   * Fills in `s` what decide() needs to know of the earliest waiting packet,
   * after packet `lastSeq` (−1: none yet) played: whether one waits, whether
   * its sequence number follows on or skips, its FEC, whether it is comfort
   * noise, and whether a pause precedes it (`pauseSignalled`: the sender is in one).
   */
  describeFirst(s: Status, lastSeq: i64, pauseSignalled: bool): void {
    const b = this.buffer;
    const first = b.first();
    s.packetAvailable = first >= 0;
    s.pauseSignalled = pauseSignalled;
    s.nextIsComfortNoise = false;
    s.fecFrames = 0;
    s.sequenceGap = false;
    if (first < 0) return;
    const seq = unchecked(b.seq[first]);
    s.sequenceContiguous = lastSeq >= 0 && seq == lastSeq + 1;
    s.sequenceGap = lastSeq < 0 || seq > lastSeq + 1;
    s.fecFrames = unchecked(b.fecFrames[first]);
    // The marker bit starts a talkspurt: the gap before it was a pause.
    s.pauseSignalled = pauseSignalled || b.has(first, SLOT_MARKER);
    s.nextIsComfortNoise = b.has(first, SLOT_COMFORT_NOISE);
  }

  /** Position of the earliest waiting packet, or `fallback` when none waits. */
  firstPos(fallback: f64): f64 {
    const first = this.buffer.first();
    return first >= 0 ? <f64>unchecked(this.buffer.pos[first]) : fallback;
  }

  /** True when the earliest waiting packet is audio that continues the playout point `nextPos` without a gap. */
  continues(nextPos: f64): bool {
    const b = this.buffer;
    const first = b.first();
    return first >= 0 && !b.has(first, SLOT_COMFORT_NOISE) && Math.abs(<f64>unchecked(b.pos[first]) - nextPos) <= CONTIGUOUS_TOLERANCE_FRAMES;
  }

  /** Takes the earliest packet out. FEC it carried that recovered nothing is counted as discarded. */
  removeFirst(): void {
    const first = this.buffer.first();
    if (first >= 0 && unchecked(this.buffer.fecFrames[first]) > 0) this.stats.add(S.STAT_FEC_PACKETS_DISCARDED, 1);
    this.buffer.removeFirst();
  }

  /** Counts packet `seq` discarded at `frame` under `counter` with `event` (it is not taken out here). */
  discard(counter: i32, event: i32, seq: i64, frame: f64): void {
    this.stats.add(counter, 1);
    this.stats.add(S.STAT_PACKETS_DISCARDED, 1);
    this.events.push(event, frame, <f64>seq, 0);
  }

  /** Discards the oldest packet, the one whose playout would add the most delay, as an overflow at `frame`. */
  evictOldest(frame: f64): void {
    this.discard(S.STAT_PACKETS_OVERFLOW, ev.EVENT_OVERFLOW, unchecked(this.buffer.seq[this.buffer.first()]), frame);
    this.removeFirst();
  }

  /** Discards every waiting packet (a new stream); returns how many there were. */
  discardAll(): i32 {
    const count = this.buffer.count;
    this.stats.add(S.STAT_PACKETS_DISCARDED, <f64>count);
    while (this.buffer.count > 0) this.removeFirst();
    return count;
  }

  /** Discards, as late at `now`, every packet whose audio lies wholly before the playout point `nextPos`. */
  discardPassed(nextPos: f64, now: f64): void {
    const b = this.buffer;
    let first = b.first();
    while (first >= 0) {
      if (!hasPassed(<f64>unchecked(b.pos[first]), unchecked(b.frames[first]), nextPos)) break;
      this.discard(S.STAT_PACKETS_LATE, ev.EVENT_LATE, unchecked(b.seq[first]), now);
      this.removeFirst();
      first = b.first();
    }
  }
}
