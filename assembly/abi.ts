// The contract between the engine and its hosts: every number both sides of
// the wasm boundary must agree on, written once. This file is compiled twice:
// by asc into the engine (assembly/index.ts re-exports all of it, so each
// value is also an exported wasm global) and by tsc for the JavaScript side
// (src/engine/contract.ts), which derives its tables from it and checks, when
// an EngineModule is made, that the wasm it loaded exports the same values.
//
// So it stays in the subset both compilers accept: `export const NAME = literal;`
// (an integer literal is an i32 in AssemblyScript, one with a decimal point an
// f64), or a constant of this file; no types, no imports, nothing else. Names
// carry meaning on the JS side: STAT_PACKETS_RECEIVED is the stats field
// `packetsReceived`, EVENT_ACCELERATE_FAST the event kind 'accelerate-fast',
// PROFILE_FIELD_FLOOR_MS the profile record field `floorMs`, CLASSIC_FLOOR_MS
// its value in the built-in 'classic' profile.

// ---- Clock and blocks -------------------------------------------------------

/** Output rate of every engine, Hz: WebRTC's Opus rate and every AudioContext's default. */
export const SAMPLE_RATE = 48000;
/** Largest pull: 8192 frames covers the polyfill's 2048-frame blocks with room. */
export const MAX_PULL_FRAMES = 8192;
/** Packet slots when the host passes 0: 2.56 s of 20 ms packets. */
export const DEFAULT_SLOTS = 128;
/** Slot size when the host passes 0: 20 ms of 48 kHz mono L16 (1920 bytes) fits. */
export const DEFAULT_SLOT_BYTES = 2048;

// ---- Result codes ---------------------------------------------------------------
// Nothing throws past the wasm edge: every verb answers with one of these
// (negative = refused, counted where it is a packet).

/** The call did what it was asked. */
export const OK = 0;
/** The packet was already received (duplicate); counted in packetsDuplicated. */
export const DUPLICATE = 1;
/** The packet's playout time had passed; counted in packetsDiscarded. */
export const LATE = 2;
/** The packet started a new stream (SSRC change or timestamp leap); the buffer re-synchronised. */
export const RESYNC = 3;
/** The buffer was full: the oldest packet was evicted and counted. */
export const OVERFLOW = 4;
/** No engine behind this handle (never created, or destroyed). */
export const ERR_HANDLE = -1;
/** An argument is out of its documented range. */
export const ERR_ARGUMENT = -2;
/** The payload is empty or larger than a packet slot; counted in packetsInvalid. */
export const ERR_PAYLOAD = -3;
/** The engine table is full. */
export const ERR_CAPACITY = -4;
/** Unknown codec id or a sample rate the codec cannot run at. */
export const ERR_CODEC = -5;

// ---- Codec ids (assembly/codec.ts) ---------------------------------------------

/** L16 (RFC 3551): big-endian signed 16-bit, interleaved channels. */
export const CODEC_L16 = 0;
/** G.711 μ-law, 8 kHz. */
export const CODEC_PCMU = 1;
/** G.711 A-law, 8 kHz. */
export const CODEC_PCMA = 2;
/** Little-endian signed 16-bit PCM, interleaved (what most AI-voice servers send). */
export const CODEC_PCM16LE = 3;
/** Little-endian float32 PCM, interleaved. */
export const CODEC_F32LE = 4;
/** Decoded by the host through the `jitterlane.decode` import (Opus and others). */
export const CODEC_HOST = 5;
/** Most a host codec's concealment may run past what was asked: 20 ms, its largest step (libopus conceals in 2.5 ms steps). */
export const CONCEAL_SLACK_FRAMES = 960;

// ---- Profiles (assembly/profile.ts) --------------------------------------------

/** Built-in profile id: a classic (drop-tail or CoDel) path. */
export const PROFILE_CLASSIC = 0;
/** Built-in profile id: an L4S path end to end. */
export const PROFILE_L4S = 1;
/** Id of a profile record the host supplied (setCustomProfile). */
export const PROFILE_CUSTOM = 2;

