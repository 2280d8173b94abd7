// Test entry for the engine's AssemblyScript modules: the DSP in assembly/dsp/
// plus the decision logic, wraparound arithmetic, packet buffer and arrival
// tracker. It re-exports their functions and wraps their classes behind
// integer handles, plus a fixed scratch area so JavaScript can place inputs
// and read outputs without asking the module to allocate. Keep this a plain
// list of re-exports and thin wrappers; the logic lives in the modules. Only
// the *Create functions allocate.

import { Upsampler, isSupportedUpsampleFactor } from "../../assembly/dsp/upsample";
import { PeriodMatch, searchPeriod as searchPeriodInto } from "../../assembly/dsp/correlation";
import { PitchRepeater } from "../../assembly/dsp/expand";
import { StretchChoice, chooseStretch } from "../../assembly/dsp/stretch_acceptance";
import { BackgroundLevel } from "../../assembly/background_level";
import { Decision, Status, decide } from "../../assembly/decision";
import { Unwrapper } from "../../assembly/wrap";
import { PacketBuffer, SeenSequences } from "../../assembly/packet_buffer";
import { DelayTracker } from "../../assembly/arrival";

export { ulawToLinear, alawToLinear, decodeUlaw, decodeAlaw } from "../../assembly/dsp/g711";
export { isSupportedUpsampleFactor, UPSAMPLER_TAPS_PER_PHASE } from "../../assembly/dsp/upsample";
export { normalizedCorrelation, rms } from "../../assembly/dsp/correlation";
export { accelerateInPlace, expandInPlace } from "../../assembly/dsp/time_stretch";
export { STRETCH_NONE, STRETCH_QUIET, STRETCH_VOICED, LOW_ENERGY_RMS } from "../../assembly/dsp/stretch_acceptance";
export { QUIET_CEILING_RMS } from "../../assembly/background_level";
export { crossfadeFrom } from "../../assembly/dsp/merge";
export {
  OP_IDLE,
  OP_NORMAL,
  OP_ACCELERATE,
  OP_PREEMPTIVE_EXPAND,
  OP_EXPAND,
  OP_MERGE,
  OP_DTX,
  OP_ACCELERATE_FAST,
  OP_COMFORT_NOISE,
  OP_FEC,
  OUTCOME_NONE,
  OUTCOME_NORMAL,
  OUTCOME_STRETCHED,
  OUTCOME_STRETCH_FAILED,
  OUTCOME_CONCEALED,
  OUTCOME_DTX,
  OUTCOME_IDLE,
  CONTIGUOUS_TOLERANCE_FRAMES,
  waitedCredit,
  pauseShare,
} from "../../assembly/decision";
export { sequenceDelta, seqNewer, timestampDelta } from "../../assembly/wrap";
export { SEEN_WINDOW } from "../../assembly/packet_buffer";

/** Size of the scratch area in bytes: 1 MiB holds 262 144 f32 samples, over 5 s at 48 kHz. */
export const SCRATCH_BYTES: i32 = 1 << 20;

// Allocated once at module start; JavaScript addresses it through scratchPtr().
const scratch = new StaticArray<u8>(SCRATCH_BYTES);

/** Address of the first byte of the SCRATCH_BYTES-long scratch area (16-byte aligned). */
export function scratchPtr(): usize {
  return changetype<usize>(scratch);
}

/**
 * Objects of one class addressed by integer handles (indexes into the table).
 * Slots are never freed; tests reinstantiate the module when they need a
 * clean table.
 */
class HandleTable<T> {
  private readonly items: StaticArray<T | null>;
  private count: i32 = 0;

  constructor(capacity: i32) {
    this.items = new StaticArray<T | null>(capacity);
  }

  /** True when add() would refuse: check it before allocating the object. */
  isFull(): bool {
    return this.count >= this.items.length;
  }

  /** Stores `item`; returns its handle, or −1 when the table is full. */
  add(item: T): i32 {
    if (this.isFull()) return -1;
    const handle = this.count;
    this.items[handle] = item;
    this.count = handle + 1;
    return handle;
  }

  /** The object behind `handle`, aborting on a handle add() did not return. */
  at(handle: i32): T {
    assert(handle >= 0 && handle < this.count, "unknown handle");
    return this.items[handle]!;
  }
}

/** Most upsamplers that can exist at once: plenty for tests creating a few per case. */
export const MAX_UPSAMPLERS: i32 = 64;

/** Most objects of each other wrapped class that can exist at once, for the same reason. */
export const MAX_HANDLES: i32 = 64;

