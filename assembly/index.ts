// The exported API: a few verbs over engine handles. Only numbers cross the
// boundary; payloads, output, stats and events live in engine memory at
// addresses the host reads once (layout below) and views directly.
// Nothing throws past this edge: every verb answers with a result code.
// Every number the host must agree on is in assembly/abi.ts, re-exported here
// as wasm globals, which the JS side checks when it loads the module.

import { DEFAULT_SLOTS, DEFAULT_SLOT_BYTES, EVENT_CAPACITY, MAX_PULL_FRAMES, PROFILE_CUSTOM, PROFILE_FIELD_COUNT, SAMPLE_RATE, STAT_PACKETS_INVALID } from './abi';
import * as R from './abi';
import { Decoder, isKnownCodec } from './codec';
import { mixSamples } from './dsp/mix';
import { Engine } from './engine';
import { Profile } from './profile';

export * from './abi';

/** Engines one module instance holds at once. */
const MAX_ENGINES: i32 = 4096;
/** Most packet slots an engine may ask for: 82 s of 20 ms packets, far beyond any useful buffer. */
const MAX_SLOTS: i32 = 4096;
/** Largest slot: 1 MiB, far beyond any audio packet (120 ms of 48 kHz stereo float is 46 KB). */
const MAX_SLOT_BYTES: i32 = 1 << 20;

const engines = new StaticArray<Engine | null>(MAX_ENGINES);
/** Profile the engines copy a new profile from (built-in or the host's record). */
const custom = new Profile();
/** The host writes a custom profile here (PROFILE_FIELD_* indices) before setCustomProfile(). */
const profileRecord = new StaticArray<f64>(PROFILE_FIELD_COUNT);

function engineAt(handle: i32): Engine | null {
  if (handle < 0 || handle >= MAX_ENGINES) return null;
  return unchecked(engines[handle]);
}

/**
 * Creates an engine and reserves all its memory. `clockRate` is the RTP clock,
 * `payloadRate` the audio rate inside PCM payloads (ignored for host codecs);
 * `slots`/`slotBytes` size the packet buffer (0 = defaults). Returns a handle ≥ 0
 * or ERR_CODEC / ERR_ARGUMENT / ERR_CAPACITY.
 */
export function create(codec: i32, channels: i32, clockRate: i32, payloadRate: i32, profileId: i32, slots: i32, slotBytes: i32): i32 {
  if (!isKnownCodec(codec)) return R.ERR_CODEC;
  if (channels < 1 || channels > 2 || clockRate < 1000 || clockRate > 192000) return R.ERR_ARGUMENT;
  if (!Decoder.ratesSupported(codec, payloadRate, SAMPLE_RATE)) return R.ERR_CODEC;
  if (profileId < 0 || profileId >= PROFILE_CUSTOM) return R.ERR_ARGUMENT;
  const slotCount = slots > 0 ? slots : DEFAULT_SLOTS;
  const bytes = slotBytes > 0 ? slotBytes : DEFAULT_SLOT_BYTES;
  if (slotCount > MAX_SLOTS || bytes > MAX_SLOT_BYTES) return R.ERR_ARGUMENT;
  for (let h = 0; h < MAX_ENGINES; h++) {
    if (unchecked(engines[h]) == null) {
      unchecked((engines[h] = new Engine(h, codec, channels, clockRate, payloadRate, profileId, slotCount, bytes)));
      return h;
    }
  }
  return R.ERR_CAPACITY;
}

/** Releases an engine; its memory is reclaimed by a collection here (never on the audio thread's hot path). */
export function destroy(handle: i32): i32 {
  if (engineAt(handle) == null) return R.ERR_HANDLE;
  unchecked((engines[handle] = null));
  __collect();
  return R.OK;
}

/** Address where the host writes a payload before insert(). */
export function inputPtr(handle: i32): usize {
  const e = engineAt(handle);
  return e == null ? 0 : changetype<usize>(e.input);
}

/** Bytes available at inputPtr: the largest payload insert() takes. */
export function inputCapacity(handle: i32): i32 {
  const e = engineAt(handle);
  return e == null ? 0 : e.buffer.slotBytes;
}

/**
 * Files a packet whose `length` payload bytes are at inputPtr. `ssrc` < 0 when
 * unknown; `arrivalFrame` on the output clock, < 0 for now; `flags` the
 * INSERT_FLAG_* bits (marker bit, comfort noise). Returns OK, DUPLICATE, LATE,
 * RESYNC, OVERFLOW, or ERR_HANDLE / ERR_PAYLOAD.
 */
export function insert(handle: i32, seq: u32, timestamp: u32, ssrc: f64, arrivalFrame: f64, length: i32, flags: i32): i32 {
  const e = engineAt(handle);
  if (e == null) return R.ERR_HANDLE;
  return e.insert(seq & 0xffff, timestamp, ssrc, arrivalFrame, length, flags);
}

/** Counts a packet the host refused before insert (e.g. larger than inputCapacity). */
export function countInvalid(handle: i32): i32 {
  const e = engineAt(handle);
  if (e == null) return R.ERR_HANDLE;
  e.stats.add(STAT_PACKETS_INVALID, 1);
  return R.OK;
}

/** Emits `frames` frames per channel at outputPtr (planar, outputStride floats apart). */
export function pull(handle: i32, frames: i32): i32 {
  const e = engineAt(handle);
  if (e == null) return R.ERR_HANDLE;
  return e.pull(frames);
}

/** Address of the output block (channel c at outputPtr + c·outputStride·4). */
export function outputPtr(handle: i32): usize {
  const e = engineAt(handle);
  return e == null ? 0 : changetype<usize>(e.output);
}

