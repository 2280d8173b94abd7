import { describe, expect, it } from 'vitest';
import { JitterlaneError } from '../../src/engine/index.js';
import {
  HEADER_ARRIVAL,
  HEADER_FIELDS,
  HEADER_MARKER,
  HEADER_PAYLOAD_BYTES,
  HEADER_SEQUENCE,
  HEADER_SERIAL,
  HEADER_SSRC,
  HEADER_TIMESTAMP,
  PacketRing,
  READ_EMPTY,
  READ_SKIPPED_OVERSIZE,
  recordBytes,
} from '../../src/transport/index.js';
import { payloadOf, recordMismatch, XorShift32, type PacketFields } from '../helpers/transport_packets.js';

const U32_MAX = 0xffffffff;
/** Largest payload the tests send: an Ethernet-MTU packet. */
const MTU_PAYLOAD_BYTES = 1500;
/** Canary byte for output bytes read() must not touch. */
const CANARY_BYTE = 0xa5;

/** A packet with each field often at a limit of its range. */
function randomFields(random: XorShift32): PacketFields {
  const pick = <T>(...values: T[]): T => values[random.below(values.length)];
  return {
    payloadBytes: pick(0, 1, MTU_PAYLOAD_BYTES, random.below(MTU_PAYLOAD_BYTES + 1), random.below(MTU_PAYLOAD_BYTES + 1)),
    sequenceNumber: pick(0, 0xffff, random.below(0x10000)),
    timestamp: pick(0, U32_MAX, random.nextU32()),
    ssrc: pick(-1, 0, U32_MAX, random.nextU32()),
    marker: random.chance(0.5),
    arrivalFrame: pick(Number.NaN, 0, -0, 2 ** 53, random.nextU32() * 1000 + 0.5),
  };
}

function writeFields(ring: PacketRing, f: PacketFields): boolean {
  return ring.write(payloadOf(f), f.sequenceNumber, f.timestamp, f.ssrc, f.marker, f.arrivalFrame);
}

/** read() with canaries: NaN in every header slot and one spare slot, CANARY_BYTE in the whole output. */
function readWithCanaries(ring: PacketRing, out: Uint8Array, header: Float64Array, outWords?: Int32Array): number {
  header.fill(Number.NaN);
  out.fill(CANARY_BYTE);
  return ring.read(out, header, outWords);
}

/** Checks that read() wrote every header field (arrival may be a real NaN) and nothing past them or past the payload. */
function expectCanariesRespected(header: Float64Array, out: Uint8Array, length: number): void {
  for (let i = 0; i < HEADER_FIELDS; i++) if (i !== HEADER_ARRIVAL) expect(Number.isNaN(header[i]), `header field ${i} written`).toBe(false);
  expect(Number.isNaN(header[HEADER_FIELDS]), 'spare header slot untouched').toBe(true);
  for (let i = length; i < out.length; i++) if (out[i] !== CANARY_BYTE) expect.fail(`output byte ${i} past the payload was overwritten`);
}

