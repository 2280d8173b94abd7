// RFC 7983 §7 first-byte ranges, and RTCP told from RTP by the packet type in
// the second byte (RFC 5761 §4).

import { describe, expect, it } from 'vitest';
import { classifyDatagram } from '../../src/netem/datagram_kind.js';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('classifyDatagram', () => {
  it.each([
    ['a STUN binding request (type 0x0001)', bytes(0x00, 0x01, 0x00, 0x00), 'stun'],
    ['a STUN success response (type 0x0101)', bytes(0x01, 0x01, 0x00, 0x00), 'stun'],
    ['a DTLS handshake record (content type 22)', bytes(22, 0xfe, 0xfd), 'dtls'],
    ['a DTLS application-data record (23)', bytes(23, 0xfe, 0xfd), 'dtls'],
    ['a TURN ChannelData message (channel 0x4000)', bytes(0x40, 0x00, 0x00, 0x04), 'turn-channel'],
    ['a ZRTP packet (first byte 0x10)', bytes(0x10, 0x00), 'zrtp'],
    ['RTP Opus, payload type 111', bytes(0x80, 111), 'rtp'],
    ['RTP with the marker bit and payload type 111', bytes(0x80, 0x80 | 111), 'rtp'],
    ['RTCP sender report (200)', bytes(0x80, 200), 'rtcp'],
    ['RTCP receiver report with one block (201)', bytes(0x81, 201), 'rtcp'],
    ['RTCP transport feedback (205)', bytes(0x8f, 205), 'rtcp'],
    ['RTCP payload-specific feedback (206)', bytes(0x81, 206), 'rtcp'],
    ['the lowest RTCP type RFC 5761 reserves (192)', bytes(0x80, 192), 'rtcp'],
    ['the highest (223)', bytes(0x80, 223), 'rtcp'],
    ['a first byte outside every range (200)', bytes(200, 0), 'other'],
    ['a first byte between DTLS and TURN ranges (64 is TURN, 80 is not)', bytes(80, 0), 'other'],
    ['an empty datagram', bytes(), 'other'],
  ])('calls %s %s', (_name, datagram, kind) => {
    expect(classifyDatagram(datagram)).toBe(kind);
  });
});
