// The RTP payload-type helpers of issue #14 items 3 and 4 (src/rtp/): which
// payload type of a stream is its audio, RFC 4733 telephone-events and RFC 3389
// comfort noise parsed from their payloads. Expected values are worked from
// the RFCs' field layouts, cited per case.

import { describe, expect, it } from 'vitest';
import { parseComfortNoise } from '../../src/rtp/comfort_noise.js';
import { audioPayloadType, payloadRoles, staticPayloadTypeName } from '../../src/rtp/payload_types.js';
import { dtmfDigit, parseTelephoneEvent, telephoneEventsOf } from '../../src/rtp/telephone_event.js';
import { parseTrace } from '../../src/trace/index.js';
import { DTMF_PACKETS, pcapOf, pcmaCallWithDtmfAndCn, TELEPHONE_EVENT_PT } from '../helpers/capture_generators.js';

describe('parseTelephoneEvent (RFC 4733 §2.3)', () => {
  it('reads event, end bit, volume and duration: 05 8a 06 40 at 8 kHz is key 5, ended, −10 dBm0, 1600 ticks = 200 ms', () => {
    expect(parseTelephoneEvent(Uint8Array.of(0x05, 0x8a, 0x06, 0x40), 8000)).toEqual({ event: 5, digit: '5', volume: -10, durationMs: 200, end: true });
  });

  it('names the keys of events 0–15 (§3.2: 10 is *, 11 #, 12–15 A–D) and none for flash (16)', () => {
    expect([0, 9, 10, 11, 12, 15, 16].map(dtmfDigit)).toEqual(['0', '9', '*', '#', 'A', 'D', null]);
  });

  it('refuses payloads that are not whole 4-byte records', () => {
    expect(parseTelephoneEvent(Uint8Array.of(1, 2, 3), 8000)).toBeNull();
    expect(parseTelephoneEvent(Uint8Array.of(1, 2, 3, 4, 5), 8000)).toBeNull();
  });

  it('counts an event once however many packets repeat it (they share its start timestamp, §2.5.1.1)', () => {
    const packets = [160, 320, 480, 480, 480].map((duration, i) => ({ timestamp: 8000, payload: Uint8Array.of(1, i >= 2 ? 0x8a : 0x0a, duration >> 8, duration & 0xff) }));
    expect(telephoneEventsOf(packets, 8000)).toEqual([{ digit: '1', event: 1, volume: -10, durationMs: 60, end: true, timestamp: 8000 }]);
  });
});

describe('parseComfortNoise (RFC 3389 §3)', () => {
  it('reads the level in −dBov and the reflection coefficients quantized around 127 in steps of 1/128', () => {
    expect(parseComfortNoise(Uint8Array.of(60, 127 + 64, 127 - 32, 127))).toEqual({ levelDbov: -60, reflectionCoefficients: [0.5, -0.25, 0] });
  });

  it('takes a level-only payload (the older form), and refuses an empty one or a set top bit', () => {
    expect(parseComfortNoise(Uint8Array.of(0))).toEqual({ levelDbov: 0, reflectionCoefficients: [] });
    expect(parseComfortNoise(new Uint8Array(0))).toBeNull();
    expect(parseComfortNoise(Uint8Array.of(0x80 | 40))).toBeNull();
  });
});

describe('payload types of a call', () => {
  const trace = parseTrace(pcapOf(pcmaCallWithDtmfAndCn()), 'dtmf.pcap');

  it('tells the audio type from telephone-events (dynamic, recognised by their payloads) and comfort noise (PT 13)', () => {
    expect(payloadRoles(trace.packets)).toEqual(new Map([[8, 'audio'], [TELEPHONE_EVENT_PT, 'telephone-event'], [13, 'comfort-noise']]));
    expect(audioPayloadType(trace.packets)).toBe(8);
    expect(trace.payloadType).toBe(8);
    expect(trace.clockRate).toBe(8000);
  });

  it('finds the one DTMF event of the call: key 5, 200 ms, ended', () => {
    const events = telephoneEventsOf(trace.packets.filter((p) => p.payloadType === TELEPHONE_EVENT_PT), 8000);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ digit: '5', volume: -10, durationMs: DTMF_PACKETS * 20, end: true });
  });

  it('takes a dynamic type of audio payloads for audio, not for telephone-events', () => {
    const audio = Array.from({ length: 50 }, (_, k) => ({ payloadType: 111, timestamp: k * 960, payload: Uint8Array.of(0x78, k, k, k) }));
    expect(payloadRoles(audio).get(111)).toBe('audio');
  });

  it('names static payload types (RFC 3551 table 4)', () => {
    expect([0, 8, 9, 11, 13, 18, 96].map(staticPayloadTypeName)).toEqual(['PCMU', 'PCMA', 'G722', 'L16', 'CN', 'G729', null]);
  });
});