const upsamplers = new HandleTable<Upsampler>(MAX_UPSAMPLERS);
const repeaters = new HandleTable<PitchRepeater>(MAX_HANDLES);
const unwrappers = new HandleTable<Unwrapper>(MAX_HANDLES);
const packetBuffers = new HandleTable<PacketBuffer>(MAX_HANDLES);
const seenSets = new HandleTable<SeenSequences>(MAX_HANDLES);
const delayTrackers = new HandleTable<DelayTracker>(MAX_HANDLES);

// The one Status decideWith() fills and the one Decision it reads back, allocated at module start.
const status = new Status();
const decision = new Decision();

// --- Upsampler (dsp/upsample.ts) ---

/** Creates an Upsampler for `factor`; returns its handle, or −1 if the factor is unsupported or the table is full. */
export function upsamplerCreate(factor: i32): i32 {
  if (!isSupportedUpsampleFactor(factor) || upsamplers.isFull()) return -1;
  return upsamplers.add(new Upsampler(factor));
}

/** Upsampler.process for `handle`: `count` f32 in at `src`, count × factor f32 out at `dst`; returns frames written. */
export function upsamplerProcess(handle: i32, src: usize, count: i32, dst: usize): i32 {
  return upsamplers.at(handle).process(src, count, dst);
}

/** Upsampler.reset for `handle`: clears its filter history. */
export function upsamplerReset(handle: i32): void {
  upsamplers.at(handle).reset();
}

/** Upsampler.delayFrames for `handle`: group delay in output frames. */
export function upsamplerDelay(handle: i32): i32 {
  return upsamplers.at(handle).delayFrames();
}

/** Upsampler.factor for `handle`: output frames per input sample. */
export function upsamplerFactor(handle: i32): i32 {
  return upsamplers.at(handle).factor;
}

// --- Period search (dsp/correlation.ts) ---

// The one PeriodMatch searchPeriod() fills, allocated at module start.
const periodMatch = new PeriodMatch();

/** searchPeriod (dsp/correlation.ts) into the module's PeriodMatch; read it with searchFoundLag/searchFoundCorrelation. */
export function searchPeriod(anchor: usize, segmentsBefore: i32, minLag: i32, maxLag: i32, scratch: usize): void {
  searchPeriodInto(anchor, segmentsBefore, minLag, maxLag, scratch, periodMatch);
}

/** The lag the last searchPeriod found, in samples. */
export function searchFoundLag(): i32 {
  return periodMatch.lag;
}

/** The normalised correlation at the lag the last searchPeriod found. */
export function searchFoundCorrelation(): f32 {
  return periodMatch.correlation;
}

// --- Stretch acceptance (dsp/stretch_acceptance.ts) ---

// The one StretchChoice chooseStretchAt() fills, allocated at module start.
const stretchChoice = new StretchChoice();

/** chooseStretch into the module's StretchChoice (audio below `quietRms` is quiet); returns its kind (STRETCH_*), its length via stretchChoiceFrames. */
export function chooseStretchAt(anchor: usize, shorten: bool, ahead: i32, behind: i32, wanted: f64, budget: f64, quietRms: f32, scratch: usize): i32 {
  chooseStretch(anchor, shorten, ahead, behind, wanted, budget, true, quietRms, scratch, stretchChoice);
  return stretchChoice.kind;
}

/** The length of the stretch the last chooseStretchAt chose. */
export function stretchChoiceFrames(): i32 {
  return stretchChoice.frames;
}

// --- Background level (background_level.ts) ---

// The one BackgroundLevel the background* functions drive, allocated at module start.
const background = new BackgroundLevel();

export function backgroundReset(): void {
  background.reset();
}

/** BackgroundLevel.listen on `frames` samples at `x`. */
export function backgroundListen(x: usize, frames: i32): void {
  background.listen(x, frames);
}

/** The quiet threshold the audio so far allows (RMS). */
export function backgroundQuietRms(): f32 {
  return background.quietRms;
}

// --- Concealment (dsp/expand.ts) ---

/** Creates a PitchRepeater for periods up to `maxPeriod` at `sampleRate`; returns its handle, or −1 when the table is full. */
export function pitchRepeaterCreate(maxPeriod: i32, sampleRate: f32): i32 {
  if (repeaters.isFull()) return -1;
  return repeaters.add(new PitchRepeater(maxPeriod, sampleRate));
}

/** PitchRepeater.start for `handle`: history ends (exclusive) at `end`; `period` ≤ its maxPeriod. */
export function pitchRepeaterStart(handle: i32, end: usize, period: i32): void {
  repeaters.at(handle).start(end, period);
}

/** PitchRepeater.generate for `handle`: n f32 written at `out`. */
export function pitchRepeaterGenerate(handle: i32, out: usize, n: i32): void {
  repeaters.at(handle).generate(out, n);
}

