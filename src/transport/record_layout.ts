// The binary form of one packet record, shared by the ring's data area and by
// port batches, so that a batch is a run of ring records and moving it into
// the ring needs no translation.
//
// A record is a 32-byte header of six int32 words and one float64, then the
// payload bytes, padded to RECORD_ALIGN_BYTES so that the next record's
// float64 stays aligned for a Float64Array view:
//
//   byte  0  int32    payload length in bytes (or WRAP_MARKER, ring only)
//   byte  4  int32    record serial: 0, 1, 2… per ring (index in a batch)
//   byte  8  int32    sequence number, 0..65535
//   byte 12  int32    flags: FLAG_HAS_SSRC | FLAG_MARKER | FLAG_HAS_ARRIVAL | FLAG_COMFORT_NOISE | FLAG_REDUNDANT_COPY
//   byte 16  int32    timestamp, u32 stored as its int32 bits
//   byte 20  int32    ssrc, u32 stored as its int32 bits (0 when absent)
//   byte 24  float64  arrival frame (0 when absent)
//   byte 32  payload, then zero to seven bytes of padding
//
// Words use the platform's byte order: records never leave the machine (the
// ring is shared memory, batches go through postMessage between threads).
// Every helper here works on typed-array views made once by the caller and
// allocates nothing, so the audio thread may use them.

import { HEADER_ARRIVAL, HEADER_COMFORT_NOISE, HEADER_MARKER, HEADER_PAYLOAD_BYTES, HEADER_REDUNDANT_COPY, HEADER_SEQUENCE, HEADER_SERIAL, HEADER_SSRC, HEADER_TIMESTAMP } from './packet_header.js';

/** Bytes of a record header; the payload starts this far after the record start. */
export const RECORD_HEADER_BYTES = 32;

/** Records start on multiples of 8 bytes, so the arrival float64 is aligned for a Float64Array. */
export const RECORD_ALIGN_BYTES = 8;

/** Length word of a ring slot that says "no record here: the next one is at byte 0". */
export const WRAP_MARKER = -1;

/** Int32 word offsets inside a record header. */
const WORD_PAYLOAD_BYTES = 0;
const WORD_SERIAL = 1;
const WORD_SEQUENCE = 2;
const WORD_FLAGS = 3;
const WORD_TIMESTAMP = 4;
const WORD_SSRC = 5;
/** Float64 offset inside a record header (byte 24). */
const FLOAT_ARRIVAL = 3;

/** Flag bit: the ssrc word holds a real SSRC. */
export const FLAG_HAS_SSRC = 1;
/** Flag bit: the RTP marker bit was set. */
export const FLAG_MARKER = 2;
/** Flag bit: the arrival float64 holds a real arrival frame. */
export const FLAG_HAS_ARRIVAL = 4;
/** Flag bit: the payload is RFC 3389 comfort noise (PT 13), not the codec's audio. */
export const FLAG_COMFORT_NOISE = 8;
/** Flag bit: the payload is a copy of the packet's frame that a later packet carried (RFC 2198), not the packet itself. */
export const FLAG_REDUNDANT_COPY = 16;

/** Bytes a record with `payloadBytes` of payload occupies, padding included. */
export function recordBytes(payloadBytes: number): number {
  return (RECORD_HEADER_BYTES + payloadBytes + RECORD_ALIGN_BYTES - 1) & ~(RECORD_ALIGN_BYTES - 1);
}

/**
 * Writes a record header at byte offset `at` (a multiple of 8) of the area
 * that `words` and `floats` both view from its start. Fields must already be
 * validated (see checkPacketFields): ssrc −1 and arrival NaN mean absent.
 */
export function writeRecordHeader(
  words: Int32Array,
  floats: Float64Array,
  at: number,
  payloadBytes: number,
  serial: number,
  sequenceNumber: number,
  timestamp: number,
  ssrc: number,
  marker: boolean,
  arrivalFrame: number,
  comfortNoise = false,
  redundantCopy = false,
): void {
  const w = at >> 2;
  const hasSsrc = ssrc !== -1;
  const hasArrival = arrivalFrame === arrivalFrame; // false only for NaN
  words[w + WORD_PAYLOAD_BYTES] = payloadBytes;
  words[w + WORD_SERIAL] = serial;
  words[w + WORD_SEQUENCE] = sequenceNumber;
  words[w + WORD_FLAGS] = (hasSsrc ? FLAG_HAS_SSRC : 0) | (marker ? FLAG_MARKER : 0) | (hasArrival ? FLAG_HAS_ARRIVAL : 0) | (comfortNoise ? FLAG_COMFORT_NOISE : 0) | (redundantCopy ? FLAG_REDUNDANT_COPY : 0);
  words[w + WORD_TIMESTAMP] = timestamp | 0;
  words[w + WORD_SSRC] = hasSsrc ? ssrc | 0 : 0;
  // Absent fields are stored as 0, not as the −1/NaN sentinels, so that two
  // writers of the same packet produce the same bytes (NaN has many encodings).
  floats[(at >> 3) + FLOAT_ARRIVAL] = hasArrival ? arrivalFrame : 0;
}

/** The payload length word of the record at byte offset `at` (WRAP_MARKER for a wrap slot). */
export function recordPayloadBytes(words: Int32Array, at: number): number {
  return words[(at >> 2) + WORD_PAYLOAD_BYTES];
}

/**
 * Decodes the header of the record at byte offset `at` into `header` (indices
 * HEADER_*): ssrc −1 and arrival NaN when absent, marker 0 or 1. Returns the
 * payload length. Values come out in range whatever the bytes (sequence
 * masked to 16 bits, timestamp and ssrc read unsigned), so a decoded header
 * always passes checkPacketFields except for a non-finite arrival.
 */
export function readRecordHeader(words: Int32Array, floats: Float64Array, at: number, header: Float64Array): number {
  const w = at >> 2;
  const payloadBytes = words[w + WORD_PAYLOAD_BYTES];
  const flags = words[w + WORD_FLAGS];
  header[HEADER_PAYLOAD_BYTES] = payloadBytes;
  header[HEADER_SERIAL] = words[w + WORD_SERIAL] >>> 0;
  header[HEADER_SEQUENCE] = words[w + WORD_SEQUENCE] & 0xffff;
  header[HEADER_TIMESTAMP] = words[w + WORD_TIMESTAMP] >>> 0;
  header[HEADER_SSRC] = (flags & FLAG_HAS_SSRC) !== 0 ? words[w + WORD_SSRC] >>> 0 : -1;
  header[HEADER_MARKER] = (flags & FLAG_MARKER) !== 0 ? 1 : 0;
  header[HEADER_COMFORT_NOISE] = (flags & FLAG_COMFORT_NOISE) !== 0 ? 1 : 0;
  header[HEADER_REDUNDANT_COPY] = (flags & FLAG_REDUNDANT_COPY) !== 0 ? 1 : 0;
  header[HEADER_ARRIVAL] = (flags & FLAG_HAS_ARRIVAL) !== 0 ? floats[(at >> 3) + FLOAT_ARRIVAL] : Number.NaN;
  return payloadBytes;
}

/** Writes a wrap marker at byte offset `at` (ring only: batches never wrap). */
export function writeWrapMarker(words: Int32Array, at: number): void {
  words[(at >> 2) + WORD_PAYLOAD_BYTES] = WRAP_MARKER;
}
