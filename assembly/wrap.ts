// Wraparound arithmetic for RTP's 16-bit sequence numbers and 32-bit timestamps.
// Every comparison of raw RTP fields goes through these names, never through `<`.

/**
 * How far sequence number `to` is ahead of `from` (to − from modulo 2^16), in
 * −32768..32767: negative when `to` is older. The order is that of
 * src/trace/rtp_arithmetic.ts, from the earlier value to the later.
 */
export function sequenceDelta(from: u32, to: u32): i32 {
  return <i32>(<i16>(<u16>(to - from)));
}

/** True when sequence number `a` comes after `b` (modulo 2^16). */
export function seqNewer(a: u32, b: u32): bool {
  return sequenceDelta(b, a) > 0;
}

/** How far RTP timestamp `to` is ahead of `from` (to − from modulo 2^32, signed): negative when `to` is older. */
export function timestampDelta(from: u32, to: u32): i64 {
  return <i64>(<i32>(to - from));
}

/**
 * Turns a stream of wrapping 16-bit sequence numbers and 32-bit timestamps into
 * monotone 64-bit counts, anchored at the first value seen after `reset`.
 */
export class Unwrapper {
  private seqAnchored: bool = false;
  private lastSeq: u32 = 0;
  private lastSeqUnwrapped: i64 = 0;
  private tsAnchored: bool = false;
  private lastTs: u32 = 0;
  private lastTsUnwrapped: i64 = 0;

  /** Forgets the anchors: the next values start a new unwrapped count. */
  reset(): void {
    this.seqAnchored = false;
    this.tsAnchored = false;
  }

  /** Unwrapped sequence number; the first one seen after reset is 65536 so reordered predecessors stay positive. */
  seq(seq: u32): i64 {
    if (!this.seqAnchored) {
      this.seqAnchored = true;
      this.lastSeq = seq & 0xffff;
      this.lastSeqUnwrapped = 65536;
      return 65536;
    }
    const unwrapped = this.lastSeqUnwrapped + <i64>sequenceDelta(this.lastSeq, seq);
    // Only newer values move the anchor, so one old straggler cannot drag it back.
    if (unwrapped > this.lastSeqUnwrapped) {
      this.lastSeq = seq & 0xffff;
      this.lastSeqUnwrapped = unwrapped;
    }
    return unwrapped;
  }

  /** Unwrapped timestamp relative to the first timestamp seen after reset (which maps to 0). */
  ts(ts: u32): i64 {
    if (!this.tsAnchored) {
      this.tsAnchored = true;
      this.lastTs = ts;
      this.lastTsUnwrapped = 0;
      return 0;
    }
    const unwrapped = this.lastTsUnwrapped + timestampDelta(this.lastTs, ts);
    if (unwrapped > this.lastTsUnwrapped) {
      this.lastTs = ts;
      this.lastTsUnwrapped = unwrapped;
    }
    return unwrapped;
  }
}
