// The sample work of concealment and of the way back from it: the codec's own
// PLC where it has one (with what it made beyond a request carried over), else
// pitch repetition of the history; the continuation a merge cross-fades from;
// recovery from in-band FEC. How long to conceal and when to recover is
// decide()'s (decision.ts); the engine books what was done.

import { CONCEAL_SLACK_FRAMES, Decoder } from './codec';
import { PeriodMatch, rms, searchPeriod } from './dsp/correlation';
import { PitchRepeater } from './dsp/expand';
import { crossfadeFrom } from './dsp/merge';
import { LOW_ENERGY_RMS } from './dsp/stretch_acceptance';
import { MAX_PERIOD, MIN_PERIOD } from './dsp/voiced_stretch';
import { SyncBuffer } from './sync_buffer';

/** Cross-fade from concealment into real audio: 2.5 ms, one short pitch period. */
const MERGE_FRAMES: i32 = 120;

/** Concealment state of one stream, reserved at construction. */
export class Concealer {
  private readonly channels: i32;
  private readonly sync: SyncBuffer;
  private readonly decoder: Decoder;
  private readonly repeaters: StaticArray<PitchRepeater>;
  private readonly scratch: StaticArray<f32> = new StaticArray<f32>(2 * MAX_PERIOD);
  private readonly match: PeriodMatch = new PeriodMatch();
  /** Codec concealment made beyond what was asked (codecs conceal in steps), played next or cross-faded from. */
  private readonly carry: StaticArray<f32>;
  private carryFrames: i32 = 0;
  /** The continuation a merge cross-fades from, per channel. */
  private readonly mergeFrom: StaticArray<f32>;
  /** The concealment under way (or last) is the codec's own: its decoder state runs on. */
  codecConcealing: bool = false;

  constructor(sync: SyncBuffer, decoder: Decoder, sampleRate: i32) {
    const channels = sync.channels;
    this.channels = channels;
    this.sync = sync;
    this.decoder = decoder;
    const repeaters = new StaticArray<PitchRepeater>(channels);
    for (let c = 0; c < channels; c++) repeaters[c] = new PitchRepeater(MAX_PERIOD, <f32>sampleRate);
    this.repeaters = repeaters;
    this.carry = new StaticArray<f32>(channels * CONCEAL_SLACK_FRAMES);
    this.mergeFrom = new StaticArray<f32>(channels * MERGE_FRAMES);
  }

  /**
   * Appends exactly `frames` frames of concealment to the decoded store;
   * returns the sync index they start at. A new concealment asks the codec
   * first; so does one the codec has been serving (`continuing`). Where the
   * codec has no PLC (or fails), pitch repetition takes over from the history.
   */
  conceal(frames: i32, continuing: bool): i32 {
    this.sync.reserve(frames + CONCEAL_SLACK_FRAMES);
    const end = this.sync.endIndex;
    this.fill(end, frames, continuing);
    this.sync.endIndex += frames;
    return end;
  }

  /** True when `frames` at sync index `start` are quiet: concealment that has faded out (webrtc-stats silentConcealedSamples). */
  isSilent(start: i32, frames: i32): bool {
    return rms(this.sync.ptr(0, start), frames) < LOW_ENERGY_RMS;
  }

  private fill(end: i32, frames: i32, continuing: bool): void {
    if (!continuing || this.codecConcealing) {
      if (this.codecConceal(end, frames, continuing)) {
        this.codecConcealing = true;
        return;
      }
      this.codecConcealing = false;
      searchPeriod(this.sync.ptr(0, end), 2, MIN_PERIOD, MAX_PERIOD, changetype<usize>(this.scratch), this.match);
      for (let c = 0; c < this.channels; c++) unchecked(this.repeaters[c]).start(this.sync.ptr(c, end), this.match.lag);
    }
    for (let c = 0; c < this.channels; c++) unchecked(this.repeaters[c]).generate(this.sync.ptr(c, end), frames);
  }

