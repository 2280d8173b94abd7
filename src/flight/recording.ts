// The flight recorder: every call the worklet makes on its engine (each
// insert with its payload and arrival frame, each pull, each profile change
// and reset), in order, in a fixed byte store reserved when the recorder is
// turned on, so a live call can be replayed through the same engine in Node
// and give the same output (src/flight/replay.ts). The engine is a pure
// function of these calls: whatever concealed live and not in the replay was
// added on the way to the worklet, and the recording shows where.
//
// The writer runs on the audio thread: it allocates nothing, never throws,
// and stops (counting what it dropped) when the store is full, keeping the
// recording's start, without which nothing after it can be replayed.
//
// Layout: records back to back, each a multiple of 8 bytes, little-endian:
//   INSERT   u8 kind, u8 insert flags (INSERT_FLAG_*: bit 0 the marker), u16 0, u32 payload length | f64 sequence | f64 timestamp
//            | f64 ssrc | f64 arrival frame (−1: the engine's clock) | payload, padded to 8
//   PULL     u8 kind, u8 0, u16 0, u32 frames
//   PROFILE  u8 kind, u8 0, u16 0, u32 built-in id (0xffffffff: custom) | f64 × PROFILE_FIELD_COUNT when custom
//   RESET    u8 kind, then 7 zero bytes
// A file (flightFile()) is 'JLFR', u32 version, u32 JSON length, the JSON
// (engine options, output hash, live stats), padding to 8, then the records.

import { INSERT_FLAG_MARKER, PROFILE_FIELD_COUNT } from '../engine/contract.js';

export const FLIGHT_INSERT = 1;
export const FLIGHT_PULL = 2;
export const FLIGHT_PROFILE = 3;
export const FLIGHT_RESET = 4;
/** The id a custom profile record is recorded under. */
export const FLIGHT_CUSTOM_PROFILE = 0xffffffff;

const INSERT_HEADER_BYTES = 40;
const MAGIC = 0x52464c4a; // 'JLFR' read little-endian
const VERSION = 1;

/** FNV-1a's 32-bit offset basis and prime: a running fingerprint cheap enough for the audio thread. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function padded(bytes: number): number {
  return (bytes + 7) & ~7;
}

/**
 * Folds `frames` samples of the first `count` channels into a running FNV-1a
 * fingerprint of the engine's output (the float bits, channel after channel
 * per pull). `scratch` is a one-float array and `bits` a Uint32Array over it.
 */
export function fingerprintPull(hash: number, channels: readonly Float32Array[], count: number, frames: number, bits: Uint32Array, scratch: Float32Array): number {
  let h = hash;
  for (let c = 0; c < count; c++) {
    const channel = channels[c];
    for (let i = 0; i < frames; i++) {
      scratch[0] = channel[i];
      h = Math.imul(h ^ bits[0], FNV_PRIME) >>> 0;
    }
  }
  return h;
}

/** Writes the records on the audio thread. */
export class FlightRecorder {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private used = 0;
  /** Records that did not fit (the store was full). */
  dropped = 0;
  /** FNV-1a of every sample pulled so far. */
  hash = FNV_OFFSET;
  private readonly scratch = new Float32Array(1);
  private readonly bits = new Uint32Array(this.scratch.buffer);

  constructor(capacityBytes: number) {
    this.bytes = new Uint8Array(padded(Math.max(64, capacityBytes)));
    this.view = new DataView(this.bytes.buffer);
  }

  /** Bytes of records written. */
  get length(): number {
    return this.used;
  }

  private room(bytes: number): boolean {
    if (this.dropped > 0 || this.used + bytes > this.bytes.length) {
      this.dropped++;
      return false;
    }
    return true;
  }

  /** An insert whose `length` payload bytes are at the start of `payload`. */
  insert(payload: Uint8Array, length: number, sequenceNumber: number, timestamp: number, ssrc: number, arrivalFrame: number, flags: number): void {
    const size = INSERT_HEADER_BYTES + padded(length);
    if (!this.room(size)) return;
    const v = this.view;
    const at = this.used;
    v.setUint8(at, FLIGHT_INSERT);
    v.setUint8(at + 1, flags);
    v.setUint16(at + 2, 0, true);
    v.setUint32(at + 4, length, true);
    v.setFloat64(at + 8, sequenceNumber, true);
    v.setFloat64(at + 16, timestamp, true);
    v.setFloat64(at + 24, ssrc, true);
    v.setFloat64(at + 32, arrivalFrame, true);
    const bytes = this.bytes;
    for (let i = 0; i < length; i++) bytes[at + INSERT_HEADER_BYTES + i] = payload[i];
    for (let i = length; i < padded(length); i++) bytes[at + INSERT_HEADER_BYTES + i] = 0;
    this.used += size;
  }

