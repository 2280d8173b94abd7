// One audio stream: packets in, 48 kHz audio out, on the audio clock alone.
// insert() files a packet; pull() asks decide() for operations until enough
// audio is buffered and carries each out: decoding here, concealment in the
// Concealer, time-stretching in the Stretcher, the other parts one class each
// (README "How the engine works"), the sample math in dsp/.
// Everything is reserved in the constructor; insert and pull never allocate.

import { MAX_PULL_FRAMES, SAMPLE_RATE } from './abi';
import { DelayTracker } from './arrival';
import { Decoder } from './codec';
import { Concealer } from './concealer';
import { DelayTarget, msToFrames } from './delay_target';
import {
  decide, waitedCredit, Decision, Status,
  OP_IDLE, OP_NORMAL, OP_ACCELERATE, OP_ACCELERATE_FAST, OP_PREEMPTIVE_EXPAND, OP_EXPAND, OP_FEC, OP_MERGE, OP_DTX, OP_COMFORT_NOISE,
  OUTCOME_NONE, OUTCOME_NORMAL, OUTCOME_CONCEALED, OUTCOME_DTX, OUTCOME_IDLE,
} from './decision';
import { MAX_PERIOD, MIN_PERIOD } from './dsp/voiced_stretch';
import * as ev from './events';
import { Intake, MAX_PACKET_FRAMES } from './intake';
import { PacketBuffer, SLOT_DTX_FRAME } from './packet_buffer';
import { PauseAudio } from './pause_audio';
import { PlayoutCounts } from './playout_counts';
import { Profile } from './profile';
import * as R from './abi';
import * as S from './stats';
import { Stretcher } from './stretcher';
import { BackgroundLevel } from './background_level';
import { SyncBuffer } from './sync_buffer';
import { hasPassed, WaitingPackets } from './waiting_packets';

/** History kept behind the play point: two longest periods plus one sample for concealment's search (and a pause's 40 ms repeat). */
const HISTORY_FRAMES: i32 = 2048;
/** Decoded store: a pull's worth plus two packets for a stretch plus history. */
const SYNC_CAPACITY: i32 = MAX_PULL_FRAMES + 2 * MAX_PACKET_FRAMES + HISTORY_FRAMES;

/** One stream's playout engine. */
export class Engine {
  readonly id: i32;
  readonly profile: Profile;
  readonly buffer: PacketBuffer;
  private readonly intake: Intake;
  readonly tracker: DelayTracker;
  readonly sync: SyncBuffer;
  private readonly decoder: Decoder;
  private readonly concealer: Concealer;
  private readonly stretcher: Stretcher;
  /** The decoded audio's background level: what a stretch may take as quiet. */
  private readonly background: BackgroundLevel;
  private readonly target: DelayTarget;
  private readonly counts: PlayoutCounts;
  private readonly waiting: WaitingPackets;
  private readonly pause: PauseAudio;
  readonly stats: S.Stats;
  readonly events: ev.EventLog;
  readonly input: StaticArray<u8>;
  readonly output: StaticArray<f32>;
  private readonly status: Status = new Status();
  private readonly decision: Decision = new Decision();

  /** Output clock: frames emitted so far. */
  now: f64 = 0;
  private started: bool = false;
  private emitting: bool = false;
  /** Sender-timeline position (frames) of the next audio to decode. */
  private nextPos: f64 = 0;
  private lastSeq: i64 = -1;
  private lastEndPos: f64 = 0;
  /** The last packet taken was a DTX frame or comfort noise: the sender is in a pause. */
  private pauseSignalled: bool = false;
  private lastOutcome: i32 = OUTCOME_NONE;
  /** Frames of the last pull: a packet must arrive one pull before its audio plays. */
  private lastPullFrames: f64 = 128;
  /** When the delay last left the dead band (output frames), or −1 while it is within it. */
  private outOfBandSince: f64 = -1;
  /** The side it left on: 1 above the band, −1 below. */
  private outOfBandSide: i32 = 0;
  /** A profile switch left an error not yet made up (decision.ts, QUIET_FIRST_FRAMES). */
  private profileSwitch: bool = false;

