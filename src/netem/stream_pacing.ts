// The send slots of one stream, as the relay sees it: packet k was meant to
// leave the sender at anchor + k × packetMs, where the anchor is the lower
// envelope of reception − k × packetMs (the earliest the sender has been seen
// to run). A packet that reached the relay later than its slot was late at the
// sender; releasing packets from their slots instead of their receptions takes
// that lateness out, so the receiver sees the trace's network alone.
//
// The sender's media clock and the relay's clock need not run at one rate (a
// browser's audio clock was seen 300 ppm off its performance.now()), so the
// envelope may rise: between the packets that touch it, the anchor creeps up
// by at most MAX_DRIFT_PPM, and any packet earlier than the anchor lowers it
// at once. So the slots follow the sender's rate, up or down, without a step.
// Assumes a continuous stream (no DTX: a pause would look like lateness until
// the anchor has crept past it).

import { LatenessHistogram, type LatenessFigures } from './lateness_histogram.js';

/** How fast the anchor may creep up: twice the largest clock-rate offset seen between a browser's audio clock and the host's. */
const MAX_DRIFT_PPM = 1000;

export class StreamPacing {
  private anchorMs = Infinity;
  private lastIndex = 0;
  private readonly late = new LatenessHistogram();

  constructor(private readonly packetMs: number) {}

  /** Packet `index` (0 for the stream's first) reached the relay at `nowMs`. */
  received(index: number, nowMs: number): void {
    const offset = nowMs - index * this.packetMs;
    if (Number.isFinite(this.anchorMs) && index > this.lastIndex) {
      this.anchorMs += (index - this.lastIndex) * this.packetMs * MAX_DRIFT_PPM * 1e-6;
    }
    this.lastIndex = Math.max(this.lastIndex, index);
    this.anchorMs = Math.min(this.anchorMs, offset);
    this.late.count(nowMs - this.slotMs(index));
  }

  /** When packet `index` was meant to leave the sender, ms on the relay's clock. */
  slotMs(index: number): number {
    return this.anchorMs + index * this.packetMs;
  }

  /** The sender's lateness behind its slots so far, ms. */
  lateness(): LatenessFigures {
    return this.late.figures();
  }
}