describe.each([
  ['a SharedArrayBuffer', true],
  ['an ArrayBuffer', false],
])('PacketRing over %s', (_name, shared) => {
  it('returns every accepted packet intact and in order while the data area wraps over 100 times, copied byte by byte or a word at a time', async ({ annotate }) => {
    // 8 KiB holds about ten MTU records (recordBytes(1500) = 1536), so 20 000 packets wrap it many times.
    const ring = PacketRing.create(8192, shared);
    expect(ring.isShared).toBe(shared);
    const random = new XorShift32(shared ? 1 : 2);
    const out = new Uint8Array(MTU_PAYLOAD_BYTES + 64);
    // Every other read copies through the words view (payloads of every length: the last 1–3 bytes go byte by byte).
    const outWords = new Int32Array(out.buffer, 0, out.length >> 2);
    const header = new Float64Array(HEADER_FIELDS + 1);
    const inFlight: PacketFields[] = [];
    let accepted = 0;
    let refused = 0;
    let read = 0;
    let acceptedBytes = 0;
    const readOne = (): void => {
      const length = readWithCanaries(ring, out, header, read % 2 === 1 ? outWords : undefined);
      const expected = inFlight.shift();
      if (!expected) {
        expect(length).toBe(READ_EMPTY);
        return;
      }
      const problem = recordMismatch(expected, header, out, length);
      if (problem) expect.fail(problem);
      expectCanariesRespected(header, out, length);
      expect(header[HEADER_SERIAL]).toBe(read);
      read++;
    };
    // Bounded, so a ring that stops accepting fails the test instead of hanging it.
    for (let round = 0; accepted < 20_000 && round < 100_000; round++) {
      // Bursts of writes and reads of random lengths: the ring runs from empty to full and back.
      for (let k = random.below(12); k > 0; k--) {
        const f = randomFields(random);
        if (writeFields(ring, f)) {
          inFlight.push(f);
          accepted++;
          acceptedBytes += recordBytes(f.payloadBytes);
        } else refused++;
      }
      for (let k = random.below(12); k > 0; k--) readOne();
    }
    expect(accepted).toBeGreaterThanOrEqual(20_000);
    while (inFlight.length > 0) readOne();
    expect(ring.read(out, header)).toBe(READ_EMPTY);
    expect(ring.unreadBytes()).toBe(0);
    expect(acceptedBytes).toBeGreaterThan(100 * ring.capacityBytes);
    expect(refused).toBeGreaterThan(0);
    expect(ring.overflowCount).toBe(refused);
    expect(ring.recordsWritten).toBe(accepted);
    expect(ring.recordsRead).toBe(accepted);
    expect(ring.oversizeCount).toBe(0);
    await annotate(`accepted ${accepted}, refused ${refused}, data area passed ${(acceptedBytes / ring.capacityBytes).toFixed(0)} times`);
  });

  it('refuses packets when full, counts them, and reads back exactly the accepted ones', () => {
    const ring = PacketRing.create(1024, shared);
    const sent: PacketFields[] = [];
    const fields = (i: number): PacketFields => ({ payloadBytes: 100, sequenceNumber: i, timestamp: i * 160, ssrc: 7, marker: false, arrivalFrame: i });
    // A 100-byte payload makes a 136-byte record (32 header + 100, padded to 8).
    // 1024 − 8 spare bytes = 1016 hold 7 of them (952); the 8th would need 136 > 64 free.
    let i = 0;
    while (writeFields(ring, fields(i))) sent.push(fields(i++));
    expect(sent.length).toBe(7);
    expect(ring.unreadBytes()).toBe(952);
    for (let k = 0; k < 5; k++) expect(writeFields(ring, fields(100 + k))).toBe(false);
    expect(ring.overflowCount).toBe(6);
    expect(ring.unreadBytes()).toBe(952);

    const out = new Uint8Array(2000);
    const header = new Float64Array(HEADER_FIELDS + 1);
    for (const f of sent) {
      const length = readWithCanaries(ring, out, header);
      const problem = recordMismatch(f, header, out, length);
      if (problem) expect.fail(problem);
    }
    expect(ring.read(out, header)).toBe(READ_EMPTY);

    // Room again: the write index stands at 952, 72 bytes before the end, so this record wraps to 0.
    expect(writeFields(ring, fields(200))).toBe(true);
    expect(ring.unreadBytes()).toBe(72 + 136);
    expect(readWithCanaries(ring, out, header)).toBe(100);
    expect(recordMismatch(fields(200), header, out, 100)).toBeNull();
    expect(ring.overflowCount).toBe(6);
  });

  it('skips a record longer than the output array with -2, and the next record still reads', () => {
    const ring = PacketRing.create(4096, shared);
    const big: PacketFields = { payloadBytes: 200, sequenceNumber: 1, timestamp: 2, ssrc: 3, marker: true, arrivalFrame: 4.5 };
    const small: PacketFields = { payloadBytes: 10, sequenceNumber: 2, timestamp: 3, ssrc: -1, marker: false, arrivalFrame: Number.NaN };
    writeFields(ring, big);
    writeFields(ring, small);
    const out = new Uint8Array(100);
    const header = new Float64Array(HEADER_FIELDS + 1);
    expect(readWithCanaries(ring, out, header)).toBe(READ_SKIPPED_OVERSIZE);
    expect(out.every((b) => b === CANARY_BYTE)).toBe(true);
    expect([header[HEADER_PAYLOAD_BYTES], header[HEADER_SEQUENCE], header[HEADER_TIMESTAMP], header[HEADER_SSRC], header[HEADER_MARKER], header[HEADER_ARRIVAL]]).toEqual([200, 1, 2, 3, 1, 4.5]);
    expect(ring.oversizeCount).toBe(1);
    const length = readWithCanaries(ring, out, header);
    expect(recordMismatch(small, header, out, length)).toBeNull();
    expect(header[HEADER_SERIAL]).toBe(1);
    expect(ring.read(out, header)).toBe(READ_EMPTY);
  });

  it('accepts a payload of maxPayloadBytes into an empty ring wherever the write index stands, and never one byte more', () => {
    // 1024-byte data area: records up to half of it (512 bytes) always fit, so 512 − 32 = 480 payload bytes.
    const ring = PacketRing.create(1024, shared);
    expect(ring.maxPayloadBytes).toBe(480);
    const random = new XorShift32(3);
    const out = new Uint8Array(1024);
    const header = new Float64Array(HEADER_FIELDS);
    const max = new Uint8Array(ring.maxPayloadBytes);
    for (let trial = 0; trial < 300; trial++) {
      // Move the indices by a random multiple of 8 bytes (records of 32..432 bytes).
      expect(ring.write(new Uint8Array(random.below(400)), 0, 0, -1, false, Number.NaN)).toBe(true);
      expect(ring.read(out, header)).toBeGreaterThanOrEqual(0);
      expect(ring.write(new Uint8Array(ring.maxPayloadBytes + 1), 0, 0, -1, false, Number.NaN)).toBe(false);
      expect(ring.write(max, 0, 0, -1, false, Number.NaN)).toBe(true);
      expect(ring.read(out, header)).toBe(ring.maxPayloadBytes);
    }
    expect(ring.overflowCount).toBe(300);
  });

  it('lets a second PacketRing attached to the same buffer read what the first wrote', () => {
    const producer = PacketRing.create(2048, shared);
    const consumer = new PacketRing(producer.buffer);
    expect(consumer.capacityBytes).toBe(2048);
    const f: PacketFields = { payloadBytes: 33, sequenceNumber: 65535, timestamp: U32_MAX, ssrc: U32_MAX, marker: true, arrivalFrame: 1e9 };
    expect(writeFields(producer, f)).toBe(true);
    expect(consumer.unreadBytes()).toBe(recordBytes(33));
    const out = new Uint8Array(64);
    const header = new Float64Array(HEADER_FIELDS);
    expect(recordMismatch(f, header, out, consumer.read(out, header))).toBeNull();
    expect(producer.unreadBytes()).toBe(0);
  });

  it('discardUnread drops what is waiting, keeps the counters, and the ring works on', () => {
    const ring = PacketRing.create(2048, shared);
    const f = (i: number): PacketFields => ({ payloadBytes: i, sequenceNumber: i, timestamp: i, ssrc: -1, marker: false, arrivalFrame: Number.NaN });
    for (let i = 0; i < 3; i++) writeFields(ring, f(i));
    ring.discardUnread();
    const out = new Uint8Array(64);
    const header = new Float64Array(HEADER_FIELDS);
    expect(ring.read(out, header)).toBe(READ_EMPTY);
    expect(ring.unreadBytes()).toBe(0);
    expect(ring.recordsWritten).toBe(3);
    expect(ring.recordsRead).toBe(0);
    writeFields(ring, f(9));
    expect(recordMismatch(f(9), header, out, ring.read(out, header))).toBeNull();
    // The serial counts accepted records, so the three discarded ones show as a jump 0 → 3.
    expect(header[HEADER_SERIAL]).toBe(3);
  });
});

