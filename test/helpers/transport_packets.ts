// Test packets for the transport: a seeded generator, packets derived from an
// index (so a reader can check everything it gets without being told what was
// sent), and a verifier. Shared by the main-thread tests and the producer
// Worker; nothing here depends on vitest.

import { HEADER_ARRIVAL, HEADER_MARKER, HEADER_PAYLOAD_BYTES, HEADER_SEQUENCE, HEADER_SSRC, HEADER_TIMESTAMP } from '../../src/transport/packet_header.js';

/** Marsaglia's xorshift32 (shifts 13, 17, 5): a tiny seeded generator, never Math.random. */
export class XorShift32 {
  private state: number;

  constructor(seed: number) {
    // State 0 is a fixed point of xorshift; any other constant would do.
    this.state = seed >>> 0 || 0x6d2b79f5;
  }

  /** Next value, 0..2^32−1. */
  nextU32(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** 0..n−1 (modulo bias is irrelevant at test sizes). */
  below(n: number): number {
    return this.nextU32() % n;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.nextU32() / 0x1_0000_0000 < p;
  }
}

/** A 32-bit integer hash (the finaliser of MurmurHash3): a per-packet seed from an index. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A packet's fields, as the ring's write() takes them. */
export interface PacketFields {
  payloadBytes: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  arrivalFrame: number;
}

/**
 * Packet number `index`: the timestamp is the index itself (so a reader
 * recovers it), the sequence number its low 16 bits, and everything else
 * comes from a per-packet seed. ssrc absent for a quarter of the packets,
 * arrival absent for a third.
 */
export function indexedPacketFields(index: number, maxPayloadBytes: number): PacketFields {
  const seed = mix32(index);
  return {
    payloadBytes: (seed >>> 8) % (maxPayloadBytes + 1),
    sequenceNumber: index & 0xffff,
    timestamp: index >>> 0,
    ssrc: seed % 4 === 0 ? -1 : mix32(seed ^ 0x5bd1e995),
    marker: ((seed >>> 3) & 1) === 1,
    arrivalFrame: (seed >>> 4) % 3 === 0 ? Number.NaN : index * 480 + 0.25,
  };
}

/**
 * Writes the payload of a packet into `out` from 0: bytes from a generator
 * seeded with the packet's seed and sequence number, so a record whose header
 * and payload came from different packets (a torn read) cannot verify.
 */
export function fillPayload(out: Uint8Array, payloadBytes: number, sequenceNumber: number, timestamp: number): void {
  const random = new XorShift32(mix32(timestamp) ^ (sequenceNumber << 16) ^ 0xa5a5);
  for (let i = 0; i < payloadBytes; i++) out[i] = random.nextU32() & 0xff;
}

/** A fresh payload array for the given fields. */
export function payloadOf(fields: PacketFields): Uint8Array {
  const out = new Uint8Array(fields.payloadBytes);
  fillPayload(out, fields.payloadBytes, fields.sequenceNumber, fields.timestamp);
  return out;
}

/**
 * Checks a record read from a ring against the fields it should have (read()'s
 * header array and payload output, `length` its return value). Returns a
 * description of the first difference, or null when the record is intact.
 */
export function recordMismatch(expected: PacketFields, header: Float64Array, payload: Uint8Array, length: number): string | null {
  const at = `packet ts=${expected.timestamp}`;
  if (length !== expected.payloadBytes) return `${at}: length ${length}, expected ${expected.payloadBytes}`;
  if (header[HEADER_PAYLOAD_BYTES] !== expected.payloadBytes) return `${at}: header length ${header[HEADER_PAYLOAD_BYTES]}`;
  if (header[HEADER_SEQUENCE] !== expected.sequenceNumber) return `${at}: sequence ${header[HEADER_SEQUENCE]}, expected ${expected.sequenceNumber}`;
  if (header[HEADER_TIMESTAMP] !== expected.timestamp) return `${at}: timestamp ${header[HEADER_TIMESTAMP]}`;
  if (header[HEADER_SSRC] !== expected.ssrc) return `${at}: ssrc ${header[HEADER_SSRC]}, expected ${expected.ssrc}`;
  if (header[HEADER_MARKER] !== (expected.marker ? 1 : 0)) return `${at}: marker ${header[HEADER_MARKER]}`;
  if (!Object.is(header[HEADER_ARRIVAL], expected.arrivalFrame)) return `${at}: arrival ${header[HEADER_ARRIVAL]}, expected ${expected.arrivalFrame}`;
  const random = new XorShift32(mix32(expected.timestamp) ^ (expected.sequenceNumber << 16) ^ 0xa5a5);
  for (let i = 0; i < length; i++) {
    const want = random.nextU32() & 0xff;
    if (payload[i] !== want) return `${at}: payload byte ${i} is ${payload[i]}, expected ${want}`;
  }
  return null;
}