// The profile record: the f64 values the host writes at profileRecordPtr()
// before setCustomProfile(), at these indices. Times in ms of output audio;
// rates as shares of played audio.

/** Lowest target delay above the fastest recent packet. */
export const PROFILE_FIELD_FLOOR_MS = 0;
/** Highest target delay, and the bound on the added latency the buffer keeps. */
export const PROFILE_FIELD_CEILING_MS = 1;
/** Quantile of relative arrival delay the target covers. */
export const PROFILE_FIELD_QUANTILE = 2;
/** Memory of the delay histogram, in packets (its forgetting factor is 1 − 1/memory). */
export const PROFILE_FIELD_MEMORY_PACKETS = 3;
/** No stretching while the delay is within this distance of the target. */
export const PROFILE_FIELD_DEADBAND_MS = 4;
/** Largest share of played audio that time-stretching may remove or insert near the target. */
export const PROFILE_FIELD_STRETCH_RATE = 5;
/** Above target by more than fastAboveMs, accelerate may remove up to this share. */
export const PROFILE_FIELD_FAST_STRETCH_RATE = 6;
/** How far above the target the fast stretch rate applies. */
export const PROFILE_FIELD_FAST_ABOVE_MS = 7;
/** Lateness episodes are weighed over this long a window before now (assembly/lateness.ts). */
export const PROFILE_FIELD_LATENESS_WINDOW_MS = 8;
/** What one lateness episode a minute is worth in added latency, ms: the price the lateness cover weighs (0: never cover). */
export const PROFILE_FIELD_EPISODE_COST_MS = 9;
/** Values in a profile record. */
export const PROFILE_FIELD_COUNT = 10;

// Bounds of a valid profile record (the rule is validateProfile() in
// src/engine/profile.ts and Profile.isValid() in assembly/profile.ts).

/** Highest ceiling a record may ask for: 10 s, far beyond any conversation's tolerance. */
export const PROFILE_MAX_CEILING_MS = 10000.0;
/** Largest stretch rate: removing or inserting more than half the audio stops being speech. */
export const PROFILE_MAX_STRETCH_RATE = 0.5;
/** Shortest delay-histogram memory: below two packets there is no distribution to take a quantile of. */
export const PROFILE_MIN_MEMORY_PACKETS = 2.0;
/** Shortest lateness window: 1 s, a few packets' worth of episodes to weigh. */
export const PROFILE_MIN_LATENESS_WINDOW_MS = 1000.0;
/** Longest lateness window: 10 minutes, the lateness cover's memory of 64 episodes spread thin. */
export const PROFILE_MAX_LATENESS_WINDOW_MS = 600000.0;

// The built-in profiles' values, one per record field and profile.

/** 40 ms covers the queueing of a classic (drop-tail or CoDel) bottleneck at its target. */
export const CLASSIC_FLOOR_MS = 40.0;
/**
 * ITU-T G.114 puts acceptable one-way delay under 400 ms; beyond 500 ms of
 * buffering, concealing a spike costs a conversation less than waiting for it.
 */
export const CLASSIC_CEILING_MS = 500.0;
/**
 * 0.97 is NetEq's delay quantile; the same estimator serves both profiles so a
 * classic target is never below an l4s one on the same arrivals.
 */
export const CLASSIC_QUANTILE = 0.97;
/** About 10 s of 20 ms packets: long enough for a stable tail estimate, short enough to follow a path change. */
export const CLASSIC_MEMORY_PACKETS = 500.0;
/** 2 ms, as the profiles were introduced with (no measured reason recorded yet). */
export const CLASSIC_DEADBAND_MS = 2.0;
/** 10 % moves the buffer by 100 ms per second of speech, inaudible for WSOLA on voiced speech. */
export const CLASSIC_STRETCH_RATE = 0.1;
/** 25 % drains a post-outage backlog four times faster while staying intelligible. */
export const CLASSIC_FAST_STRETCH_RATE = 0.25;
/** 60 ms, as the profiles were introduced with (no measured reason recorded yet). */
export const CLASSIC_FAST_ABOVE_MS = 60.0;
/**
 * 20 s: long enough to span the quiet seconds between clusters of lateness
 * (and to see a rate of a few a minute), short enough that the cover lets go
 * within 20 s of the last episode. Measured on the recurring-lateness family:
 * a 5 s window makes 15–17 artefacts a minute, 10–40 s make 2–6.
 */
