import type { EngineStats } from '../engine/index.js';

/** The engine's counters (defined by the engine: src/engine/types.ts), as replay results carry them. */
export type { EngineStats };

/** What happened to one received packet (first arrival of its sequence number). */
export type PacketFate =
  | 'played' // its decoded audio was emitted
  | 'late' // its playout time had passed when it arrived, or while it waited
  | 'overflow' // evicted because the packet buffer was full
  | 'invalid' // rejected at insert (malformed payload)
  | 'fec' // its audio had already been recovered from in-band FEC
  | 'telephone-event' // an RFC 4733 event (DTMF): reported as an event, never played as audio
  | 'buffered'; // still in the buffer when the replay ended

/** One distinct received sequence number, as the replay driver saw it. */
export interface PacketRecord {
  /** Unwrapped RTP sequence number. */
  seq: number;
  /** Nominal send time s_i = (T_i − T_0) / clockRate, in ms (T unwrapped). */
  sendMs: number;
  /** Arrival time a_i of its first arrival, in ms on the output clock. */
  arrivalMs: number;
  /** Output time p_i of its first emitted sample, in ms; null when not played. */
  playMs: number | null;
  fate: PacketFate;
  /** IP ECN bits of its first arrival (0..3), or -1 when unknown. */
  ecn: number;
}

/** A point of the buffer's state over time, sampled by the driver for the timeline. */
export interface TimelinePoint {
  /** Output clock, ms. */
  timeMs: number;
  /** Audio buffered ahead of the playout point (decoded + encoded), ms. */
  bufferMs: number;
  /** Current target delay, ms. */
  targetMs: number;
  /** Current added latency the engine steers (playout offset above the fastest recent packet), ms. */
  delayMs: number;
  /** Active profile name. */
  profile: string;
}

/** Operation kinds as the engine reports them in its event log. */
export type OperationKind =
  | 'normal'
  | 'expand'
  | 'merge'
  | 'accelerate'
  | 'accelerate-fast'
  | 'preemptive-expand'
  | 'dtx'
  | 'fec'
  | 'reset';

/** One time-stretch, concealment, merge, DTX, FEC recovery or reset event. */
export interface OperationEvent {
  timeMs: number;
  kind: OperationKind;
  /** Samples (frames) the operation removed (negative) or inserted (positive) relative to normal playout. */
  frames: number;
  /** A time-stretch that cut or extended quiet audio (below −50 dBFS: inaudible) instead of a voiced period. */
  quiet?: boolean;
}

/** Everything one replay produced; the input of computeMetrics and the timeline writer. */
export interface ReplayResult {
  traceName: string;
  profile: string;
  /** Output sample rate (48000). */
  sampleRate: number;
  channels: number;
  /** Distinct sequence numbers in the trace's range (first..last, unwrapped). */
  packets: number;
  /** Arrivals of a sequence number already received. */
  duplicates: number;
  /** One record per distinct received sequence number, in sequence order. */
  records: PacketRecord[];
  stats: EngineStats;
  timeline: TimelinePoint[];
  events: OperationEvent[];
  /** Profile changes applied, with their output-clock times. */
  profileChanges: { timeMs: number; profile: string }[];
  /** SHA-256 (hex) of the emitted PCM as little-endian float32, channels interleaved. */
  outputSha256: string;
  /** Seconds of audio emitted. */
  audioSeconds: number;
  /** Wall-clock seconds the replay took. */
  wallSeconds: number;
  /** Typical packet duration of the stream, ms (the median timestamp step). */
  packetMs?: number;
  /** Output time spent in each profile, ms. */
  timeInProfileMs?: Record<string, number>;
  /** What the stream's payloads are and whether they or the replacement audio played. */
  audio?: AudioChoice;
}

/** The figures of shared/METRICS.md, under exactly those names. */
export interface Metrics {
  packets: number;
  received: number;
  networkLost: number;
  duplicates: number;
  lateLost: number;
  played: number;
  meanBufferDelayMs: number;
  p50BufferDelayMs: number;
  p95BufferDelayMs: number;
  p99BufferDelayMs: number;
  meanAddedLatencyMs: number;
  p95AddedLatencyMs: number;
  jitterBufferDelayMs: number;
  targetDelayMs: number;
  concealmentRatio: number;
  concealmentEvents: number;
  accelerateRatio: number;
  decelerateRatio: number;
  fecRecovered: number;
  profileSwitches: number;
  outputSha256: string;
  realtimeFactor: number;
}

/** The codec of the stream and where a replay's audio comes from, as the CLI and the JSON say it. */
export interface AudioChoice {
  /** What the stream's payloads are (PCMU, PCMA, opus, L16, G722...), or null when unknown (or a CSV trace). */
  streamCodec: string | null;
  /** 'payload': the trace's own audio is decoded; 'replacement': the shipped speech plays through its timing. */
  audioSource: 'payload' | 'replacement';
  /** Why the replacement plays, when it does. */
  reason: string | null;
}