  /** A pull of `frames`, and the engine's output (its first `channels` arrays) for the fingerprint. */
  pull(frames: number, output: readonly Float32Array[], channels: number): void {
    this.hash = fingerprintPull(this.hash, output, channels, frames, this.bits, this.scratch);
    if (!this.room(8)) return;
    this.view.setUint32(this.used, FLIGHT_PULL, true);
    this.view.setUint32(this.used + 4, frames, true);
    this.used += 8;
  }

  /** A built-in profile by id, or a custom record (its PROFILE_FIELD_COUNT values). */
  profile(id: number, record: ArrayLike<number> | null): void {
    const size = 8 + (record ? 8 * PROFILE_FIELD_COUNT : 0);
    if (!this.room(size)) return;
    const v = this.view;
    v.setUint32(this.used, FLIGHT_PROFILE, true);
    v.setUint32(this.used + 4, record ? FLIGHT_CUSTOM_PROFILE : id, true);
    if (record) for (let i = 0; i < PROFILE_FIELD_COUNT; i++) v.setFloat64(this.used + 8 + 8 * i, record[i], true);
    this.used += size;
  }

  reset(): void {
    if (!this.room(8)) return;
    this.view.setUint32(this.used, FLIGHT_RESET, true);
    this.view.setUint32(this.used + 4, 0, true);
    this.used += 8;
  }
}

/** One record, as the reader gives it back. */
export type FlightRecord =
  | { kind: 'insert'; payload: Uint8Array; sequenceNumber: number; timestamp: number; ssrc: number; arrivalFrame: number; marker: boolean; flags: number }
  | { kind: 'pull'; frames: number }
  | { kind: 'profile'; id: number; record: number[] | null }
  | { kind: 'reset' };

/** Reads records written by FlightRecorder (allocates: Node and the main thread only). */
export function* readFlightRecords(bytes: Uint8Array): Generator<FlightRecord> {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at + 8 <= bytes.length) {
    const kind = v.getUint8(at);
    if (kind === FLIGHT_INSERT) {
      const length = v.getUint32(at + 4, true);
      const start = at + INSERT_HEADER_BYTES;
      if (start + length > bytes.length) throw new Error(`flight recording: an insert at byte ${at} runs past the end`);
      yield {
        kind: 'insert',
        marker: (v.getUint8(at + 1) & INSERT_FLAG_MARKER) !== 0,
        flags: v.getUint8(at + 1),
        sequenceNumber: v.getFloat64(at + 8, true),
        timestamp: v.getFloat64(at + 16, true),
        ssrc: v.getFloat64(at + 24, true),
        arrivalFrame: v.getFloat64(at + 32, true),
        payload: bytes.slice(start, start + length),
      };
      at = start + padded(length);
    } else if (kind === FLIGHT_PULL) {
      yield { kind: 'pull', frames: v.getUint32(at + 4, true) };
      at += 8;
    } else if (kind === FLIGHT_PROFILE) {
      const id = v.getUint32(at + 4, true);
      if (id !== FLIGHT_CUSTOM_PROFILE) {
        yield { kind: 'profile', id, record: null };
        at += 8;
      } else {
        const record = Array.from({ length: PROFILE_FIELD_COUNT }, (_, i) => v.getFloat64(at + 8 + 8 * i, true));
        yield { kind: 'profile', id, record };
        at += 8 + 8 * PROFILE_FIELD_COUNT;
      }
    } else if (kind === FLIGHT_RESET) {
      yield { kind: 'reset' };
      at += 8;
    } else {
      throw new Error(`flight recording: unknown record kind ${kind} at byte ${at}`);
    }
  }
}

/** What a flight file says about the call besides its records. */
export interface FlightHeader {
  /** The engine's creation options as the processor used them. */
  engine: { codec: string; channels: number; clockRate: number; payloadRate: number; profile: unknown; slots?: number; slotBytes?: number };
  /** FNV-1a fingerprint of the engine's output over the recording (fingerprintPull). */
  outputFnv1a: number;
  /** The live engine's stats when the recording was taken. */
  stats: Record<string, number>;
  /** Records dropped because the store was full (the replay then stops short of the live figures). */
  dropped: number;
  /** Context rate (the engine always renders 48 kHz). */
  contextRate: number;
}

/** A flight file: its header and the record bytes. */
export function flightFile(header: FlightHeader, records: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = padded(12 + json.length);
  const out = new Uint8Array(start + records.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint32(4, VERSION, true);
  v.setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(records, start);
  return out;
}

/** The header and records of a flight file. Throws on anything else. */
export function parseFlightFile(file: Uint8Array): { header: FlightHeader; records: Uint8Array } {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 12 || v.getUint32(0, true) !== MAGIC) throw new Error('not a jitterlane flight recording (no JLFR magic)');
  if (v.getUint32(4, true) !== VERSION) throw new Error(`flight recording version ${v.getUint32(4, true)}; this jitterlane reads version ${VERSION}`);
  const jsonLength = v.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(file.subarray(12, 12 + jsonLength))) as FlightHeader;
  return { header, records: file.subarray(padded(12 + jsonLength)) };
}
