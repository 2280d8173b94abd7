// Port batches: the MessagePort fallback for pages without SharedArrayBuffer.
// A batch is an ArrayBuffer of ring records (record_layout.ts) back to back
// from byte 0, no wrap markers, so it can be transferred (not copied) to the
// worklet, whose message handler moves it into a same-thread PacketRing that
// process() drains exactly as it drains a shared ring.

import { checkPacketFields, checkPayload } from '../engine/packet_fields.js';
import { HEADER_ARRIVAL, HEADER_COMFORT_NOISE, HEADER_FIELDS, HEADER_REDUNDANT_COPY, HEADER_MARKER, HEADER_SEQUENCE, HEADER_SSRC, HEADER_TIMESTAMP } from './packet_header.js';
import type { PacketRing } from './packet_ring.js';
import { RECORD_HEADER_BYTES, readRecordHeader, recordBytes, writeRecordHeader } from './record_layout.js';

/** One packet as a transport carries it. */
export interface TransportPacket {
  payload: Uint8Array;
  /** 0..65535. */
  sequenceNumber: number;
  /** 0..2^32−1. */
  timestamp: number;
  /** 0..2^32−1; −1 or undefined when absent. */
  ssrc?: number;
  marker?: boolean;
  /** Arrival as a float64 audio frame; NaN or undefined when absent. */
  arrivalFrame?: number;
  /** RFC 3389 comfort noise, not the codec's audio; default false. */
  comfortNoise?: boolean;
  /** A copy of the packet's frame that a later packet carried (RFC 2198 redundancy); default false. */
  redundantCopy?: boolean;
}

/** What appendBatchToRing did with a batch. */
export interface BatchAppendResult {
  /** Records the ring accepted. */
  written: number;
  /** Records the ring refused for lack of room (also in ring.overflowCount). */
  dropped: number;
  /** True when the batch was cut short by bytes that are not records; records before them were still appended. */
  malformed: boolean;
}

/**
 * Packs packets into one transferable ArrayBuffer, each as a ring record
 * (serial = index in the batch; the ring assigns its own). Throws
 * TypeError/RangeError for a packet with fields of the wrong type or range.
 * Allocates the batch: main thread.
 */
export function encodeBatch(packets: readonly TransportPacket[]): ArrayBuffer {
  if (!Array.isArray(packets)) throw new TypeError('encodeBatch: packets must be an array');
  let totalBytes = 0;
  for (let i = 0; i < packets.length; i++) {
    const p = packets[i];
    const where = `encodeBatch: packet ${i}`;
    if (p === null || typeof p !== 'object') throw new TypeError(`${where} must be an object`);
    checkPayload(where, p.payload);
    checkPacketFields(where, p.sequenceNumber, p.timestamp, p.ssrc ?? -1, p.marker ?? false, p.arrivalFrame ?? Number.NaN);
    totalBytes += recordBytes(p.payload.length);
  }
  const batch = new ArrayBuffer(totalBytes);
  const words = new Int32Array(batch);
  const floats = new Float64Array(batch);
  const bytes = new Uint8Array(batch);
  let at = 0;
  for (let i = 0; i < packets.length; i++) {
    const p = packets[i];
    const payloadBytes = p.payload.length;
    writeRecordHeader(words, floats, at, payloadBytes, i, p.sequenceNumber, p.timestamp, p.ssrc ?? -1, p.marker ?? false, p.arrivalFrame ?? Number.NaN, p.comfortNoise === true, p.redundantCopy === true);
    bytes.set(p.payload, at + RECORD_HEADER_BYTES);
    at += recordBytes(payloadBytes);
  }
  return batch;
}

/**
 * Moves a batch's records into `ring`, in order; records that do not fit are
 * dropped (the ring counts them). Never throws: bytes that are not a batch
 * stop the walk and come back as `malformed`. Allocates four small arrays and the
 * result per batch: call it from the port's message handler, not from
 * process().
 */
export function appendBatchToRing(batch: ArrayBuffer, ring: PacketRing): BatchAppendResult {
  const result: BatchAppendResult = { written: 0, dropped: 0, malformed: false };
  // A tag check, not instanceof: the batch may come from another realm (the polyfill).
  if (Object.prototype.toString.call(batch) !== '[object ArrayBuffer]' || batch.byteLength % 8 !== 0) {
    result.malformed = true;
    return result;
  }
  const words = new Int32Array(batch);
  const floats = new Float64Array(batch);
  const bytes = new Uint8Array(batch);
  const header = new Float64Array(HEADER_FIELDS);
  let at = 0;
  while (at < batch.byteLength) {
    if (at + RECORD_HEADER_BYTES > batch.byteLength) break;
    const payloadBytes = readRecordHeader(words, floats, at, header);
    if (payloadBytes < 0 || at + recordBytes(payloadBytes) > batch.byteLength) break;
    const arrival = header[HEADER_ARRIVAL];
    // The only field a decoded header can get wrong (see readRecordHeader).
    if (arrival === Infinity || arrival === -Infinity) break;
    const accepted = ring.writeSpan(bytes, at + RECORD_HEADER_BYTES, payloadBytes, header[HEADER_SEQUENCE], header[HEADER_TIMESTAMP], header[HEADER_SSRC], header[HEADER_MARKER] === 1, arrival, header[HEADER_COMFORT_NOISE] === 1, header[HEADER_REDUNDANT_COPY] === 1);
    if (accepted) result.written++;
    else result.dropped++;
    at += recordBytes(payloadBytes);
  }
  result.malformed = at !== batch.byteLength;
  return result;
}
