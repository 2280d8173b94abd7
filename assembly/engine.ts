// One audio stream: packets in, 48 kHz audio out, on the audio clock alone.
// insert() files a packet; pull() asks decide() for operations until enough
// audio is buffered, carries each out through the DSP modules, and emits.
// Everything is reserved in the constructor; insert and pull never allocate.

import { MAX_PULL_FRAMES, SAMPLE_RATE } from './abi';
import { DelayTracker } from './arrival';
import { Decoder, CONCEAL_SLACK_FRAMES } from './codec';
import {
  decide, Status, CONTIGUOUS_TOLERANCE_FRAMES,
  OP_IDLE, OP_NORMAL, OP_ACCELERATE, OP_ACCELERATE_FAST, OP_PREEMPTIVE_EXPAND, OP_EXPAND, OP_MERGE, OP_DTX, OP_COMFORT_NOISE,
  OUTCOME_NONE, OUTCOME_NORMAL, OUTCOME_STRETCHED, OUTCOME_STRETCH_FAILED, OUTCOME_CONCEALED, OUTCOME_DTX, OUTCOME_IDLE,
} from './decision';
import { ComfortNoise, comfortNoiseRms } from './dsp/comfort_noise';
import { searchPeriod, foundLag, quietRun, rms } from './dsp/correlation';
import { PitchRepeater } from './dsp/expand';
import { crossfadeFrom } from './dsp/merge';
import { accelerateInPlace, expandInPlace, insertQuietInPlace, removeQuietInPlace } from './dsp/time_stretch';
import { MAX_PERIOD, MAX_VOICED_STRETCH, MIN_PERIOD, voicedStretchLag } from './dsp/voiced_stretch';
import * as ev from './events';
import { PacketBuffer, SeenSequences, SLOT_COMFORT_NOISE, SLOT_DTX_FRAME, SLOT_MARKER } from './packet_buffer';
import { Profile } from './profile';
import * as R from './abi';
import * as S from './stats';
import { SyncBuffer } from './sync_buffer';
import { Unwrapper } from './wrap';

/** History kept behind the play point: two longest periods plus one sample for concealment's search. */
const HISTORY_FRAMES: i32 = 2048;
/** Longest packet accepted: 120 ms, Opus's maximum. */
export const MAX_PACKET_FRAMES: i32 = 5760;
/** Decoded store: a pull's worth plus two packets for a stretch plus history. */
const SYNC_CAPACITY: i32 = MAX_PULL_FRAMES + 2 * MAX_PACKET_FRAMES + HISTORY_FRAMES;
/** Cross-fade from concealment into real audio: 2.5 ms, one short pitch period. */
const MERGE_FRAMES: i32 = 120;
/** Below −50 dBFS RMS audio counts as quiet (a pause, background noise): stretched without a period match. */
const LOW_ENERGY_RMS: f32 = 0.00316;
/** Shortest quiet stretch: below a third of a millisecond the bookkeeping is not worth it. */
const MIN_LOW_ENERGY_STRETCH: i32 = 16;
/** Fade at the seam of a quiet stretch: 2.5 ms, as the merge's; no pitch to keep in step. */
const QUIET_FADE: i32 = 120;
/** Most removed from a pause at once: 100 ms shorter, a pause still sounds like a pause. */
const MAX_QUIET_STRETCH: i32 = 4800;
/** Most inserted into a pause at once: 40 ms, within the history kept behind the play point. */
const MAX_QUIET_INSERT: i32 = 1920;
/** The stretch allowance saves up to the longest voiced stretch, so a long period (or its multiple) can always pass. */
const STRETCH_BUDGET_CAP: f64 = <f64>MAX_VOICED_STRETCH;
/** A delay spike that lasts 2 s (twice the longest of a cellular path's) is a step of the path's delay. */
const SPIKE_STEP_MS: f64 = 2000;
/** The dead band grows with the target: 5 % of it (2 ms at 40 ms, 5 ms at 100 ms). */
const DEADBAND_SHARE: f64 = 0.05;
/** A packet further than 60 s from the playout point starts a new stream. */
const LEAP_FRAMES: f64 = 60 * <f64>SAMPLE_RATE;
/** A sequence jump beyond 3000 packets (a minute of 20 ms packets) starts a new stream. */
const SEQUENCE_LEAP: i64 = 3000;
/** Longest codec DTX frame: Opus signals DTX with 1–2 byte packets (a TOC byte, no or an empty frame; RFC 6716 §3). */
const DTX_FRAME_MAX_BYTES: i32 = 2;

/** One stream's playout engine. */
export class Engine {
  readonly id: i32;
  readonly channels: i32;
  readonly clockRate: i32;
  /** Output frames per RTP timestamp unit. */
  private readonly framesPerTick: f64;
  readonly profile: Profile = new Profile();
  readonly buffer: PacketBuffer;
  private readonly seen: SeenSequences = new SeenSequences();
  private readonly unwrap: Unwrapper = new Unwrapper();
  readonly tracker: DelayTracker;
  readonly sync: SyncBuffer;
  private readonly decoder: Decoder;
  private readonly repeaters: StaticArray<PitchRepeater>;
  readonly stats: S.Stats = new S.Stats();
  readonly events: ev.EventLog = new ev.EventLog();
  readonly input: StaticArray<u8>;
  readonly output: StaticArray<f32>;
  private readonly scratch: StaticArray<f32> = new StaticArray<f32>(2 * MAX_PERIOD);
  private readonly mergeFrom: StaticArray<f32>;
  /** Codec concealment made beyond what was asked (codecs conceal in steps), played next or cross-faded from. */
  private readonly carry: StaticArray<f32>;
  private carryFrames: i32 = 0;
  private readonly status: Status = new Status();
  private readonly noise: ComfortNoise = new ComfortNoise();