/** Floats between the starts of two channels' output. */
export function outputStride(): i32 {
  return MAX_PULL_FRAMES;
}

/**
 * Computes the stats block's gauges (STAT_TARGET_DELAY_MS, STAT_CURRENT_DELAY_MS,
 * STAT_BUFFERED_MS, STAT_PACKETS_BUFFERED, STAT_EVENTS_LOST, STAT_DELAY_ESTIMATE_MS)
 * for the host to read; counters and STAT_NOW_FRAMES are always current.
 */
export function refreshStats(handle: i32): i32 {
  const e = engineAt(handle);
  if (e == null) return R.ERR_HANDLE;
  e.refreshStats();
  return R.OK;
}

/** Address of the stats block (STAT_COUNT f64 values at the STAT_* indices of abi.ts; gauges as of the last refreshStats). */
export function statsPtr(handle: i32): usize {
  const e = engineAt(handle);
  return e == null ? 0 : changetype<usize>(e.stats.values);
}

/** Switches to a built-in profile (PROFILE_CLASSIC, PROFILE_L4S). */
export function setProfile(handle: i32, profileId: i32): i32 {
  const e = engineAt(handle);
  if (e == null) return R.ERR_HANDLE;
  if (profileId < 0 || profileId >= PROFILE_CUSTOM) return R.ERR_ARGUMENT;
  custom.setBuiltIn(profileId);
  e.applyProfile(custom);
  return R.OK;
}

/** Address of the profile record setCustomProfile() reads (PROFILE_FIELD_COUNT f64 values). */
export function profileRecordPtr(): usize {
  return changetype<usize>(profileRecord);
}

/**
 * Switches to the custom profile the host wrote at profileRecordPtr() (times in
 * ms; rates as shares of played audio). ERR_ARGUMENT when a value is out of
 * range (Profile.isValid); the engine's profile is then unchanged.
 */
export function setCustomProfile(handle: i32): i32 {
  const e = engineAt(handle);
  if (e == null) return R.ERR_HANDLE;
  custom.setFromRecord(profileRecord);
  if (!custom.isValid()) return R.ERR_ARGUMENT;
  e.applyProfile(custom);
  return R.OK;
}

/** Active profile id. */
export function profileId(handle: i32): i32 {
  const e = engineAt(handle);
  return e == null ? R.ERR_HANDLE : e.profile.id;
}

/** Turns the event log on or off (off by default: the worklet has no reader). Reserves its memory the first time. */
export function setEventLog(handle: i32, enabled: bool): i32 {
  const e = engineAt(handle);
  if (e == null) return R.ERR_HANDLE;
  e.events.enable(enabled, EVENT_CAPACITY);
  return R.OK;
}

/** Moves waiting events to eventsPtr (oldest first) and returns how many. */
export function drainEvents(handle: i32): i32 {
  const e = engineAt(handle);
  if (e == null) return R.ERR_HANDLE;
  return e.events.drain();
}

/** Address of drained events (EVENT_FIELDS f64 each). */
export function eventsPtr(handle: i32): usize {
  const e = engineAt(handle);
  return e == null ? 0 : changetype<usize>(e.events.drained);
}

/** Forgets the stream (as on an SSRC change); playout restarts at the next packet. */
export function reset(handle: i32): i32 {
  const e = engineAt(handle);
  if (e == null) return R.ERR_HANDLE;
  e.resync(R.RESET_REASON_HOST);
  return R.OK;
}

/** Most mix planes a module reserves: 32 outputs of two channels. */
const MAX_MIX_PLANES: i32 = 64;
/** The mix planes of a many-stream host (one per output channel), MAX_PULL_FRAMES float32 each. */
let mixArea: StaticArray<f32> | null = null;
let mixPlanes: i32 = 0;

/**
 * Reserves `planes` mix planes (plane p at the address returned +
 * p·outputStride·4), for the one host of this module that mixes its engines'
 * output into sums (mixInto). It allocates: call it before rendering. The
 * area is reserved once and never moves: a later call gets the same address
 * when it asks for no more planes, and 0 when it asks for more (or for a
 * count outside 1..64).
 */
export function reserveMix(planes: i32): usize {
  if (planes < 1 || planes > MAX_MIX_PLANES) return 0;
  if (mixArea == null) {
    mixArea = new StaticArray<f32>(planes * MAX_PULL_FRAMES);
    mixPlanes = planes;
  }
  return planes <= mixPlanes ? changetype<usize>(mixArea) : 0;
}

/**
 * Mix plane `plane` = gain · channel `channel` of the engine's last pull
 * (`add` 0), or plane + gain · it (`add` 1), over its first `frames` frames,
 * in float32. ERR_HANDLE, or ERR_ARGUMENT for a channel, plane or frame count
 * out of range.
 */
export function mixInto(handle: i32, channel: i32, plane: i32, frames: i32, gain: f32, add: i32): i32 {
  const e = engineAt(handle);
  if (e == null) return R.ERR_HANDLE;
  if (channel < 0 || channel >= e.sync.channels || plane < 0 || plane >= mixPlanes || frames < 0 || frames > MAX_PULL_FRAMES) return R.ERR_ARGUMENT;
  const source = changetype<usize>(e.output) + ((<usize>channel * MAX_PULL_FRAMES) << 2);
  const target = changetype<usize>(mixArea) + ((<usize>plane * MAX_PULL_FRAMES) << 2);
  mixSamples(source, target, frames, gain, add != 0);
  return R.OK;
}