  constructor(id: i32, codec: i32, channels: i32, clockRate: i32, payloadRate: i32, profileId: i32, slots: i32, slotBytes: i32) {
    this.id = id;
    // The parts share these by reference; AssemblyScript wants every field set before `this` is read, hence the locals.
    const profile = new Profile();
    profile.setBuiltIn(profileId);
    const buffer = new PacketBuffer(slots, slotBytes);
    const tracker = new DelayTracker(<f64>SAMPLE_RATE);
    const sync = new SyncBuffer(channels, SYNC_CAPACITY, HISTORY_FRAMES);
    const decoder = new Decoder(id, codec, channels, payloadRate, SAMPLE_RATE, MAX_PACKET_FRAMES);
    const stats = new S.Stats();
    const events = new ev.EventLog();
    const background = new BackgroundLevel();
    this.profile = profile;
    this.buffer = buffer;
    this.tracker = tracker;
    this.sync = sync;
    this.decoder = decoder;
    this.stats = stats;
    this.events = events;
    this.background = background;
    this.intake = new Intake(clockRate);
    this.waiting = new WaitingPackets(buffer, stats, events);
    this.target = new DelayTarget(profile, tracker);
    this.concealer = new Concealer(sync, decoder, SAMPLE_RATE);
    this.stretcher = new Stretcher(sync, stats, events, background);
    this.pause = new PauseAudio(sync);
    this.counts = new PlayoutCounts(stats);
    this.input = new StaticArray<u8>(slotBytes);
    this.output = new StaticArray<f32>(channels * MAX_PULL_FRAMES);
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
    const k = this.intake;
    const payload = changetype<usize>(this.input);
    const comfortNoise = (flags & R.INSERT_FLAG_COMFORT_NOISE) != 0;
    const frames = k.framesOf(this.decoder, payload, length, comfortNoise);
    if (frames < 0) {
      this.stats.add(S.STAT_PACKETS_INVALID, 1);
      return R.ERR_PAYLOAD;
    }
    const marker = (flags & R.INSERT_FLAG_MARKER) != 0;
    this.stats.add(S.STAT_PACKETS_RECEIVED, 1);
    const arrival = arrivalFrame < 0 || !isFinite(arrivalFrame) ? this.now : Math.min(arrivalFrame, this.now);
    let result = R.OK;
    if (k.ssrcChanged(ssrc)) {
      this.resync(R.RESET_REASON_SSRC_CHANGE);
      result = R.RESYNC;
    }
    k.locate(seq, timestamp);
    const reason = k.newStreamReason(marker, this.started || this.buffer.count > 0, this.started ? this.nextPos : this.waiting.firstPos(0));
    if (reason >= 0) {
      this.resync(reason);
      result = R.RESYNC;
      k.locate(seq, timestamp);
    }
    const seqU = k.seq;
    const pos = k.pos;
    if (k.isDuplicate()) {
      this.stats.add(S.STAT_PACKETS_DUPLICATED, 1);
      this.events.push(ev.EVENT_DUPLICATE, arrival, <f64>seqU, 0);
      return R.DUPLICATE;
    }

    // A redundant copy's arrival is its successor's (abi.ts INSERT_FLAG_REDUNDANT_COPY): lateness to cover, not a delay observed.
    if ((flags & R.INSERT_FLAG_REDUNDANT_COPY) != 0) this.tracker.observeCopy(arrival, pos, this.target.bodyMs);
    else this.tracker.observe(arrival, pos, this.profile.memoryPackets, this.target.bodyMs);
    this.updateTarget();

    if (this.started && hasPassed(pos, frames, this.nextPos)) {
      this.waiting.discard(S.STAT_PACKETS_LATE, ev.EVENT_LATE, seqU, arrival);
      return R.LATE;
    }
    if (this.buffer.isFull()) {
      this.waiting.evictOldest(arrival);
      result = R.OVERFLOW;
    }
    const fecFrames = comfortNoise ? 0 : this.decoder.fecFramesOf(payload, length);
    if (fecFrames > 0) this.stats.add(S.STAT_FEC_PACKETS_RECEIVED, 1);
    this.buffer.insert(seqU, <i64>Math.round(pos), frames, fecFrames, arrival, k.slotFlags(this.decoder, length, marker, comfortNoise), payload, length);
    return result;
  }

