// RFC 2198 redundant audio (the SDP's `a=rtpmap:N red/48000/2`, Chromium's
// audio/red): each packet carries the current encoded frame (the primary) and
// copies of the frames sent just before it. Chromium sends it when an app
// prefers red in setCodecPreferences, and its receiver transform hands the
// RED payload over as it came, so a feed that took it for Opus would decode
// its headers as audio. Parsing, and the choice of which copies fill a gap;
// no audio is made here.

import { sequenceDelta, timestampDelta } from '../trace/rtp_arithmetic.js';

/** One block of a RED payload: a frame of the inner codec. */
export interface RedundantAudioBlock {
  /** The inner codec's payload type (Opus's, as the SDP's `a=fmtp:N 111/111` names it). */
  payloadType: number;
  /** How far before the packet's timestamp this frame starts, in RTP clock units (0 for the primary). */
  timestampOffset: number;
  /** The frame (a view into the packet's payload). */
  payload: Uint8Array;
}

/** A RED payload: the copies of earlier frames, oldest first, then the primary. */
export interface RedundantAudioPayload {
  redundant: RedundantAudioBlock[];
  primary: RedundantAudioBlock;
}

/** Bytes of a redundant block's header: F bit, payload type, 14-bit timestamp offset, 10-bit length. */
const REDUNDANT_HEADER_BYTES = 4;

/** Splits a RED payload into its blocks; null when its headers do not fit it or its primary is empty. */
export function parseRedundantAudio(payload: Uint8Array): RedundantAudioPayload | null {
  const headers: { payloadType: number; timestampOffset: number; length: number }[] = [];
  let at = 0;
  // Each header but the last has the F bit set and is 4 bytes; the last (the primary's) is 1 byte.
  while (at < payload.length && (payload[at]! & 0x80) !== 0) {
    if (at + REDUNDANT_HEADER_BYTES > payload.length) return null;
    const b1 = payload[at + 1]!;
    const b2 = payload[at + 2]!;
    const b3 = payload[at + 3]!;
    headers.push({ payloadType: payload[at]! & 0x7f, timestampOffset: (b1 << 6) | (b2 >> 2), length: ((b2 & 0x03) << 8) | b3 });
    at += REDUNDANT_HEADER_BYTES;
  }
  if (at >= payload.length) return null;
  const primaryType = payload[at]! & 0x7f;
  at += 1;
  const redundant: RedundantAudioBlock[] = [];
  for (const h of headers) {
    if (at + h.length > payload.length) return null;
    redundant.push({ payloadType: h.payloadType, timestampOffset: h.timestampOffset, payload: payload.subarray(at, at + h.length) });
    at += h.length;
  }
  if (at >= payload.length) return null;
  return { redundant, primary: { payloadType: primaryType, timestampOffset: 0, payload: payload.subarray(at) } };
}

/** A frame a RED packet gives the jitter buffer: the primary, or a copy that stands in for a packet that did not come. */
export interface RecoveredFrame {
  payload: Uint8Array;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  /** A copy of an earlier frame (its packet was lost or is late), not the packet's own. */
  recovered: boolean;
}

/**
 * Turns one stream's RED packets into frames for the jitter buffer, in
 * sequence order: a packet's copies of earlier frames only where those
 * packets have not come (a sequence gap before this one, and a timestamp
 * after the last frame's), then its primary. The k-th copy from the end
 * stands for the packet k before this one: the sender copies the frames it
 * sent last, one packet each. Packets without audio (Chromium's padding-only
 * bandwidth probes) take sequence numbers too: the feed reports them
 * (noteSequence), so a copy is never given a probe's number. A copy of a
 * packet that comes after all (reordered) reaches the buffer as a duplicate,
 * which it counts.
 */
export class RedundantAudioSplitter {
  private lastSequence = -1;
  private lastTimestamp = 0;
  private ssrc = -1;

  /** A packet of stream `ssrc` that carries no audio (a padding-only probe) took `sequenceNumber`. */
  noteSequence(sequenceNumber: number, ssrc: number): void {
    this.follow(ssrc);
    if (this.lastSequence < 0 || sequenceDelta(this.lastSequence, sequenceNumber) > 0) this.lastSequence = sequenceNumber;
  }

  /** The frames of one RED packet of stream `ssrc` (null: malformed, nothing to play). */
  split(payload: Uint8Array, sequenceNumber: number, timestamp: number, ssrc: number): RecoveredFrame[] | null {
    const red = parseRedundantAudio(payload);
    if (!red) return null;
    this.follow(ssrc);
    const frames: RecoveredFrame[] = [];
    const count = red.redundant.length;
    const started = this.lastSequence >= 0;
    red.redundant.forEach((block, i) => {
      const seq = (sequenceNumber - (count - i)) & 0xffff;
      // A copy must start before the primary (RFC 2198: the offset is unsigned) and after the last frame that came.
      const ts = (timestamp - block.timestampOffset) >>> 0;
      if (!started || block.payload.length === 0 || sequenceDelta(this.lastSequence, seq) <= 0) return;
      if (timestampDelta(ts, timestamp) <= 0 || timestampDelta(this.lastTimestamp, ts) <= 0) return;
      frames.push({ payload: block.payload, payloadType: block.payloadType, sequenceNumber: seq, timestamp: ts, recovered: true });
    });
    frames.push({ payload: red.primary.payload, payloadType: red.primary.payloadType, sequenceNumber, timestamp, recovered: false });
    if (!started || sequenceDelta(this.lastSequence, sequenceNumber) > 0) {
      this.lastSequence = sequenceNumber;
      this.lastTimestamp = timestamp;
    }
    return frames;
  }

  /** A new stream's sequence numbers and timestamps have nothing to do with the last one's. */
  private follow(ssrc: number): void {
    if (ssrc !== this.ssrc) this.lastSequence = -1;
    this.ssrc = ssrc;
  }
}