describe('PacketRing arguments', () => {
  const ring = PacketRing.create(1024, false);
  const payload = new Uint8Array(4);
  const cases: [string, () => unknown, new (...args: never[]) => Error][] = [
    ['a payload that is a plain array', () => ring.write([1, 2] as unknown as Uint8Array, 0, 0, -1, false, Number.NaN), JitterlaneError],
    ['a sequence number given as a string', () => ring.write(payload, '1' as unknown as number, 0, -1, false, Number.NaN), JitterlaneError],
    ['a fractional sequence number', () => ring.write(payload, 1.5, 0, -1, false, Number.NaN), JitterlaneError],
    ['a sequence number of 65536', () => ring.write(payload, 65536, 0, -1, false, Number.NaN), JitterlaneError],
    ['a sequence number of -1', () => ring.write(payload, -1, 0, -1, false, Number.NaN), JitterlaneError],
    ['a NaN sequence number', () => ring.write(payload, Number.NaN, 0, -1, false, Number.NaN), JitterlaneError],
    ['a timestamp of 2^32', () => ring.write(payload, 0, 2 ** 32, -1, false, Number.NaN), JitterlaneError],
    ['a negative timestamp', () => ring.write(payload, 0, -1, -1, false, Number.NaN), JitterlaneError],
    ['an ssrc of -2', () => ring.write(payload, 0, 0, -2, false, Number.NaN), JitterlaneError],
    ['an ssrc of 2^32', () => ring.write(payload, 0, 0, 2 ** 32, false, Number.NaN), JitterlaneError],
    ['an undefined ssrc', () => ring.write(payload, 0, 0, undefined as unknown as number, false, Number.NaN), JitterlaneError],
    ['a marker given as 1', () => ring.write(payload, 0, 0, -1, 1 as unknown as boolean, Number.NaN), JitterlaneError],
    ['an infinite arrival frame', () => ring.write(payload, 0, 0, -1, false, Infinity), JitterlaneError],
    ['an arrival frame given as a string', () => ring.write(payload, 0, 0, -1, false, '5' as unknown as number), JitterlaneError],
    ['a span outside its source', () => ring.writeSpan(payload, 2, 3, 0, 0, -1, false, Number.NaN), RangeError],
    ['a capacity below the minimum', () => PacketRing.create(100, false), RangeError],
    ['a fractional capacity', () => PacketRing.create(1000.5, false), RangeError],
    ['a capacity given as a string', () => PacketRing.create('4096' as unknown as number, false), TypeError],
    ['a buffer never laid out as a ring', () => new PacketRing(new ArrayBuffer(1024)), RangeError],
    ['a typed array instead of a buffer', () => new PacketRing(new Uint8Array(1024) as unknown as ArrayBuffer), TypeError],
  ];
  // The packet's own fields are checked by the engine's one rule (src/engine/packet_fields.ts): JitterlaneError.
  it.each(cases)('throws for %s', (_name, call, errorType) => {
    expect(call).toThrow(errorType);
  });

  it('writes nothing and counts nothing when it throws', () => {
    expect(ring.unreadBytes()).toBe(0);
    expect(ring.overflowCount).toBe(0);
    expect(ring.recordsWritten).toBe(0);
  });

  it('rounds a capacity up to a multiple of 8', () => {
    expect(PacketRing.create(1001, false).capacityBytes).toBe(1008);
  });
});