export const CLASSIC_LATENESS_WINDOW_MS = 20000.0;
/**
 * 3 ms of added latency per episode a minute: a few ms of target are cheaper
 * than a stall heard every few seconds, while a spike of tens of ms or more is
 * waited out once rather than covered. Measured on the generated families
 * (README, "The decision rule"): with no price for the episode itself the l4s
 * buffer still makes 29–43 artefacts a minute on recurring lateness (2–6 from
 * 1 ms to 10 ms, at the same latency); from 30 ms it starts covering spikes
 * of 100–300 ms (latency 31 -> 80 ms, cost 58 -> 95 on a spiky path).
 */
export const CLASSIC_EPISODE_COST_MS = 3.0;

/** An L4S bottleneck keeps about 1 ms of queue, so 10 ms leaves room for access jitter. */
export const L4S_FLOOR_MS = 10.0;
/**
 * Leaves G.114's 150 ms "transparent" budget to the network when jitter is moderate,
 * and caps the target at 300 ms when a path turns out not to be L4S after all.
 */
export const L4S_CEILING_MS = 300.0;
/** The rest as classic: one estimator and one stretcher for both, only the bounds differ. */
export const L4S_QUANTILE = CLASSIC_QUANTILE;
export const L4S_MEMORY_PACKETS = CLASSIC_MEMORY_PACKETS;
export const L4S_DEADBAND_MS = CLASSIC_DEADBAND_MS;
export const L4S_STRETCH_RATE = CLASSIC_STRETCH_RATE;
export const L4S_FAST_STRETCH_RATE = CLASSIC_FAST_STRETCH_RATE;
export const L4S_FAST_ABOVE_MS = CLASSIC_FAST_ABOVE_MS;
export const L4S_LATENESS_WINDOW_MS = CLASSIC_LATENESS_WINDOW_MS;
export const L4S_EPISODE_COST_MS = CLASSIC_EPISODE_COST_MS;

// ---- Stats block (assembly/stats.ts) -----------------------------------------
// webrtc-stats counters of one stream (RTCInboundRtpStreamStats names), kept as
// f64 so counts stay exact to 2^53 (285 years of 48 kHz samples) and JS reads
// them straight from memory, at these indices.

/** Packets received: valid arrivals, duplicates included. */
export const STAT_PACKETS_RECEIVED = 0;
/** Late + overflow + those waiting at a stream reset: webrtc-stats packetsDiscarded. */
export const STAT_PACKETS_DISCARDED = 1;
/** Arrivals of a sequence number already received. */
export const STAT_PACKETS_DUPLICATED = 2;
/** Packets whose playout time had passed when they arrived or while they waited. */
export const STAT_PACKETS_LATE = 3;
/** Packets evicted because the packet buffer was full. */
export const STAT_PACKETS_OVERFLOW = 4;
/** Packets refused at insert (empty, larger than a slot, of no known duration) or by the decoder at playout. */
export const STAT_PACKETS_INVALID = 5;
/** Packets whose decoded audio was emitted. */
export const STAT_PACKETS_PLAYED = 6;
/**
 * Samples (per channel) of the stream since its first played packet, as
 * webrtc-stats counts them: decoded from received packets, concealed in place
 * of missing ones, and played as silence or comfort noise through signalled
 * pauses (so concealedSamples ≤ totalSamplesReceived).
 */