  /**
   * The codec's concealment, exactly `frames` long although codecs conceal in
   * steps (libopus: 2.5 ms): what a step made beyond the request is carried to
   * the next call, or cross-faded from when real audio resumes. The decoder's
   * state so stays in step with what plays. False when the codec has no PLC.
   */
  private codecConceal(end: i32, frames: i32, continuing: bool): bool {
    if (!continuing) {
      this.carryFrames = 0;
      // Should the packet awaited come after all, its decode must follow the audio played, not this concealment.
      this.decoder.checkpoint();
    }
    const take = min(this.carryFrames, frames);
    if (take > 0) {
      for (let c = 0; c < this.channels; c++) {
        const from = this.carryPtr(c);
        memory.copy(this.sync.ptr(c, end), from, <usize>take << 2);
        memory.copy(from, from + (<usize>take << 2), <usize>(this.carryFrames - take) << 2);
      }
      this.carryFrames -= take;
    }
    const want = frames - take;
    if (want == 0) return true;
    const made = this.decoder.conceal(this.sync.ptr(0, end + take), want, this.sync.capacity);
    if (made == 0) {
      this.carryFrames = 0;
      return false;
    }
    const surplus = made - want;
    for (let c = 0; c < this.channels; c++) memory.copy(this.carryPtr(c), this.sync.ptr(c, end + frames), <usize>surplus << 2);
    this.carryFrames = surplus;
    return true;
  }

  private carryPtr(channel: i32): usize {
    return changetype<usize>(this.carry) + (<usize>(channel * CONCEAL_SLACK_FRAMES) << 2);
  }

  /**
   * After a codec's concealment that stood in for no audio (the packet awaited
   * came late, not lost): the decoder goes back to where the last real packet
   * left it, so the late packet decodes as the continuation of the audio played.
   * Decoded after its own concealment instead, it starts from the decoder's
   * guess, 10 ms of it whatever the wait, and differs from what the sender
   * encoded for tens of ms (stalls of 0.3–2.7 ms in speech: 4.1 dB log-spectral
   * distance over the 45 ms around the stall, against 1.6 rolled back;
   * test/replay/stall_quality.test.ts).
   */
  rollBack(): void {
    if (this.codecConcealing) this.decoder.rollBack();
  }

  /**
   * Readies the concealment's continuation for a cross-fade into real audio:
   * the codec's carried concealment, or more pitch repetition. Returns the
   * cross-fade length (0: the codec left nothing to fade from).
   */
  prepareMerge(): i32 {
    const fade = MERGE_FRAMES;
    if (!this.codecConcealing) {
      for (let c = 0; c < this.channels; c++) unchecked(this.repeaters[c]).generate(this.mergeFromPtr(c), fade);
      return fade;
    }
    const n = min(fade, this.carryFrames);
    for (let c = 0; c < this.channels; c++) memory.copy(this.mergeFromPtr(c), this.carryPtr(c), <usize>n << 2);
    this.carryFrames = 0;
    return n;
  }

  /** Cross-fades `n` frames of the prepared continuation into the audio at sync index `start`. */
  mergeInto(start: i32, n: i32): void {
    for (let c = 0; c < this.channels; c++) crossfadeFrom(this.sync.ptr(c, start), this.mergeFromPtr(c), n);
  }

  private mergeFromPtr(channel: i32): usize {
    return changetype<usize>(this.mergeFrom) + (<usize>(channel * MERGE_FRAMES) << 2);
  }

  /**
   * Appends the `fec` frames the payload's in-band FEC recovers, less the
   * first `skip` that concealment already stood in for; after concealment
   * (`afterConcealment`: the decoder ran ahead by what it carried) fades from
   * that into them. Returns the sync index they start at, or −1 when the codec could not.
   */
  recoverFec(payload: usize, length: i32, fec: i32, skip: i32, afterConcealment: bool): i32 {
    this.sync.reserve(fec);
    const end = this.sync.endIndex;
    if (this.decoder.decodeFec(payload, length, this.sync.ptr(0, end), fec, this.sync.capacity) != fec) return -1;
    this.sync.endIndex += fec;
    if (skip > 0) this.sync.removeAt(end, skip);
    if (afterConcealment) this.mergeInto(end, min(fec - skip, this.prepareMerge()));
    return end;
  }
}