  /** Output clock: frames emitted so far. */
  now: f64 = 0;
  private started: bool = false;
  private emitting: bool = false;
  /** Sender-timeline position (frames) of the next audio to decode. */
  private nextPos: f64 = 0;
  private lastSeq: i64 = -1;
  private lastEndPos: f64 = 0;
  /** Duration of the last decoded packet, frames (20 ms until one is known). */
  private lastPacketFrames: f64 = 960;
  private highestSeq: i64 = -1;
  /** Highest sender-timeline position seen since the stream (re)started, frames. */
  private highestPos: f64 = -Infinity;
  /** The last packet taken was a DTX frame or comfort noise: the sender is in a pause. */
  private pauseSignalled: bool = false;
  /** RMS of the comfort noise the last CN packet asked for (0: silence). */
  private noiseRms: f32 = 0;
  private ssrc: f64 = -1;
  private lastOutcome: i32 = OUTCOME_NONE;
  private usedCodecConcealment: bool = false;
  /** Concealment played while no packet was waiting: loss or DTX, decided when the next packet shows. */
  private pendingConcealed: f64 = 0;
  /** The part of it that waited for the missing audio (the playout point did not move). */
  private pendingWait: f64 = 0;
  /** The part of it that was silent (the concealment had faded out). */
  private pendingSilent: f64 = 0;
  /** Frames of the last pull: a packet must arrive one pull before its audio plays. */
  private lastPullFrames: f64 = 128;
  /** Voiced stretching allowed now, frames; a stream starts with the whole allowance (nothing was stretched yet). */
  private stretchBudget: f64 = STRETCH_BUDGET_CAP;
  /** Current target delay above the fastest recent packet, ms. */
  targetMs: f64 = 0;
  /** The delay estimate before clamping to the profile, ms: the body quantile, or above it the level recurring lateness calls for. */
  estimateMs: f64 = 0;
  /** The body of the estimate: the histogram's quantile, ms. */
  private bodyMs: f64 = 0;

  constructor(id: i32, codec: i32, channels: i32, clockRate: i32, payloadRate: i32, profileId: i32, slots: i32, slotBytes: i32) {
    this.id = id;
    this.channels = channels;
    this.clockRate = clockRate;
    this.framesPerTick = <f64>SAMPLE_RATE / <f64>clockRate;
    this.buffer = new PacketBuffer(slots, slotBytes);
    this.tracker = new DelayTracker(<f64>SAMPLE_RATE);
    this.sync = new SyncBuffer(channels, SYNC_CAPACITY, HISTORY_FRAMES);
    this.decoder = new Decoder(id, codec, channels, payloadRate, SAMPLE_RATE, MAX_PACKET_FRAMES);
    const repeaters = new StaticArray<PitchRepeater>(channels);
    for (let c = 0; c < channels; c++) repeaters[c] = new PitchRepeater(MAX_PERIOD, <f32>SAMPLE_RATE);
    this.repeaters = repeaters;
    this.input = new StaticArray<u8>(slotBytes);
    this.output = new StaticArray<f32>(channels * MAX_PULL_FRAMES);
    this.mergeFrom = new StaticArray<f32>(channels * MERGE_FRAMES);
    this.carry = new StaticArray<f32>(channels * CONCEAL_SLACK_FRAMES);
    this.profile.setBuiltIn(profileId);
    this.targetMs = this.profile.floorMs;
  }

  // ---- insert ------------------------------------------------------------

  /**
   * Files the packet whose payload the host wrote to `input`. `arrivalFrame`
   * is its arrival on the output clock (negative: now); `flags` the
   * INSERT_FLAG_* bits of abi.ts. Returns a result code.
   */
  insert(seq: u32, timestamp: u32, ssrc: f64, arrivalFrame: f64, length: i32, flags: i32): i32 {
    if (length <= 0 || length > this.buffer.slotBytes) {
      this.stats.add(S.STAT_PACKETS_INVALID, 1);
      return R.ERR_PAYLOAD;
    }
    // A payload the decoder cannot size is refused before it counts as received
    // or marks its sequence number seen: a valid copy may still follow.
    // Comfort noise has no duration of its own (it lasts until the next audio);
    // its level byte must have the unused top bit clear (RFC 3389 §3.1).
    const payload = changetype<usize>(this.input);
    const comfortNoise = (flags & R.INSERT_FLAG_COMFORT_NOISE) != 0;
    const frames = comfortNoise ? 0 : this.decoder.framesOf(payload, length);
    const sized = comfortNoise ? (load<u8>(payload) & 0x80) == 0 : frames > 0 && frames <= MAX_PACKET_FRAMES;
    if (!sized) {
      this.stats.add(S.STAT_PACKETS_INVALID, 1);
      return R.ERR_PAYLOAD;
    }
    const marker = (flags & R.INSERT_FLAG_MARKER) != 0;
    this.stats.add(S.STAT_PACKETS_RECEIVED, 1);
    const arrival = arrivalFrame < 0 || !isFinite(arrivalFrame) ? this.now : Math.min(arrivalFrame, this.now);
    let result = R.OK;
    if (ssrc >= 0 && this.ssrc >= 0 && ssrc != this.ssrc) {
      this.resync(R.RESET_REASON_SSRC_CHANGE);
      result = R.RESYNC;
    }
    if (ssrc >= 0) this.ssrc = ssrc;

    let seqU = this.unwrap.seq(seq);
    let pos = <f64>this.unwrap.ts(timestamp) * this.framesPerTick;
    const active = this.started || this.buffer.count > 0;
    const seqLeap = this.highestSeq >= 0 && abs(seqU - this.highestSeq) > SEQUENCE_LEAP;
    const tsLeap = active && Math.abs(pos - this.referencePos()) > LEAP_FRAMES;
    const restart = marker && this.isRestart(seqU, pos);
    if (seqLeap || tsLeap || restart) {
      this.resync(seqLeap ? R.RESET_REASON_SEQUENCE_LEAP : tsLeap ? R.RESET_REASON_TIMESTAMP_LEAP : R.RESET_REASON_RESTART);
      result = R.RESYNC;
      seqU = this.unwrap.seq(seq);
      pos = <f64>this.unwrap.ts(timestamp) * this.framesPerTick;
    }

    if (this.seen.markAndCheck(seqU)) {
      this.stats.add(S.STAT_PACKETS_DUPLICATED, 1);
      this.events.push(ev.EVENT_DUPLICATE, arrival, <f64>seqU, 0);
      return R.DUPLICATE;
    }
    if (seqU > this.highestSeq) this.highestSeq = seqU;
    if (pos > this.highestPos) this.highestPos = pos;

    this.tracker.observe(arrival, pos, this.profile.memoryPackets, this.bodyMs);
    this.updateTarget();

    if (this.started && this.hasPassed(pos, frames)) {
      this.discard(S.STAT_PACKETS_LATE, ev.EVENT_LATE, seqU, arrival);
      return R.LATE;
    }
    if (this.buffer.isFull()) {
      // The oldest packet is the one whose playout would add the most delay.
      const oldest = this.buffer.first();
      this.discard(S.STAT_PACKETS_OVERFLOW, ev.EVENT_OVERFLOW, unchecked(this.buffer.seq[oldest]), arrival);
      this.removeFirstPacket();
      result = R.OVERFLOW;
    }
    const fecFrames = comfortNoise ? 0 : this.decoder.fecFramesOf(payload, length);
    if (fecFrames > 0) this.stats.add(S.STAT_FEC_PACKETS_RECEIVED, 1);
    const dtxFrame = !comfortNoise && this.decoder.codec == R.CODEC_HOST && length <= DTX_FRAME_MAX_BYTES;
    const slotFlags = (marker ? SLOT_MARKER : 0) | (comfortNoise ? SLOT_COMFORT_NOISE : 0) | (dtxFrame ? SLOT_DTX_FRAME : 0);
    this.buffer.insert(seqU, <i64>Math.round(pos), frames, fecFrames, arrival, slotFlags, payload, length);
    return result;
  }