export const STAT_TOTAL_SAMPLES_RECEIVED = 7;
/** Samples (per channel) emitted since the first played sample. */
export const STAT_TOTAL_SAMPLES_EMITTED = 8;
/** Samples synthesised to cover missing audio (lost, late, not arrived yet); signalled pauses are not included (see dtxSamples). */
export const STAT_CONCEALED_SAMPLES = 9;
/** The concealed samples that were silent (the concealment had faded below −50 dBFS): a subset of concealedSamples, as webrtc-stats defines it. */
export const STAT_SILENT_CONCEALED_SAMPLES = 10;
/** Concealment episodes: a run of concealment after real audio counts once. */
export const STAT_CONCEALMENT_EVENTS = 11;
/** Samples inserted by preemptive expand (slowing playout down). */
export const STAT_INSERTED_SAMPLES_FOR_DECELERATION = 12;
/** Samples removed by accelerate (speeding playout up). */
export const STAT_REMOVED_SAMPLES_FOR_ACCELERATION = 13;
/** Seconds: sum over emitted samples of their packet's time in the buffer (arrival to the emission of its first sample), as NetEq counts it. */
export const STAT_JITTER_BUFFER_DELAY = 14;
/** Seconds: sum over emitted samples of the target delay when they were emitted (webrtc-stats jitterBufferTargetDelay; ÷ jitterBufferEmittedCount gives the mean target). */
export const STAT_JITTER_BUFFER_TARGET_DELAY = 15;
/** Seconds: the same for the profile's floor instead of the target (the minimum the app asked for: webrtc-stats jitterBufferMinimumDelay). */
export const STAT_JITTER_BUFFER_MINIMUM_DELAY = 16;
/** Samples counted in the three delay sums above. */
export const STAT_JITTER_BUFFER_EMITTED_COUNT = 17;
/** Packets received that carry in-band FEC. */
export const STAT_FEC_PACKETS_RECEIVED = 18;
/** FEC-carrying packets whose FEC recovered nothing (the packet before them arrived, or they left the buffer unused). */
export const STAT_FEC_PACKETS_DISCARDED = 19;
/** Lost packets whose audio was recovered from the next packet's in-band FEC. */
export const STAT_FEC_RECOVERED = 20;
/** Stream restarts: SSRC changes, timestamp or sequence leaps, reset() calls. */
export const STAT_STREAM_RESETS = 21;
/** Payloads the decoder refused at playout (concealed instead). */
export const STAT_DECODER_ERRORS = 22;
/** Profile changes applied. */
export const STAT_PROFILE_SWITCHES = 23;
/** Gauge: current target delay above the fastest recent packet, ms. */
export const STAT_TARGET_DELAY_MS = 24;
/** Gauge: steered delay above the fastest recent packet, ms. */
export const STAT_CURRENT_DELAY_MS = 25;
/** Gauge: audio buffered ahead of the playout point (decoded + encoded), ms. */
export const STAT_BUFFERED_MS = 26;
/** Gauge: packets waiting in the packet buffer. */
export const STAT_PACKETS_BUFFERED = 27;
/** Gauge: the output clock, in frames. */
export const STAT_NOW_FRAMES = 28;
/** Events lost because the event log was full when the host had not drained it. */
export const STAT_EVENTS_LOST = 29;
/** Gauge: the delay estimate before the profile's floor and ceiling, ms (the path's own jitter need, for ECN decisions). */
export const STAT_DELAY_ESTIMATE_MS = 30;
/**
 * Samples played as silence or comfort noise through pauses the sender
 * signalled (an Opus DTX frame, an RFC 3389 comfort-noise packet, or the
 * marker bit on the packet after the pause): neither decoded audio nor
 * concealment, as NetEq's comfort noise is neither.
 */
export const STAT_DTX_SAMPLES = 31;
/**
 * Seconds: sum over emitted samples of the buffer time their packet was meant
 * to get: the target (before a spike steers it up) less the packet's own
 * lateness (its transit above the fastest recent packet's). jitterBufferDelay is measured against it sample
 * for sample, so the two averages agree when the buffer keeps its target;
 * jitterBufferTargetDelay (the target itself) is above both by the mean lateness.
 */
export const STAT_JITTER_BUFFER_MEANT_DELAY = 32;
/** f64 values in the stats block. */
export const STAT_COUNT = 33;

// ---- Event log (assembly/events.ts) --------------------------------------------
// Each drained event is EVENT_FIELDS f64 values: kind, output frame, a, b.

