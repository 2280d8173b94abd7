// Checks src/rtp/payload_type_rule.ts: the payload-type rule every live feed
// applies (JitterlaneNode.push, feedFromWebSocket, the takeover's worker), and
// the telephone-event reports it makes (issue #14 item 4). Packet values from
// RFC 4733 §2.3 (event, E/R/volume, duration) and RFC 3551 table 4 (PT 13 CN).

import { describe, expect, it } from 'vitest';
import { JitterlaneError } from '../../src/engine/errors.js';
import { checkPayloadTypeOptions, feedPacketRole, TelephoneEventTracker } from '../../src/rtp/payload_type_rule.js';
import { appendBatchToRing, encodeBatch, HEADER_COMFORT_NOISE, HEADER_FIELDS, HEADER_MARKER, PacketRing, RING_MIN_CAPACITY_BYTES } from '../../src/transport/index.js';

/** An RFC 4733 record: `event`, the end bit, volume 10 (−10 dBm0), `duration` ticks. */
const record = (event: number, end: boolean, duration: number) => Uint8Array.of(event, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff);

describe('feedPacketRole', () => {
  const rule = { payloadType: 111, telephoneEventPayloadType: 101 };

  it('takes the codec type as audio, the telephone-event type as events, PT 13 as comfort noise, and any other type as foreign', () => {
    expect(feedPacketRole(111, rule)).toBe('audio');
    expect(feedPacketRole(101, rule)).toBe('telephone-event');
    expect(feedPacketRole(13, rule)).toBe('comfort-noise');
    expect(feedPacketRole(0, rule)).toBe('foreign');
  });

  it('takes a packet whose feed gives no payload type as audio, and checks nothing without a codec type', () => {
    expect(feedPacketRole(undefined, rule)).toBe('audio');
    expect(feedPacketRole(-1, rule)).toBe('audio');
    expect(feedPacketRole(96, {})).toBe('audio');
    expect(feedPacketRole(13, {})).toBe('comfort-noise');
  });

  it('refuses payload types that are not 7-bit integers', () => {
    expect(() => checkPayloadTypeOptions('test', { payloadType: 128 })).toThrow(JitterlaneError);
    expect(() => checkPayloadTypeOptions('test', { telephoneEventPayloadType: 1.5 })).toThrow(/telephoneEventPayloadType must be an integer 0..127/);
    expect(() => checkPayloadTypeOptions('test', { payloadType: 0, telephoneEventPayloadType: 127 })).not.toThrow();
  });
});

describe('TelephoneEventTracker', () => {
  it("reports an event at its start and once at its end: key '5', −10 dBm0, 200 ms at 8 kHz; the end's retransmissions report nothing", () => {
    const tracker = new TelephoneEventTracker();
    const reports = [];
    for (let k = 1; k <= 10; k++) reports.push(tracker.accept(record(5, k === 10, k * 160), 24_000, 8000));
    reports.push(tracker.accept(record(5, true, 1600), 24_000, 8000), tracker.accept(record(5, true, 1600), 24_000, 8000));
    const made = reports.filter((r) => r !== null);
    expect(made).toEqual([
      { event: 5, digit: '5', volume: -10, durationMs: 20, end: false, timestamp: 24_000 },
      { event: 5, digit: '5', volume: -10, durationMs: 200, end: true, timestamp: 24_000 },
    ]);
  });

  it('reports the next event (a new start timestamp) again, and nothing for a payload that is not an event record', () => {
    const tracker = new TelephoneEventTracker();
    expect(tracker.accept(record(11, true, 800), 1000, 8000)?.digit).toBe('#');
    expect(tracker.accept(record(1, false, 160), 9000, 8000)?.digit).toBe('1');
    expect(tracker.accept(Uint8Array.of(1, 2, 3), 9000, 8000)).toBeNull();
  });
});

describe('the comfort-noise flag through the transport', () => {
  it('crosses the ring and a port batch with the marker, so the worklet inserts comfort noise as such', () => {
    const ring = PacketRing.create(RING_MIN_CAPACITY_BYTES, true);
    expect(ring.write(Uint8Array.of(60), 1, 160, -1, true, Number.NaN, true)).toBe(true);
    expect(ring.write(Uint8Array.of(1, 2), 2, 320, -1, false, Number.NaN)).toBe(true);
    const header = new Float64Array(HEADER_FIELDS);
    const payload = new Uint8Array(16);
    ring.read(payload, header);
    expect([header[HEADER_MARKER], header[HEADER_COMFORT_NOISE]]).toEqual([1, 1]);
    ring.read(payload, header);
    expect([header[HEADER_MARKER], header[HEADER_COMFORT_NOISE]]).toEqual([0, 0]);
    expect(appendBatchToRing(encodeBatch([{ payload: Uint8Array.of(60), sequenceNumber: 3, timestamp: 480, comfortNoise: true }]), ring).written).toBe(1);
    ring.read(payload, header);
    expect([header[HEADER_MARKER], header[HEADER_COMFORT_NOISE]]).toEqual([0, 1]);
  });
});