  /**
   * A marker packet whose sequence number and timestamp both went back, the
   * timestamp by more than RESTART_REWIND_MS, is the first of a restarted
   * stream (RESET_REASON_RESTART), not a reordered one: a packet that late
   * could not play anyway.
   */
  private isRestart(seqU: i64, pos: f64): bool {
    const rewind = (<f64>R.RESTART_REWIND_MS * <f64>SAMPLE_RATE) / 1000;
    return this.highestSeq >= 0 && seqU < this.highestSeq && pos < this.highestPos - rewind;
  }

  /**
   * True when a packet at `pos` of `frames` lies wholly before the playout
   * point: too late to play. Comfort noise (no frames) has passed once the
   * playout point is beyond its position.
   */
  private hasPassed(pos: f64, frames: i32): bool {
    if (frames == 0) return pos < this.nextPos - CONTIGUOUS_TOLERANCE_FRAMES;
    return pos + <f64>frames <= this.nextPos + CONTIGUOUS_TOLERANCE_FRAMES;
  }

  /** Where the stream is now on the sender's timeline, for leap detection. */
  private referencePos(): f64 {
    if (this.started) return this.nextPos;
    const first = this.buffer.first();
    return first >= 0 ? <f64>unchecked(this.buffer.pos[first]) : 0;
  }

  /**
   * Takes the earliest packet out of the buffer. FEC it carried that recovered
   * nothing is counted as discarded (webrtc-stats fecPacketsDiscarded).
   */
  private removeFirstPacket(): void {
    const first = this.buffer.first();
    if (first >= 0 && unchecked(this.buffer.fecFrames[first]) > 0) this.stats.add(S.STAT_FEC_PACKETS_DISCARDED, 1);
    this.buffer.removeFirst();
  }

  private discard(counter: i32, event: i32, seq: i64, frame: f64): void {
    this.stats.add(counter, 1);
    this.stats.add(S.STAT_PACKETS_DISCARDED, 1);
    this.events.push(event, frame, <f64>seq, 0);
  }

  /** Starts a new stream (`reason`: RESET_REASON_* of abi.ts): buffered packets are discarded and counted, state forgotten, playout restarts at the next packet. */
  resync(reason: i32): void {
    const waiting = this.buffer.count;
    this.stats.add(S.STAT_PACKETS_DISCARDED, <f64>waiting);
    while (this.buffer.count > 0) this.removeFirstPacket();
    this.seen.reset();
    this.unwrap.reset();
    this.tracker.reset();
    this.decoder.reset();
    this.commitPending(false, 0);
    this.pendingWait = 0;
    this.started = false;
    this.lastSeq = -1;
    this.highestSeq = -1;
    this.highestPos = -Infinity;
    this.pauseSignalled = false;
    this.noiseRms = 0;
    this.noise.reset();
    this.lastOutcome = OUTCOME_NONE;
    this.stats.add(S.STAT_STREAM_RESETS, 1);
    this.events.push(ev.EVENT_RESET, this.now, <f64>reason, <f64>waiting);
  }

  // ---- target --------------------------------------------------------------

  /**
   * Target = delay estimate clamped to the profile's floor and ceiling, where
   * the estimate is the histogram's quantile (the body), or above it the
   * level that recurring lateness calls for (lateness.ts).
   */
  updateTarget(): void {
    const p = this.profile;
    const nowMs = (this.now * 1000) / <f64>SAMPLE_RATE;
    this.bodyMs = this.tracker.quantileMs(p.quantile);
    const marginMs = (this.lastPullFrames * 1000) / <f64>SAMPLE_RATE;
    this.estimateMs = this.tracker.lateness.coverMs(nowMs, p.latenessWindowMs, p.episodeCostMs, marginMs, this.bodyMs, this.tracker.baselineMs());
    this.targetMs = Math.min(p.ceilingMs, Math.max(p.floorMs, this.estimateMs));
  }

  /**
   * The delay playout is steered to, ms: the target, or while a delay spike
   * lasts the profile's floor above the spike's floor (the path is that much
   * slower for now, its packets must still play, with the room for jitter the
   * profile keeps on a calm path), up to the ceiling.
   */
  private steeredTargetMs(): f64 {
    const spike = this.tracker.spikeFloorMs;
    if (spike <= 0) return this.targetMs;
    return Math.min(this.profile.ceilingMs, Math.max(this.targetMs, spike + this.profile.floorMs));
  }

