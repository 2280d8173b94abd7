import { describe, expect, it } from 'vitest';

import { parseRtp } from '../../src/trace/index.js';
import { countingBytes, rtpBytes } from './trace_builders.js';

describe('parseRtp: the RTP header of a UDP payload (RFC 3550 §5.1)', () => {
  // Two CSRCs (8 bytes), a 4-byte extension header with 2 words of data (12 bytes), 5 bytes of padding:
  // 12 + 8 + 12 = 32 header bytes, then 50 payload bytes, then the padding. 87 bytes in all.
  const packet = rtpBytes({
    payloadType: 111,
    seq: 65535,
    timestamp: 0xfffffff0,
    ssrc: 0xdeadbeef,
    marker: true,
    csrcs: [0x01020304, 0x0a0b0c0d],
    extension: { profile: 0xbede, data: countingBytes(8, 200) },
    paddingBytes: 5,
    payload: countingBytes(50),
  });

  it('reads every field of a packet with CSRCs, a header extension and padding', () => {
    expect(packet.length).toBe(87);
    expect(parseRtp(packet, packet.length)).toEqual({
      padding: true,
      extension: true,
      csrcs: [0x01020304, 0x0a0b0c0d],
      marker: true,
      payloadType: 111,
      sequenceNumber: 65535,
      timestamp: 0xfffffff0,
      ssrc: 0xdeadbeef,
      extensionProfile: 0xbede,
      headerBytes: 32,
      paddingBytes: 5,
      payloadBytes: 50,
      payload: countingBytes(50),
    });
  });

  it('takes sizes from the packet length when the capture stopped early: padding unknown so 0, payload null', () => {
    const cut = parseRtp(packet.subarray(0, 40), packet.length);
    expect(cut).toMatchObject({ headerBytes: 32, paddingBytes: 0, payloadBytes: 87 - 32, payload: null });
  });

  it('still reads a packet whose extension data was cut, as long as the extension length was captured', () => {
    expect(parseRtp(packet.subarray(0, 26), packet.length)).toMatchObject({ headerBytes: 32, payload: null });
  });

  it('ignores bytes beyond the packet length (link-layer padding)', () => {
    const withTrailer = new Uint8Array([...packet, 0xff, 0xff]);
    expect(parseRtp(withTrailer, packet.length)?.payload).toEqual(countingBytes(50));
  });

  it('accepts a header-only packet (0 payload bytes)', () => {
    const empty = rtpBytes({ payloadType: 13, seq: 1, timestamp: 2, ssrc: 3, payload: new Uint8Array(0) });
    expect(parseRtp(empty, empty.length)).toMatchObject({ payloadBytes: 0, payload: new Uint8Array(0) });
  });

  it('rejects version 0, 1 and 3', () => {
    for (const version of [0, 1, 3]) {
      const bytes = rtpBytes({ version, payloadType: 0, seq: 1, timestamp: 2, ssrc: 3, payload: countingBytes(20) });
      expect(parseRtp(bytes, bytes.length)).toBeNull();
    }
  });

  it('rejects RTCP: second byte 200..204 (SR, RR, SDES, BYE, APP) and the feedback/XR types 205..207', () => {
    for (const packetType of [200, 201, 202, 203, 204, 205, 206, 207]) {
      const rtcp = Uint8Array.from([0x81, packetType, 0, 7, ...new Uint8Array(28)]);
      expect(parseRtp(rtcp, rtcp.length)).toBeNull();
    }
  });

  it('rejects packets shorter than their header, or than the 12-byte fixed header', () => {
    expect(parseRtp(packet.subarray(0, 11), 11)).toBeNull();
    // CC = 2 needs 20 bytes before the extension header.
    expect(parseRtp(packet.subarray(0, 18), packet.length)).toBeNull();
    // The header (32 bytes) claims more than the 30-byte packet.
    expect(parseRtp(packet.subarray(0, 30), 30)).toBeNull();
  });

  it('rejects padding that is 0 or longer than what follows the header', () => {
    const zeroPadding = packet.slice();
    zeroPadding[zeroPadding.length - 1] = 0;
    expect(parseRtp(zeroPadding, zeroPadding.length)).toBeNull();
    const hugePadding = packet.slice();
    hugePadding[hugePadding.length - 1] = 56;
    expect(parseRtp(hugePadding, hugePadding.length)).toBeNull();
    // 55 = everything after the 32-byte header: legal, leaving an empty payload.
    hugePadding[hugePadding.length - 1] = 55;
    expect(parseRtp(hugePadding, hugePadding.length)?.payloadBytes).toBe(0);
  });
});