/** PitchRepeater.isSilent for `handle`. */
export function pitchRepeaterIsSilent(handle: i32): bool {
  return repeaters.at(handle).isSilent();
}

// --- Decision (decision.ts) ---

/** decide() on a Status holding these fields (same names and meaning as Status's). */
export function decideWith(
  started: bool,
  packetAvailable: bool,
  gapFrames: f64,
  sequenceContiguous: bool,
  pauseSignalled: bool,
  nextIsComfortNoise: bool,
  startInFrames: f64,
  errorFrames: f64,
  deadbandFrames: f64,
  fastAboveFrames: f64,
  stretchBudgetFrames: f64,
  minStretchFrames: f64,
  lastOutcome: i32,
  needFrames: i32,
  fecFrames: i32,
  sequenceGap: bool,
  codecConcealing: bool,
  headroomFrames: f64,
  playedGapFrames: f64,
  arrivedAheadFrames: f64,
  marginFrames: f64,
  outOfBandFrames: f64,
  profileSwitch: bool,
): i32 {
  status.started = started;
  status.packetAvailable = packetAvailable;
  status.gapFrames = gapFrames;
  status.sequenceContiguous = sequenceContiguous;
  status.pauseSignalled = pauseSignalled;
  status.nextIsComfortNoise = nextIsComfortNoise;
  status.startInFrames = startInFrames;
  status.errorFrames = errorFrames;
  status.deadbandFrames = deadbandFrames;
  status.fastAboveFrames = fastAboveFrames;
  status.stretchBudgetFrames = stretchBudgetFrames;
  status.minStretchFrames = minStretchFrames;
  status.lastOutcome = lastOutcome;
  status.needFrames = needFrames;
  status.fecFrames = fecFrames;
  status.sequenceGap = sequenceGap;
  status.codecConcealing = codecConcealing;
  status.headroomFrames = headroomFrames;
  status.playedGapFrames = playedGapFrames;
  status.arrivedAheadFrames = arrivedAheadFrames;
  status.marginFrames = marginFrames;
  status.outOfBandFrames = outOfBandFrames;
  status.profileSwitch = profileSwitch;
  return decide(status, decision);
}

/** Decision.frames of the last decideWith(). */
export function decisionFrames(): i32 {
  return decision.frames;
}

/** Decision.skipFrames of the last decideWith(). */
export function decisionSkipFrames(): i32 {
  return decision.skipFrames;
}

/** Decision.jumpFrames of the last decideWith(). */
export function decisionJumpFrames(): f64 {
  return decision.jumpFrames;
}

/** Decision.advanceFrames of the last decideWith(). */
export function decisionAdvanceFrames(): f64 {
  return decision.advanceFrames;
}

/** Decision.waits of the last decideWith(). */
export function decisionWaits(): bool {
  return decision.waits;
}

/** Decision.quietOnly of the last decideWith(). */
export function decisionQuietOnly(): bool {
  return decision.quietOnly;
}

/** Decision.rollBack of the last decideWith(). */
export function decisionRollBack(): bool {
  return decision.rollBack;
}

// --- Wraparound (wrap.ts) ---

/** Creates an Unwrapper; returns its handle, or −1 when the table is full. */
export function unwrapperCreate(): i32 {
  if (unwrappers.isFull()) return -1;
  return unwrappers.add(new Unwrapper());
}

/** Unwrapper.seq for `handle`. */
export function unwrapperSeq(handle: i32, seq: u32): i64 {
  return unwrappers.at(handle).seq(seq);
}

/** Unwrapper.ts for `handle`. */
export function unwrapperTs(handle: i32, ts: u32): i64 {
  return unwrappers.at(handle).ts(ts);
}

/** Unwrapper.reset for `handle`. */
export function unwrapperReset(handle: i32): void {
  unwrappers.at(handle).reset();
}

// --- Packet buffer (packet_buffer.ts) ---

/** Creates a PacketBuffer of `slots` slots of `slotBytes` bytes; returns its handle, or −1 when the table is full. */
export function packetBufferCreate(slots: i32, slotBytes: i32): i32 {
  if (packetBuffers.isFull()) return -1;
  return packetBuffers.add(new PacketBuffer(slots, slotBytes));
}

/** PacketBuffer.insert for `handle`: returns the slot id, or −1 when full. */
export function packetBufferInsert(handle: i32, seq: i64, pos: i64, frames: i32, arrival: f64, src: usize, length: i32): i32 {
  return packetBuffers.at(handle).insert(seq, pos, frames, 0, arrival, 0, src, length);
}

/** PacketBuffer.first for `handle`: slot id of the earliest packet, or −1. */
export function packetBufferFirst(handle: i32): i32 {
  return packetBuffers.at(handle).first();
}

