// Where an arriving packet sits on the stream's timeline: its sequence number
// and timestamp unwrapped, whether it was seen before, and whether it starts a
// new stream (an SSRC change, a leap, a restart). The engine files it and
// resynchronises when told.

import { CODEC_HOST, RESET_REASON_RESTART, RESET_REASON_SEQUENCE_LEAP, RESET_REASON_TIMESTAMP_LEAP, RESTART_REWIND_MS, SAMPLE_RATE } from './abi';
import { Decoder } from './codec';
import { SeenSequences, SLOT_COMFORT_NOISE, SLOT_DTX_FRAME, SLOT_MARKER } from './packet_buffer';
import { Unwrapper } from './wrap';

/** Longest packet accepted: 120 ms, Opus's maximum. */
export const MAX_PACKET_FRAMES: i32 = 5760;
/** Longest codec DTX frame: Opus signals DTX with 1–2 byte packets (a TOC byte, no or an empty frame; RFC 6716 §3). */
const DTX_FRAME_MAX_BYTES: i32 = 2;
/** A packet further than 60 s from the playout point starts a new stream. */
const LEAP_FRAMES: f64 = 60 * <f64>SAMPLE_RATE;
/** A sequence jump beyond 3000 packets (a minute of 20 ms packets) starts a new stream. */
const SEQUENCE_LEAP: i64 = 3000;
/** A restart rewinds the timestamp by more than RESTART_REWIND_MS, in frames. */
const RESTART_REWIND_FRAMES: f64 = (<f64>RESTART_REWIND_MS * <f64>SAMPLE_RATE) / 1000;

/** One stream's packet placement. */
export class Intake {
  private readonly seen: SeenSequences = new SeenSequences();
  private readonly unwrap: Unwrapper = new Unwrapper();
  /** Output frames per RTP timestamp unit. */
  private readonly framesPerTick: f64;
  private ssrc: f64 = -1;
  private highestSeq: i64 = -1;
  /** Highest sender-timeline position seen since the stream (re)started, frames. */
  private highestPos: f64 = -Infinity;
  /** The last located packet's unwrapped sequence number. */
  seq: i64 = 0;
  /** The last located packet's position on the sender's timeline, output frames. */
  pos: f64 = 0;

  constructor(clockRate: i32) {
    this.framesPerTick = <f64>SAMPLE_RATE / <f64>clockRate;
  }

  /**
   * Output frames the payload at `payload` lasts, or −1 when `decoder` cannot
   * size it (refused before it counts as received or marks its sequence number
   * seen: a valid copy may still follow). Comfort noise has no duration of its
   * own (0: it lasts until the next audio); its level byte must have the unused
   * top bit clear (RFC 3389 §3.1).
   */
  framesOf(decoder: Decoder, payload: usize, length: i32, comfortNoise: bool): i32 {
    if (comfortNoise) return (load<u8>(payload) & 0x80) == 0 ? 0 : -1;
    const frames = decoder.framesOf(payload, length);
    return frames > 0 && frames <= MAX_PACKET_FRAMES ? frames : -1;
  }

  /** The packet buffer's SLOT_* flags of a packet: its marker bit, comfort noise, or a codec DTX frame. */
  slotFlags(decoder: Decoder, length: i32, marker: bool, comfortNoise: bool): i32 {
    const dtxFrame = !comfortNoise && decoder.codec == CODEC_HOST && length <= DTX_FRAME_MAX_BYTES;
    return (marker ? SLOT_MARKER : 0) | (comfortNoise ? SLOT_COMFORT_NOISE : 0) | (dtxFrame ? SLOT_DTX_FRAME : 0);
  }

  /** True when `ssrc` (negative: unknown) differs from the stream's: a new stream. The stream takes it on. */
  ssrcChanged(ssrc: f64): bool {
    const changed = ssrc >= 0 && this.ssrc >= 0 && ssrc != this.ssrc;
    if (ssrc >= 0) this.ssrc = ssrc;
    return changed;
  }

  /** Unwraps `seq` and `timestamp` into `seq` and `pos`. */
  locate(seq: u32, timestamp: u32): void {
    this.seq = this.unwrap.seq(seq);
    this.pos = <f64>this.unwrap.ts(timestamp) * this.framesPerTick;
  }

  /**
   * The RESET_REASON_* for which the located packet starts a new stream, or
   * −1: a sequence leap; a timestamp leap from `referencePos` (where the
   * stream is, when `active`); or a restart: a marker packet whose sequence
   * number and timestamp both went back, the timestamp by more than
   * RESTART_REWIND_MS, not a reordered one (a packet that late could not play anyway).
   */
  newStreamReason(marker: bool, active: bool, referencePos: f64): i32 {
    if (this.highestSeq >= 0 && abs(this.seq - this.highestSeq) > SEQUENCE_LEAP) return RESET_REASON_SEQUENCE_LEAP;
    if (active && Math.abs(this.pos - referencePos) > LEAP_FRAMES) return RESET_REASON_TIMESTAMP_LEAP;
    if (marker && this.highestSeq >= 0 && this.seq < this.highestSeq && this.pos < this.highestPos - RESTART_REWIND_FRAMES) return RESET_REASON_RESTART;
    return -1;
  }

  /** Marks the located packet seen; true when it was seen before (a duplicate). */
  isDuplicate(): bool {
    if (this.seen.markAndCheck(this.seq)) return true;
    if (this.seq > this.highestSeq) this.highestSeq = this.seq;
    if (this.pos > this.highestPos) this.highestPos = this.pos;
    return false;
  }

  /** A new stream: nothing seen, the unwrapping starts over (the SSRC is kept). */
  reset(): void {
    this.seen.reset();
    this.unwrap.reset();
    this.highestSeq = -1;
    this.highestPos = -Infinity;
  }
}
