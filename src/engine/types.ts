// The types of the engine's JavaScript face. Those that mirror the contract
// (stats, event kinds, profile fields) are derived from assembly/abi.ts, so a
// field added there appears here by itself.

import type { HostCodec } from '../codecs/host_codec.js';
import type { LibOpus } from '../codecs/libopus.js';
import type { EventKindName, ProfileFieldName, StatName } from './contract.js';

/** Built-in codecs; 'opus' (decoded by libopus, see EngineOptions.opus); 'host' for any codec decoded through a HostCodec. */
export type CodecName = 'L16' | 'PCMU' | 'PCMA' | 'PCM16LE' | 'F32LE' | 'opus' | 'host';
/** Built-in target profiles. */
export type ProfileName = 'classic' | 'l4s';

/**
 * A custom target profile (times in ms; rates as shares of played audio). One
 * field per PROFILE_FIELD_* constant of assembly/abi.ts, documented there
 * (PROFILE_FIELD_FLOOR_MS is floorMs); floorMs and ceilingMs are required,
 * the others default to the classic profile's.
 */
export type ProfileRecord = Pick<Record<ProfileFieldName, number>, 'floorMs' | 'ceilingMs'> & Partial<Record<ProfileFieldName, number>>;

/**
 * webrtc-stats counters (RTCInboundRtpStreamStats names; delays in seconds) and
 * gauges the engine keeps: one field per STAT_* constant of assembly/abi.ts,
 * documented there (STAT_PACKETS_RECEIVED is packetsReceived).
 */
export type EngineStats = Record<StatName, number>;

/** Options of Engine creation. */
export interface EngineOptions {
  codec: CodecName;
  /** 1 or 2. Default 1. */
  channels?: number;
  /** RTP clock rate. Default: 8000 for G.711, 48000 otherwise. */
  clockRate?: number;
  /** Audio rate inside PCM payloads. Default: the clock rate. */
  payloadRate?: number;
  profile?: ProfileName | ProfileRecord;
  /** Packet slots (default DEFAULT_SLOTS, 128) and their size in bytes (default DEFAULT_SLOT_BYTES, 2048). */
  slots?: number;
  slotBytes?: number;
  /** Required when codec is 'host'. */
  hostCodec?: HostCodec;
  /** Required when codec is 'opus': the libopus instance the engine's decoder is made in (loadLibOpus() in Node). */
  opus?: LibOpus;
  /** Record events (played packets, operations) for drainEvents(). Default false. */
  eventLog?: boolean;
}

/** RTP header fields of one packet, plus its arrival on the output clock. */
export interface PacketInfo {
  sequenceNumber: number;
  timestamp: number;
  ssrc?: number;
  /** Arrival in frames on the output clock; default: now (the engine's clock). */
  arrivalFrame?: number;
  /** The RTP marker bit: a talkspurt's first packet (the gap before it was a pause), or a restarted stream's. Default false. */
  marker?: boolean;
  /** The payload is RFC 3389 comfort noise (PT 13), not the codec's audio: the pause after it plays noise at its level. Default false. */
  comfortNoise?: boolean;
  /**
   * The payload is a copy of this packet's frame that a later packet carried (RFC 2198 redundancy): the packet never
   * came, so its arrival (its successor's) does not enter the delay estimate. Default false.
   */
  redundantCopy?: boolean;
}

/** What insert() did with a packet. */
export type InsertResult = 'ok' | 'duplicate' | 'late' | 'resync' | 'overflow' | 'invalid';

/** Kind of one engine event: one per EVENT_* kind of assembly/abi.ts (EVENT_ACCELERATE_FAST is 'accelerate-fast'). */
export type EngineEventKind = EventKindName;

/** One event from the engine's log (fields as documented with its EVENT_* kind). */
export interface EngineEvent {
  kind: EngineEventKind;
  frame: number;
  a: number;
  b: number;
}

/** Raw function exports of build/jitterlane.wasm (see assembly/index.ts); the contract's globals are checked by checkEngineExports. */
export interface EngineExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  create(codec: number, channels: number, clockRate: number, payloadRate: number, profile: number, slots: number, slotBytes: number): number;
  destroy(h: number): number;
  inputPtr(h: number): number;
  inputCapacity(h: number): number;
  insert(h: number, seq: number, ts: number, ssrc: number, arrivalFrame: number, length: number, flags: number): number;
  countInvalid(h: number): number;
  pull(h: number, frames: number): number;
  outputPtr(h: number): number;
  outputStride(): number;
  statsPtr(h: number): number;
  refreshStats(h: number): number;
  setProfile(h: number, profile: number): number;
  profileRecordPtr(): number;
  setCustomProfile(h: number): number;
  profileId(h: number): number;
  setEventLog(h: number, on: number): number;
  drainEvents(h: number): number;
  eventsPtr(h: number): number;
  reset(h: number): number;
  reserveMix(planes: number): number;
  mixInto(h: number, channel: number, plane: number, frames: number, gain: number, add: number): number;
}

/** Extra imports, e.g. the allocation tracer of the debug build. */
export type ExtraImports = Record<string, Record<string, WebAssembly.ImportValue>>;

/** What an Engine handle needs of its module: the exports, and the counter bumped whenever the memory may have grown. */
export interface EngineMemory {
  readonly exports: EngineExports;
  readonly memoryGeneration: number;
  /** Called before a call that may allocate in the module (the memory may grow). */
  mayGrow(): void;
}