  /** Starts a new stream (`reason`: RESET_REASON_* of abi.ts): buffered packets are discarded and counted, state forgotten, playout restarts at the next packet. */
  resync(reason: i32): void {
    const waiting = this.waiting.discardAll();
    this.intake.reset();
    this.tracker.reset();
    this.decoder.reset();
    this.counts.reset();
    this.started = false;
    this.lastSeq = -1;
    this.pauseSignalled = false;
    this.pause.reset();
    this.lastOutcome = OUTCOME_NONE;
    this.outOfBandSince = -1;
    this.background.reset();
    this.stats.add(S.STAT_STREAM_RESETS, 1);
    this.events.push(ev.EVENT_RESET, this.now, <f64>reason, <f64>waiting);
  }

  // ---- target --------------------------------------------------------------

  /** Recomputes the target delay from the arrivals so far. */
  updateTarget(): void {
    this.target.update(this.now, this.lastPullFrames);
  }

  /** How far the playout offset is outside the band around the target, frames (delay_target.ts). */
  private errorFrames(): f64 {
    return this.target.errorFrames(this.offsetFrames(), this.now);
  }

  /** The playout offset above the fastest recent packet, frames, once `extra` more frames are buffered: the delay the engine steers. */
  private offsetFrames(extra: i32 = 0): f64 {
    return this.now + <f64>(this.sync.unplayed() + extra) - this.nextPos - this.tracker.minTransit;
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
    if (this.sync.unplayed() < frames) this.pause.appendSilence(frames - this.sync.unplayed()); // never reached in practice; keeps pull total
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
    st.set(S.STAT_TARGET_DELAY_MS, this.target.steeredMs());
    // The delay the engine steers: the playout offset above the fastest recent packet.
    st.set(S.STAT_CURRENT_DELAY_MS, this.started ? (this.offsetFrames() * 1000) / <f64>SAMPLE_RATE : 0);
    const ahead = <f64>this.sync.unplayed() + Math.max(0, <f64>this.buffer.endPos(<i64>this.nextPos) - this.nextPos);
    st.set(S.STAT_BUFFERED_MS, (ahead * 1000) / <f64>SAMPLE_RATE);
    st.set(S.STAT_PACKETS_BUFFERED, <f64>this.buffer.count);
    st.set(S.STAT_EVENTS_LOST, this.events.lost);
    st.set(S.STAT_DELAY_ESTIMATE_MS, this.target.estimateMs);
  }