  /**
   * How far the playout offset is outside the band it may sit in, in frames:
   * above the steered target (positive: accelerate) or below the target
   * (negative: expand); 0 between. A spike holds the delay up, it does not
   * pull it up: the wait at the spike's onset raised it already. A spike that
   * lasts is a step of the path's delay (a route change, a queue that stays),
   * whose jitter room must be restored: then it pulls up too.
   */
  private errorFrames(): f64 {
    const offset = this.offsetFrames();
    const high = this.msToFrames(this.steeredTargetMs());
    if (offset > high) return offset - high;
    const nowMs = (this.now * 1000) / <f64>SAMPLE_RATE;
    const t = this.tracker;
    const step = t.spikeFloorMs > 0 && nowMs - t.spikeSinceMs > SPIKE_STEP_MS;
    return Math.min(0, offset - (step ? high : this.msToFrames(this.targetMs)));
  }

  private msToFrames(ms: f64): f64 {
    return (ms * <f64>SAMPLE_RATE) / 1000;
  }

  /**
   * The dead band around the target, frames: the profile's, or 5 % of the
   * target when that is wider: a correction smaller than that buys too little
   * latency for the artefact a stretch is.
   */
  private deadbandFrames(): f64 {
    return this.msToFrames(Math.max(this.profile.deadbandMs, DEADBAND_SHARE * this.targetMs));
  }

  /** The playout offset above the fastest recent packet, frames: the delay the engine steers. */
  private offsetFrames(): f64 {
    return this.now + <f64>this.sync.unplayed() - this.nextPos - this.tracker.minTransit;
  }

  /** Delay the engine steers: playout offset above the fastest recent packet, ms. */
  currentDelayMs(): f64 {
    if (!this.started) return 0;
    return (this.offsetFrames() * 1000) / <f64>SAMPLE_RATE;
  }

  // ---- pull ----------------------------------------------------------------

  /** Emits `frames` frames per channel to `output` (planar, MAX_PULL_FRAMES floats per channel). */
  pull(frames: i32): i32 {
    if (frames <= 0 || frames > MAX_PULL_FRAMES) return R.ERR_ARGUMENT;
    this.lastPullFrames = <f64>frames;
    let guard = 0;
    while (this.sync.unplayed() < frames && guard < 64) {
      this.produce(frames - this.sync.unplayed());
      guard++;
    }
    if (this.sync.unplayed() < frames) this.appendSilence(frames - this.sync.unplayed()); // never reached in practice; keeps pull total
    this.sync.emit(changetype<usize>(this.output), MAX_PULL_FRAMES, frames);
    if (this.emitting) this.stats.add(S.STAT_TOTAL_SAMPLES_EMITTED, <f64>frames);
    this.now += <f64>frames;
    // The output clock is the one gauge kept on every pull (a store): the worklet reads it each quantum.
    this.stats.set(S.STAT_NOW_FRAMES, this.now);
    return R.OK;
  }

  /** Computes the gauges of the stats block (delays, buffer level, events lost); the host calls it when it reads them, not on every pull. */
  refreshStats(): void {
    const st = this.stats;
    st.set(S.STAT_TARGET_DELAY_MS, this.steeredTargetMs());
    st.set(S.STAT_CURRENT_DELAY_MS, this.currentDelayMs());
    const ahead = <f64>this.sync.unplayed() + Math.max(0, <f64>this.buffer.endPos(<i64>this.nextPos) - this.nextPos);
    st.set(S.STAT_BUFFERED_MS, (ahead * 1000) / <f64>SAMPLE_RATE);
    st.set(S.STAT_PACKETS_BUFFERED, <f64>this.buffer.count);
    st.set(S.STAT_EVENTS_LOST, this.events.lost);
    st.set(S.STAT_DELAY_ESTIMATE_MS, this.estimateMs);
  }

  /** Gathers the status, decides, and carries out one operation. */
  private produce(need: i32): void {
    this.discardPassedPackets();
    const s = this.status;
    const p = this.profile;
    const first = this.buffer.first();
    s.started = this.started;
    s.packetAvailable = first >= 0;
    s.lastOutcome = this.lastOutcome;
    s.deadbandFrames = this.deadbandFrames();
    s.fastAboveFrames = this.msToFrames(p.fastAboveMs);
    s.stretchBudgetFrames = this.stretchBudget;
    s.minStretchFrames = <f64>MIN_PERIOD;
    s.pauseSignalled = this.pauseSignalled;
    s.nextIsComfortNoise = false;
    if (first >= 0) {
      const pos = <f64>unchecked(this.buffer.pos[first]);
      s.sequenceContiguous = this.lastSeq >= 0 && unchecked(this.buffer.seq[first]) == this.lastSeq + 1;
      // The marker bit starts a talkspurt: the gap before it was a pause.
      s.pauseSignalled = this.pauseSignalled || this.buffer.has(first, SLOT_MARKER);
      s.nextIsComfortNoise = this.buffer.has(first, SLOT_COMFORT_NOISE);
      // Concealment that waited for missing audio, now that a later packet shows a gap
      // before it, stood in for the start of that gap: the playout point moves past what
      // it covered, so a loss (or a pause) costs no delay.
      if (this.pendingWait > 0 && pos - this.nextPos > CONTIGUOUS_TOLERANCE_FRAMES) {
        this.nextPos += Math.min(this.pendingWait, pos - this.nextPos);
      }
      this.pendingWait = 0;
      s.gapFrames = pos - this.nextPos;
      // A stream starts T after its first packet arrived, or earlier if the baseline says so.
      const ownTransit = unchecked(this.buffer.arrival[first]) - pos;
      s.startInFrames = pos + Math.min(this.tracker.minTransit, ownTransit) + this.msToFrames(this.targetMs) - (this.now + <f64>this.sync.unplayed());
      if (this.pendingConcealed > 0) {
        const dtxGap = pos - this.lastEndPos;
        this.commitPending(s.sequenceContiguous && s.pauseSignalled, dtxGap);
      }
    }
    s.errorFrames = this.errorFrames();
    const op = decide(s);
    if (op == OP_IDLE) this.idle(need);
    else if (op == OP_NORMAL) this.normal();
    else if (op == OP_ACCELERATE) this.accelerate(p.stretchRate);
    else if (op == OP_ACCELERATE_FAST) this.accelerate(p.fastStretchRate);
    else if (op == OP_PREEMPTIVE_EXPAND) this.preemptiveExpand();
    else if (op == OP_EXPAND) this.expand(need);
    else if (op == OP_MERGE) this.merge();
    else if (op == OP_DTX) this.dtx(need);
    else if (op == OP_COMFORT_NOISE) this.takeComfortNoise();
  }