/** A packet played: a = unwrapped seq, b = output frame of its first emitted sample. */
export const EVENT_PLAYED = 1;
/** A packet arrived (or waited) past its playout time: a = unwrapped seq. */
export const EVENT_LATE = 2;
/** A packet evicted, buffer full: a = unwrapped seq. */
export const EVENT_OVERFLOW = 3;
/** Concealment: a = frames concealed. */
export const EVENT_EXPAND = 4;
/** Cross-fade from concealment back to real audio: a = cross-fade frames. */
export const EVENT_MERGE = 5;
/** Accelerate: a = frames removed, b = QUIET_STRETCH_FLAG when the audio was quiet (cut or extended in silence, inaudible), else 0 (a voiced period). */
export const EVENT_ACCELERATE = 6;
/** Accelerate at the fast rate: a = frames removed, b = QUIET_STRETCH_FLAG when the audio was quiet (cut or extended in silence, inaudible), else 0 (a voiced period). */
export const EVENT_ACCELERATE_FAST = 7;
/** Preemptive expand: a = frames inserted, b = QUIET_STRETCH_FLAG when the audio was quiet (cut or extended in silence, inaudible), else 0 (a voiced period). */
export const EVENT_PREEMPTIVE_EXPAND = 8;
/** DTX silence: a = frames of silence. */
export const EVENT_DTX = 9;
/** Stream reset: a = reason (RESET_REASON_*), b = packets discarded from the buffer. */
export const EVENT_RESET = 10;
/** Profile applied: a = profile id. */
export const EVENT_PROFILE = 11;
/** A duplicate arrival: a = unwrapped seq. */
export const EVENT_DUPLICATE = 12;
/** A packet recovered from the next one's in-band FEC: a = its unwrapped seq, b = frames. */
export const EVENT_FEC = 13;
/** A stretch event's b when the stretch cut or extended quiet audio (below −50 dBFS) rather than a voiced period. */
export const QUIET_STRETCH_FLAG = 1;
/** f64 fields per event: kind, output frame, a, b. */
export const EVENT_FIELDS = 4;
/** Event log entries kept between drains: several seconds of operations. */
export const EVENT_CAPACITY = 4096;

// ---- Stream reset reasons (the RESET event's a) ------------------------------

/** A packet of another SSRC arrived. */
export const RESET_REASON_SSRC_CHANGE = 1;
/** A timestamp more than 60 s from the playout point arrived (a new stream under the same SSRC). */
export const RESET_REASON_TIMESTAMP_LEAP = 2;
/** A sequence number more than 3000 packets from the highest seen arrived. */
export const RESET_REASON_SEQUENCE_LEAP = 3;
/** The host called reset(). */
export const RESET_REASON_HOST = 4;
/**
 * A packet with the marker bit whose sequence number and timestamp both went
 * back, the timestamp by more than RESTART_REWIND_MS: the sender restarted the
 * stream on the same SSRC (as rtpproxy's sess6 capture shows).
 */
export const RESET_REASON_RESTART = 5;
/**
 * How far back (ms of the sender's clock) a marker packet's timestamp must go
 * to be a restart rather than a reordered talkspurt start: 500 ms, the classic
 * profile's ceiling. A packet reordered that far could not play anyway.
 */
export const RESTART_REWIND_MS = 500;

// ---- Insert flags (insert()'s `flags` argument, bits) --------------------------

/** The RTP marker bit was set: the first packet of a talkspurt (it ends a pause) or of a restarted stream. */
export const INSERT_FLAG_MARKER = 1;
/**
 * The payload is RFC 3389 comfort noise (a SID: a level byte in −dBov, then
 * reflection coefficients), not the codec's audio: the engine plays comfort
 * noise at that level until the next audio instead of decoding it.
 */
export const INSERT_FLAG_COMFORT_NOISE = 2;
/**
 * The payload is a copy of this packet's frame that a later packet carried
 * (RFC 2198 redundancy): the packet itself never came. Its arrival says when
 * the later packet came, not how the path delays packets, so it does not
 * enter the delay estimate; it is a lateness episode for the cover, which
 * waits for copies only where losses are frequent enough to be worth it. It
 * plays if its time has not passed.
 */
export const INSERT_FLAG_REDUNDANT_COPY = 4;