  /** Gathers the status, decides, and carries out one operation. */
  private produce(need: i32): void {
    if (this.started) this.waiting.discardPassed(this.nextPos, this.now);
    const s = this.status;
    const p = this.profile;
    const first = this.buffer.first();
    s.started = this.started;
    this.waiting.describeFirst(s, this.lastSeq, this.pauseSignalled);
    s.lastOutcome = this.lastOutcome;
    s.needFrames = need;
    s.deadbandFrames = this.target.deadbandFrames();
    s.fastAboveFrames = msToFrames(p.fastAboveMs);
    s.stretchBudgetFrames = this.stretcher.budget;
    s.minStretchFrames = <f64>MIN_PERIOD;
    s.codecConcealing = this.concealer.codecConcealing;
    if (first >= 0) {
      const pos = <f64>unchecked(this.buffer.pos[first]);
      this.nextPos += waitedCredit(this.counts.takeWaited(), pos - this.nextPos);
      s.gapFrames = pos - this.nextPos;
      s.playedGapFrames = pos - this.lastEndPos;
      // A stream starts T after its first packet arrived, or earlier if the baseline says so.
      const ownTransit = unchecked(this.buffer.arrival[first]) - pos;
      s.startInFrames = pos + Math.min(this.tracker.minTransit, ownTransit) + msToFrames(this.target.targetMs) - (this.now + <f64>this.sync.unplayed());
      if (this.counts.hasPending()) this.counts.commit(s.sequenceContiguous && s.pauseSignalled, pos - this.lastEndPos);
      s.arrivedAheadFrames = this.now + <f64>this.sync.unplayed() - unchecked(this.buffer.arrival[first]);
    }
    s.marginFrames = this.lastPullFrames + s.deadbandFrames;
    s.errorFrames = this.errorFrames();
    const side = s.errorFrames > s.deadbandFrames ? 1 : s.errorFrames < -s.deadbandFrames ? -1 : 0;
    if (side == 0) {
      this.outOfBandSince = -1;
      this.profileSwitch = false;
    } else if (this.outOfBandSince < 0 || side != this.outOfBandSide) this.outOfBandSince = this.now;
    this.outOfBandSide = side;
    s.profileSwitch = this.profileSwitch;
    s.outOfBandFrames = this.outOfBandSince < 0 ? 0 : this.now - this.outOfBandSince;
    s.headroomFrames = msToFrames(p.ceilingMs) - this.offsetFrames(need);
    const d = this.decision;
    const op = decide(s, d);
    if (op == OP_IDLE) {
      this.pause.appendSilence(d.frames);
      this.lastOutcome = OUTCOME_IDLE;
    } else if (op == OP_NORMAL) this.lastOutcome = this.decodeNext() < 0 ? OUTCOME_NONE : OUTCOME_NORMAL;
    else if (op == OP_ACCELERATE) this.accelerate(p.stretchRate, d.quietOnly);
    else if (op == OP_ACCELERATE_FAST) this.accelerate(p.fastStretchRate, d.quietOnly);
    else if (op == OP_PREEMPTIVE_EXPAND) this.preemptiveExpand(d.quietOnly);
    else if (op == OP_EXPAND) this.expand();
    else if (op == OP_FEC && !this.recoverWithFec()) {
      // The codec could not: its FEC is discarded and the whole gap concealed.
      unchecked((this.buffer.fecFrames[first] = 0));
      this.stats.add(S.STAT_FEC_PACKETS_DISCARDED, 1);
      s.fecFrames = 0;
      decide(s, d);
      this.expand();
    } else if (op == OP_MERGE) this.merge();
    else if (op == OP_DTX) this.dtx();
    else if (op == OP_COMFORT_NOISE) this.takeComfortNoise();
  }