  /** Packets whose audio lies wholly before the playout point can never play: late. */
  private discardPassedPackets(): void {
    if (!this.started) return;
    let first = this.buffer.first();
    while (first >= 0) {
      if (!this.hasPassed(<f64>unchecked(this.buffer.pos[first]), unchecked(this.buffer.frames[first]))) break;
      this.discard(S.STAT_PACKETS_LATE, ev.EVENT_LATE, unchecked(this.buffer.seq[first]), this.now);
      this.removeFirstPacket();
      first = this.buffer.first();
    }
  }

  /**
   * Classifies concealment played while the buffer was dry, now that the next
   * packet shows: inside a signalled pause (sequence-contiguous, timestamp gap,
   * the sender said so) it stood in for the pause; otherwise, or beyond the
   * pause (the packet after it came late), it covered missing audio. The
   * pause is its first frames; its silent frames (faded out) are its last, so
   * they are counted with the concealed part first.
   */
  private commitPending(inSignalledPause: bool, dtxGapFrames: f64): void {
    const pending = this.pendingConcealed;
    if (pending <= 0) return;
    const pause = inSignalledPause ? Math.min(pending, Math.max(0, dtxGapFrames)) : 0;
    const concealed = pending - pause;
    if (pause > 0) this.countPause(pause);
    if (concealed > 0) {
      this.countConcealed(concealed, Math.min(concealed, this.pendingSilent));
      this.stats.add(S.STAT_CONCEALMENT_EVENTS, 1);
    }
    this.pendingConcealed = 0;
    this.pendingSilent = 0;
  }

  /** Counts `frames` concealed samples, `silent` of them silent: concealment is part of the samples received (webrtc-stats). */
  private countConcealed(frames: f64, silent: f64): void {
    this.stats.add(S.STAT_CONCEALED_SAMPLES, frames);
    this.stats.add(S.STAT_SILENT_CONCEALED_SAMPLES, silent);
    this.stats.add(S.STAT_TOTAL_SAMPLES_RECEIVED, frames);
  }

  /** Counts `frames` samples of a signalled pause (silence or comfort noise): received, not concealed. */
  private countPause(frames: f64): void {
    this.stats.add(S.STAT_DTX_SAMPLES, frames);
    this.stats.add(S.STAT_TOTAL_SAMPLES_RECEIVED, frames);
  }

  // ---- operations ------------------------------------------------------------

  private appendSilence(frames: i32): void {
    this.sync.reserve(frames);
    for (let c = 0; c < this.channels; c++) memory.fill(this.sync.ptr(c, this.sync.endIndex), 0, <usize>frames << 2);
    this.sync.endIndex += frames;
  }

  /** Appends a pause: comfort noise at the level the last CN packet gave, else silence. */
  private appendPause(frames: i32): void {
    if (this.noiseRms <= 0) {
      this.appendSilence(frames);
      return;
    }
    this.sync.reserve(frames);
    for (let c = 0; c < this.channels; c++) this.noise.generate(this.sync.ptr(c, this.sync.endIndex), frames, this.noiseRms);
    this.sync.endIndex += frames;
  }

  /** Before the stream starts (or after a reset): silence, not counted as concealment. */
  private idle(need: i32): void {
    let frames = need;
    if (this.status.packetAvailable) frames = <i32>Math.max(1, Math.min(<f64>need, Math.ceil(this.status.startInFrames)));
    this.appendSilence(frames);
    this.lastOutcome = OUTCOME_IDLE;
  }

  /**
   * Decodes the earliest packet onto the end of the decoded store, skipping
   * any part that lies before the playout point. Returns the frames added, or
   * −1 when the decoder failed (the packet is then treated as lost).
   */
  private decodeNext(): i32 {
    const slot = this.buffer.first();
    const b = this.buffer;
    const pos = <f64>unchecked(b.pos[slot]);
    const seq = unchecked(b.seq[slot]);
    const arrival = unchecked(b.arrival[slot]);
    const declared = unchecked(b.frames[slot]);
    // Audio ends a pause; a DTX frame starts (or continues) one, in silence.
    this.pauseSignalled = b.has(slot, SLOT_DTX_FRAME);
    this.noiseRms = 0;
    if (!this.started) {
      this.started = true;
      this.emitting = true;
      this.nextPos = pos;
      this.tracker.rebase(Math.min(this.tracker.minTransit, arrival - pos));
    }
    this.sync.reserve(MAX_PACKET_FRAMES + MAX_PERIOD);
    const start = this.sync.endIndex;
    const decoded = this.decoder.decode(b.payloadPtr(slot), unchecked(b.length[slot]), this.sync.ptr(0, start), this.sync.capacity);
    this.removeFirstPacket();
    if (decoded <= 0) {
      this.stats.add(S.STAT_DECODER_ERRORS, 1);
      this.stats.add(S.STAT_PACKETS_INVALID, 1);
      return -1;
    }
    let frames = decoded;
    this.sync.endIndex += decoded;
    const skip = <i32>Math.max(0, Math.round(this.nextPos - pos));
    if (skip > 0 && skip < frames) {
      this.sync.removeAt(start, skip);
      frames -= skip;
    }
    const st = this.stats;
    const playFrame = this.now + <f64>(start - this.sync.playIndex);
    st.add(S.STAT_PACKETS_PLAYED, 1);
    st.add(S.STAT_TOTAL_SAMPLES_RECEIVED, <f64>frames);
    const n = <f64>frames;
    // Each emitted sample counts its packet's time in the buffer (arrival to the emission of its
    // first sample), as libwebrtc's NetEq accumulates it, so the average compares with the target;
    // and the target delay and the profile's floor as they stand (webrtc-stats
    // jitterBufferTargetDelay and jitterBufferMinimumDelay: the delay sought, per sample, in seconds).
    st.add(S.STAT_JITTER_BUFFER_DELAY, (n * (playFrame - arrival)) / <f64>SAMPLE_RATE);
    st.add(S.STAT_JITTER_BUFFER_TARGET_DELAY, (n * this.steeredTargetMs()) / 1000);
    st.add(S.STAT_JITTER_BUFFER_MINIMUM_DELAY, (n * this.profile.floorMs) / 1000);
    // What this packet was meant to wait: the target less how late it came itself.
    const lateness = Math.max(0, arrival - pos - this.tracker.minTransit);
    st.add(S.STAT_JITTER_BUFFER_MEANT_DELAY, (n * Math.max(0, this.msToFrames(this.targetMs) - lateness)) / <f64>SAMPLE_RATE);
    st.add(S.STAT_JITTER_BUFFER_EMITTED_COUNT, n);
    this.events.push(ev.EVENT_PLAYED, playFrame, <f64>seq, arrival);
    this.nextPos = pos + <f64>Math.max(declared, decoded);
    this.lastPacketFrames = <f64>Math.max(declared, decoded);
    this.lastEndPos = this.nextPos;
    this.lastSeq = seq;
    const rate = this.errorFrames() > this.msToFrames(this.profile.fastAboveMs) ? this.profile.fastStretchRate : this.profile.stretchRate;
    this.stretchBudget = Math.min(STRETCH_BUDGET_CAP, this.stretchBudget + n * rate);
    return frames;
  }