/** PacketBuffer.at for `handle`: slot id of the n-th packet in position order, or −1. */
export function packetBufferAt(handle: i32, n: i32): i32 {
  return packetBuffers.at(handle).at(n);
}

/** PacketBuffer.removeFirst for `handle`. */
export function packetBufferRemoveFirst(handle: i32): void {
  packetBuffers.at(handle).removeFirst();
}

/** PacketBuffer.count for `handle`. */
export function packetBufferCount(handle: i32): i32 {
  return packetBuffers.at(handle).count;
}

/** PacketBuffer.contains for `handle`. */
export function packetBufferContains(handle: i32, seq: i64): bool {
  return packetBuffers.at(handle).contains(seq);
}

/** PacketBuffer.isFull for `handle`. */
export function packetBufferIsFull(handle: i32): bool {
  return packetBuffers.at(handle).isFull();
}

/** PacketBuffer.clear for `handle`. */
export function packetBufferClear(handle: i32): void {
  packetBuffers.at(handle).clear();
}

/** Sequence number stored in `slot` of `handle`. */
export function packetBufferSeq(handle: i32, slot: i32): i64 {
  return packetBuffers.at(handle).seq[slot];
}

/** Position stored in `slot` of `handle`. */
export function packetBufferPos(handle: i32, slot: i32): i64 {
  return packetBuffers.at(handle).pos[slot];
}

/** Payload length stored in `slot` of `handle`. */
export function packetBufferLength(handle: i32, slot: i32): i32 {
  return packetBuffers.at(handle).length[slot];
}

/** PacketBuffer.payloadPtr for `handle`: address of the slot's payload bytes. */
export function packetBufferPayload(handle: i32, slot: i32): usize {
  return packetBuffers.at(handle).payloadPtr(slot);
}

/** PacketBuffer.endPos for `handle`. */
export function packetBufferEndPos(handle: i32, fallback: i64): i64 {
  return packetBuffers.at(handle).endPos(fallback);
}

/** Creates a SeenSequences; returns its handle, or −1 when the table is full. */
export function seenCreate(): i32 {
  if (seenSets.isFull()) return -1;
  return seenSets.add(new SeenSequences());
}

/** SeenSequences.markAndCheck for `handle`: true when `seq` had been marked before. */
export function seenMarkAndCheck(handle: i32, seq: i64): bool {
  return seenSets.at(handle).markAndCheck(seq);
}

/** SeenSequences.reset for `handle`. */
export function seenReset(handle: i32): void {
  seenSets.at(handle).reset();
}

// --- Arrival tracking (arrival.ts) ---

/** Creates a DelayTracker at `sampleRate`; returns its handle, or −1 when the table is full. */
export function delayTrackerCreate(sampleRate: f64): i32 {
  if (delayTrackers.isFull()) return -1;
  return delayTrackers.add(new DelayTracker(sampleRate));
}

/** DelayTracker.observe for `handle`. */
export function delayTrackerObserve(handle: i32, arrivalFrame: f64, posFrame: f64, memoryPackets: f64, bodyMs: f64): void {
  delayTrackers.at(handle).observe(arrivalFrame, posFrame, memoryPackets, bodyMs);
}

/** DelayTracker.quantileMs for `handle`. */
export function delayTrackerQuantileMs(handle: i32, quantile: f64): f64 {
  return delayTrackers.at(handle).quantileMs(quantile);
}

/** DelayTracker.lateness.coverMs for `handle`. */
export function delayTrackerCoverMs(handle: i32, nowMs: f64, windowMs: f64, episodeCostMs: f64, baseMs: f64): f64 {
  const t = delayTrackers.at(handle);
  return t.lateness.coverMs(nowMs, windowMs, episodeCostMs, baseMs, t.baselineMs());
}

/** DelayTracker.spikeFloorMs for `handle`. */
export function delayTrackerSpikeFloorMs(handle: i32): f64 {
  return delayTrackers.at(handle).spikeFloorMs;
}

/** DelayTracker.minTransit for `handle`: fastest transit in the window, in frames. */
export function delayTrackerMinTransit(handle: i32): f64 {
  return delayTrackers.at(handle).minTransit;
}

/** DelayTracker.lastRelativeMs for `handle`. */
export function delayTrackerLastRelativeMs(handle: i32): f64 {
  return delayTrackers.at(handle).lastRelativeMs;
}

/** DelayTracker.packets for `handle`. */
export function delayTrackerPackets(handle: i32): i32 {
  return delayTrackers.at(handle).packets;
}

/** DelayTracker.reset for `handle`. */
export function delayTrackerReset(handle: i32): void {
  delayTrackers.at(handle).reset();
}