  // ---- operations ------------------------------------------------------------

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
    this.pause.endComfortNoise();
    if (!this.started) {
      this.started = true;
      this.emitting = true;
      this.nextPos = pos;
      this.tracker.rebase(Math.min(this.tracker.minTransit, arrival - pos));
    }
    this.sync.reserve(MAX_PACKET_FRAMES + MAX_PERIOD);
    const start = this.sync.endIndex;
    const decoded = this.decoder.decode(b.payloadPtr(slot), unchecked(b.length[slot]), this.sync.ptr(0, start), this.sync.capacity);
    this.waiting.removeFirst();
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
    this.background.listen(this.sync.ptr(0, start), frames);
    const playFrame = this.now + <f64>(start - this.sync.playIndex);
    // What this packet was meant to wait: the target less how late it came itself.
    const lateness = Math.max(0, arrival - pos - this.tracker.minTransit);
    this.counts.played(frames, playFrame, arrival, this.target.steeredMs(), this.profile.floorMs, Math.max(0, msToFrames(this.target.targetMs) - lateness));
    this.events.push(ev.EVENT_PLAYED, playFrame, <f64>seq, arrival);
    this.nextPos = pos + <f64>Math.max(declared, decoded);
    this.lastEndPos = this.nextPos;
    this.lastSeq = seq;
    const rate = this.errorFrames() > msToFrames(this.profile.fastAboveMs) ? this.profile.fastStretchRate : this.profile.stretchRate;
    this.stretcher.earn(<f64>frames, rate);
    return frames;
  }

  /** Decodes the next packet and removes audio ahead of the play point at stretch `rate` (`quietOnly`: by a quiet cut or not at all). */
  private accelerate(rate: f64, quietOnly: bool): void {
    if (this.decodeNext() < 0) {
      this.lastOutcome = OUTCOME_NONE;
      return;
    }
    const wanted = this.target.drainFrames(this.offsetFrames(), this.now);
    // A long period needs two of them unplayed: decode the following packet too when it is there;
    // and while all that is decoded is quiet, as much more as the pause could lose.
    while (this.waiting.continues(this.nextPos) && this.stretcher.wantsMoreToShorten(wanted)) {
      if (this.decodeNext() < 0) break;
    }
    this.lastOutcome = this.stretcher.accelerate(wanted, rate > this.profile.stretchRate, quietOnly, this.now);
  }

  /** Decodes the next packet and inserts audio at the play point (the error is measured after the decode; `quietOnly`: into quiet audio or not at all). */
  private preemptiveExpand(quietOnly: bool): void {
    this.lastOutcome = this.decodeNext() < 0 ? OUTCOME_NONE : this.stretcher.preemptiveExpand(-this.errorFrames() + this.target.deadbandFrames(), quietOnly, this.now);
  }

  /**
   * Conceals as decide() sized it: a known loss in place (counted now); a dry
   * buffer's concealment counted when the next packet shows whether it stood
   * in for lost audio or a pause (PlayoutCounts.commit), waiting if decided so.
   */
  private expand(): void {
    const d = this.decision;
    const frames = d.frames;
    const start = this.concealer.conceal(frames, this.lastOutcome == OUTCOME_CONCEALED);
    const silent: f64 = this.concealer.isSilent(start, frames) ? <f64>frames : 0;
    if (this.status.packetAvailable) {
      if (this.lastOutcome != OUTCOME_CONCEALED) this.stats.add(S.STAT_CONCEALMENT_EVENTS, 1);
      this.counts.concealed(<f64>frames, silent);
    } else {
      this.counts.holdDry(<f64>frames, d.waits, silent);
    }
    this.nextPos += d.advanceFrames;
    this.events.push(ev.EVENT_EXPAND, this.now + <f64>(start - this.sync.playIndex), <f64>frames, d.advanceFrames);
    this.lastOutcome = OUTCOME_CONCEALED;
  }

  /**
   * Recovers the missing packet's audio from the waiting packet's in-band FEC:
   * the decoder runs on through it, so the waiting packet then plays without a
   * merge. Returns false when the codec could not.
   */
  private recoverWithFec(): bool {
    const b = this.buffer;
    const slot = b.first();
    const d = this.decision;
    const start = this.concealer.recoverFec(b.payloadPtr(slot), unchecked(b.length[slot]), d.frames, d.skipFrames, this.lastOutcome == OUTCOME_CONCEALED);
    if (start < 0) return false;
    const seq = unchecked(b.seq[slot]);
    unchecked((b.fecFrames[slot] = -d.frames)); // used: not counted as discarded when the packet leaves
    this.nextPos = <f64>unchecked(b.pos[slot]);
    this.lastEndPos = this.nextPos;
    this.lastSeq = seq - 1;
    this.stats.add(S.STAT_FEC_RECOVERED, 1);
    this.events.push(ev.EVENT_FEC, this.now + <f64>(start - this.sync.playIndex), <f64>(seq - 1), <f64>(d.frames - d.skipFrames));
    this.lastOutcome = OUTCOME_NORMAL;
    return true;
  }

  /** After concealment: decode the next packet and cross-fade into it from the concealment's continuation. */
  private merge(): void {
    if (this.decision.rollBack) this.concealer.rollBack();
    const fade = this.concealer.prepareMerge();
    const start = this.sync.endIndex;
    const frames = this.decodeNext();
    if (frames < 0) {
      this.lastOutcome = OUTCOME_CONCEALED;
      return;
    }
    const n = min(fade, frames);
    if (n > 0) {
      this.concealer.mergeInto(this.sync.endIndex - frames, n);
      this.events.push(ev.EVENT_MERGE, this.now + <f64>(start - this.sync.playIndex), <f64>n, 0);
    }
    this.lastOutcome = OUTCOME_NORMAL;
  }

  /** Silence (or comfort noise) through a signalled pause, as long as decide() sized it, the playout point moved as it said. */
  private dtx(): void {
    const d = this.decision;
    this.nextPos += d.jumpFrames;
    const frames = d.frames;
    if (frames <= 0) return;
    this.pause.appendPause(frames);
    this.nextPos += d.advanceFrames;
    this.counts.pause(<f64>frames);
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
    this.pause.hearComfortNoise(load<u8>(b.payloadPtr(slot)));
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
    this.profileSwitch = true;
    this.updateTarget();
  }
}