  private normal(): void {
    this.lastOutcome = this.decodeNext() < 0 ? OUTCOME_NONE : OUTCOME_NORMAL;
  }

  /** True when the earliest waiting packet is audio that continues the decoded audio without a gap. */
  private nextIsContiguous(): bool {
    const first = this.buffer.first();
    return first >= 0 && !this.buffer.has(first, SLOT_COMFORT_NOISE) && Math.abs(<f64>unchecked(this.buffer.pos[first]) - this.nextPos) <= CONTIGUOUS_TOLERANCE_FRAMES;
  }

  /**
   * Removes audio ahead of the play point: in quiet audio (a pause) what the
   * error asks at once, with a short fade; in speech one pitch period that
   * correlates, within the stretch budget.
   */
  private accelerate(rate: f64): void {
    if (this.decodeNext() < 0) {
      this.lastOutcome = OUTCOME_NONE;
      return;
    }
    const wanted = this.errorFrames() + this.deadbandFrames();
    // A long period needs two of them unplayed: decode the following packet too when it is there;
    // and while all that is decoded is quiet, as much more as the pause could lose.
    // (Decoding may compact the store: the play point's address is taken after it.)
    while (this.nextIsContiguous()) {
      const region = this.sync.unplayed();
      const quiet = quietRun(this.sync.ptr(0, this.sync.playIndex), 1, min(region, MAX_QUIET_STRETCH + QUIET_FADE), LOW_ENERGY_RMS);
      const wantMore = <f64>region < Math.min(2 * wanted, <f64>(2 * MAX_VOICED_STRETCH)) || region < 2 * MAX_PERIOD || (quiet == region && <f64>region < Math.min(wanted, <f64>MAX_QUIET_STRETCH) + <f64>QUIET_FADE);
      if (!wantMore || this.decodeNext() < 0) break;
    }
    const region = this.sync.unplayed();
    const anchor = this.sync.ptr(0, this.sync.playIndex);
    const quietAhead = quietRun(anchor, 1, min(region, MAX_QUIET_STRETCH + QUIET_FADE), LOW_ENERGY_RMS);
    const quiet = <i32>Math.min(<f64>(quietAhead - QUIET_FADE), wanted);
    if (quiet >= MIN_LOW_ENERGY_STRETCH) {
      for (let c = 0; c < this.channels; c++) removeQuietInPlace(this.sync.ptr(c, this.sync.playIndex), region, quiet, QUIET_FADE);
      this.stretched(-quiet, rate, false);
      return;
    }
    const maxLag = <i32>Math.min(<f64>(region / 2), Math.min(this.stretchBudget, wanted));
    const tau = voicedStretchLag(anchor, 0, min(MAX_PERIOD, maxLag), maxLag, changetype<usize>(this.scratch));
    if (tau == 0) {
      this.lastOutcome = OUTCOME_STRETCH_FAILED;
      return;
    }
    for (let c = 0; c < this.channels; c++) accelerateInPlace(this.sync.ptr(c, this.sync.playIndex), region, tau);
    this.stretched(-tau, rate, true);
  }

  /**
   * Books a stretch of `frames` (negative: removed) done at the play point:
   * the decoded store's end moves, voiced stretches spend the budget (quiet
   * ones are inaudible and free), and the counters and the event follow.
   */
  private stretched(frames: i32, rate: f64, voiced: bool): void {
    this.sync.endIndex += frames;
    if (voiced) this.stretchBudget -= <f64>abs(frames);
    const at = this.now + <f64>this.sync.unplayed();
    if (frames < 0) {
      this.stats.add(S.STAT_REMOVED_FOR_ACCELERATION, <f64>-frames);
      this.events.push(rate > this.profile.stretchRate ? ev.EVENT_ACCELERATE_FAST : ev.EVENT_ACCELERATE, at, <f64>-frames, 0);
    } else {
      this.stats.add(S.STAT_INSERTED_FOR_DECELERATION, <f64>frames);
      this.events.push(ev.EVENT_PREEMPTIVE_EXPAND, at, <f64>frames, 0);
    }
    this.lastOutcome = OUTCOME_STRETCHED;
  }

  /**
   * Inserts audio at the play point: in quiet audio what the error asks at
   * once, repeating what just played; in speech one pitch period that
   * correlates, within the stretch budget.
   */
  private preemptiveExpand(): void {
    if (this.decodeNext() < 0) {
      this.lastOutcome = OUTCOME_NONE;
      return;
    }
    const wanted = -this.errorFrames() + this.deadbandFrames();
    this.sync.reserve(MAX_QUIET_INSERT);
    const region = this.sync.unplayed();
    const anchor = this.sync.ptr(0, this.sync.playIndex);
    const quietBehind = quietRun(anchor, -1, MAX_QUIET_INSERT, LOW_ENERGY_RMS);
    const quiet = <i32>Math.min(<f64>quietBehind, wanted);
    if (quiet >= QUIET_FADE && region >= QUIET_FADE && rms(anchor, QUIET_FADE) < LOW_ENERGY_RMS) {
      for (let c = 0; c < this.channels; c++) insertQuietInPlace(this.sync.ptr(c, this.sync.playIndex), region, quiet, QUIET_FADE);
      this.stretched(quiet, this.profile.stretchRate, false);
      return;
    }
    const maxLag = <i32>Math.min(<f64>min(region, HISTORY_FRAMES), Math.min(this.stretchBudget, wanted));
    const tau = voicedStretchLag(anchor, 1, min(MAX_PERIOD, maxLag), maxLag, changetype<usize>(this.scratch));
    if (tau == 0) {
      this.lastOutcome = OUTCOME_STRETCH_FAILED;
      return;
    }
    for (let c = 0; c < this.channels; c++) expandInPlace(this.sync.ptr(c, this.sync.playIndex), region, tau);
    this.stretched(tau, this.profile.stretchRate, true);
  }

  /**
   * Conceals `need` frames (or recovers them from in-band FEC): the codec's own PLC when it has one, else pitch
   * repetition. Below target the concealment waits for the missing audio (the
   * delay grows toward the target); otherwise it stands in for the missing
   * audio in place, so what arrives for that time afterwards is late.
   */
  private expand(need: i32): void {
    // A known loss is concealed up to the waiting packet, no further: concealing past it would
    // add delay each time, and a packet evicted by overflow before the next pull would keep
    // the playout chasing the buffer forever (the buffer full, nothing played). When the waiting
    // packet carries in-band FEC, the last stretch of the loss is left for the FEC to recover.
    const s = this.status;
    const known = s.packetAvailable && s.gapFrames > 0;
    let fec = known ? this.usableFecFrames() : 0;
    // The FEC covers the audio just before the waiting packet; concealment that waited
    // may already have stood in for its start, so it recovers what of it is still missing.
    if (fec > 0 && s.gapFrames <= <f64>fec + CONTIGUOUS_TOLERANCE_FRAMES) {
      if (this.recoverWithFec(fec, <i32>Math.max(0, Math.round(<f64>fec - s.gapFrames)))) return;
      // The codec could not: its FEC is discarded and the whole gap concealed.
      unchecked((this.buffer.fecFrames[this.buffer.first()] = 0));
      this.stats.add(S.STAT_FEC_PACKETS_DISCARDED, 1);
      fec = 0;
    }
    const span = s.gapFrames - (fec > 0 && s.gapFrames > <f64>fec ? <f64>fec : 0);
    const frames = known ? <i32>Math.max(1, Math.min(<f64>need, Math.ceil(span))) : need;
    this.sync.reserve(frames + CONCEAL_SLACK_FRAMES);
    const end = this.sync.endIndex;
    this.conceal(end, frames);
    this.sync.endIndex += frames;
    // Concealment that has faded out is silent (webrtc-stats silentConcealedSamples).
    const silent: f64 = rms(this.sync.ptr(0, end), frames) < LOW_ENERGY_RMS ? <f64>frames : 0;

    let advance: f64 = <f64>frames;
    if (s.packetAvailable) {
      // A known loss: conceal it in place; the missing span ends where the waiting
      // packet starts (or its FEC's span does). Above target the concealment may also
      // skip ahead: its audio is synthetic, so shortening it moves the delay back at no audible cost.
      const excess = Math.max(0, s.errorFrames - s.deadbandFrames);
      advance = Math.min(<f64>frames + excess, Math.max(0, span));
      if (this.lastOutcome != OUTCOME_CONCEALED) this.stats.add(S.STAT_CONCEALMENT_EVENTS, 1);
      this.countConcealed(<f64>frames, silent);
    } else {
      // Dry: the concealment waits for the missing audio (the delay grows) up to
      // the profile's ceiling: a late packet, or a delay spike's first, then
      // plays whole and what follows it is not late. If a later packet shows the
      // audio was lost instead, the waited concealment is counted as standing in
      // for it (produce()), so a loss costs no delay. Beyond the ceiling (an
      // outage) it stands in for the audio in place.
      const headroom = this.msToFrames(this.profile.ceilingMs) - this.offsetFrames();
      if (<f64>frames <= headroom) {
        advance = 0;
        this.pendingWait += <f64>frames;
      }
      this.pendingConcealed += <f64>frames;
      this.pendingSilent += silent;
    }
    this.nextPos += advance;
    this.events.push(ev.EVENT_EXPAND, this.now + <f64>(end - this.sync.playIndex), <f64>frames, advance);
    this.lastOutcome = OUTCOME_CONCEALED;
  }

  /**
   * Writes exactly `frames` frames of concealment at sync index `end`. A new
   * concealment asks the codec first; so does one the codec has been serving.
   * Where the codec has no PLC (or fails), pitch repetition takes over from the history.
   */
  private conceal(end: i32, frames: i32): void {
    const continuing = this.lastOutcome == OUTCOME_CONCEALED;
    if (!continuing || this.usedCodecConcealment) {
      if (this.codecConceal(end, frames, continuing)) {
        this.usedCodecConcealment = true;
        return;
      }
      this.usedCodecConcealment = false;
      searchPeriod(this.sync.ptr(0, end), 2, MIN_PERIOD, MAX_PERIOD, changetype<usize>(this.scratch));
      for (let c = 0; c < this.channels; c++) unchecked(this.repeaters[c]).start(this.sync.ptr(c, end), foundLag);
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
    if (!continuing) this.carryFrames = 0;
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
   * Fills mergeFrom with the concealment's continuation for a cross-fade into
   * real audio: the codec's carried concealment, or more pitch repetition.
   * Returns the cross-fade length (0: the codec left nothing to fade from).
   */
  private continuationForMerge(): i32 {
    const fade = MERGE_FRAMES;
    if (!this.usedCodecConcealment) {
      for (let c = 0; c < this.channels; c++) unchecked(this.repeaters[c]).generate(this.mergeFromPtr(c), fade);
      return fade;
    }
    const n = min(fade, this.carryFrames);
    for (let c = 0; c < this.channels; c++) memory.copy(this.mergeFromPtr(c), this.carryPtr(c), <usize>n << 2);
    this.carryFrames = 0;
    return n;
  }

  /** Cross-fades `n` frames from mergeFrom into the audio at sync index `start`. */
  private crossfadeInto(start: i32, n: i32): void {
    for (let c = 0; c < this.channels; c++) crossfadeFrom(this.sync.ptr(c, start), this.mergeFromPtr(c), n);
  }

  private mergeFromPtr(channel: i32): usize {
    return changetype<usize>(this.mergeFrom) + (<usize>(channel * MERGE_FRAMES) << 2);
  }

  /**
   * Frames of the missing audio the waiting packet's in-band FEC can recover:
   * its FEC span when a packet is missing just before it (a sequence gap, not a
   * DTX pause) and the decoder's state runs on without a cross-fade (no
   * built-in concealment in between); else 0.
   */
  private usableFecFrames(): i32 {
    const slot = this.buffer.first();
    const fec = unchecked(this.buffer.fecFrames[slot]);
    if (fec <= 0) return 0;
    if (this.lastSeq >= 0 && unchecked(this.buffer.seq[slot]) <= this.lastSeq + 1) return 0;
    if (this.lastOutcome == OUTCOME_CONCEALED && !this.usedCodecConcealment) return 0;
    return fec;
  }

  /**
   * Recovers the missing packet's audio from the waiting packet's in-band FEC,
   * as NetEq does for Opus: the decoder runs on through it, so the waiting packet
   * then plays without a merge. Returns false when the codec could not.
   */
  private recoverWithFec(fec: i32, skip: i32): bool {
    const b = this.buffer;
    const slot = b.first();
    this.sync.reserve(fec);
    const end = this.sync.endIndex;
    if (this.decoder.decodeFec(b.payloadPtr(slot), unchecked(b.length[slot]), this.sync.ptr(0, end), fec, this.sync.capacity) != fec) return false;
    this.sync.endIndex += fec;
    // The first `skip` frames were concealed already: only the rest plays.
    const kept = fec - skip;
    if (skip > 0) this.sync.removeAt(end, skip);
    // After codec concealment the decoder ran ahead by what it carried: fade from that into the recovered audio.
    if (this.lastOutcome == OUTCOME_CONCEALED) this.crossfadeInto(end, min(kept, this.continuationForMerge()));
    const seq = unchecked(b.seq[slot]);
    unchecked((b.fecFrames[slot] = -fec)); // used: not counted as discarded when the packet leaves
    this.nextPos = <f64>unchecked(b.pos[slot]);
    this.lastEndPos = this.nextPos;
    this.lastSeq = seq - 1;
    this.stats.add(S.STAT_FEC_RECOVERED, 1);
    this.events.push(ev.EVENT_FEC, this.now + <f64>(end - this.sync.playIndex), <f64>(seq - 1), <f64>kept);
    this.lastOutcome = OUTCOME_NORMAL;
    return true;
  }

  /** After concealment: decode the next packet and cross-fade into it from the concealment's continuation. */
  private merge(): void {
    const fade = this.continuationForMerge();
    const start = this.sync.endIndex;
    const frames = this.decodeNext();
    if (frames < 0) {
      this.lastOutcome = OUTCOME_CONCEALED;
      return;
    }
    const n = min(fade, frames);
    if (n > 0) {
      this.crossfadeInto(this.sync.endIndex - frames, n);
      this.events.push(ev.EVENT_MERGE, this.now + <f64>(start - this.sync.playIndex), <f64>n, 0);
    }
    this.lastOutcome = OUTCOME_NORMAL;
  }

  /**
   * Silence (or comfort noise) through a signalled pause. A pause is free to
   * lengthen or shorten, so it is where the delay moves to its target at once.
   * While no packet waits the pause waits too (the playout point stays, so the
   * next talkspurt is not late), up to the profile's ceiling.
   */
  private dtx(need: i32): void {
    const s = this.status;
    if (!s.packetAvailable) {
      this.appendPause(need);
      if (<f64>need > this.msToFrames(this.profile.ceilingMs) - this.offsetFrames()) this.nextPos += <f64>need;
      this.countPause(<f64>need);
      this.events.push(ev.EVENT_DTX, this.now + <f64>(this.sync.unplayed() - need), <f64>need, 0);
      this.lastOutcome = OUTCOME_DTX;
      return;
    }
    let gap = s.gapFrames;
    let error = s.errorFrames;
    if (error > 0) {
      const jump = Math.min(error, gap);
      this.nextPos += jump;
      gap -= jump;
      error -= jump;
    }
    const wait = error < 0 ? Math.min(<f64>need, -error) : 0;
    const frames = <i32>Math.min(<f64>need, wait + gap);
    if (frames <= 0) return; // the jump closed the gap: the next decision plays the packet
    this.appendPause(frames);
    this.nextPos += Math.min(gap, <f64>frames - wait);
    this.countPause(<f64>frames);
    this.events.push(ev.EVENT_DTX, this.now + <f64>(this.sync.unplayed() - frames), <f64>frames, 0);
    this.lastOutcome = OUTCOME_DTX;
  }

  /**
   * Takes the waiting comfort-noise packet (RFC 3389): the pause after it
   * plays noise at its level. It adds no audio of its own; its place on the
   * sender's timeline is where the pause starts.
   */
  private takeComfortNoise(): void {
    const b = this.buffer;
    const slot = b.first();
    const seq = unchecked(b.seq[slot]);
    this.noiseRms = comfortNoiseRms(<i32>(load<u8>(b.payloadPtr(slot)) & 0x7f));
    this.pauseSignalled = true;
    this.lastSeq = seq;
    if (this.started) this.lastEndPos = this.nextPos;
    this.stats.add(S.STAT_PACKETS_PLAYED, 1);
    this.events.push(ev.EVENT_PLAYED, this.now + <f64>this.sync.unplayed(), <f64>seq, unchecked(b.arrival[slot]));
    b.removeFirst();
    if (this.lastOutcome == OUTCOME_CONCEALED) this.lastOutcome = OUTCOME_DTX;
  }

  // ---- profile -----------------------------------------------------------------

  /** Makes `profile` active; the buffer moves to the new target by stretching. */
  applyProfile(next: Profile): void {
    this.profile.copyFrom(next);
    this.stats.add(S.STAT_PROFILE_SWITCHES, 1);
    this.events.push(ev.EVENT_PROFILE, this.now, <f64>next.id, 0);
    this.updateTarget();
  }
}
