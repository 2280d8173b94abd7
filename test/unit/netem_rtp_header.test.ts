// The clear header of RTP and SRTP packets (RFC 3550 §5.1, RFC 3711 §3.1).

import { describe, expect, it } from 'vitest';
import { readRtpHeader } from '../../src/netem/rtp_header.js';

/** An RTP header: version 2, the given flags, then `rest` (CSRCs, extension, payload, tag). */
function packet(first: number, second: number, seq: number, timestamp: number, ssrc: number, rest: number[] = []): Uint8Array {
  return new Uint8Array([first, second, seq >> 8, seq & 0xff, timestamp >>> 24, (timestamp >> 16) & 0xff, (timestamp >> 8) & 0xff, timestamp & 0xff, ssrc >>> 24, (ssrc >> 16) & 0xff, (ssrc >> 8) & 0xff, ssrc & 0xff, ...rest]);
}

describe('readRtpHeader', () => {
  it('reads sequence number, timestamp, SSRC, payload type and marker of a plain header', () => {
    expect(readRtpHeader(packet(0x80, 0x80 | 111, 0xfffe, 0xdeadbeef, 0x01020304, [1, 2, 3]))).toEqual({
      marker: true,
      payloadType: 111,
      sequenceNumber: 0xfffe,
      timestamp: 0xdeadbeef,
      ssrc: 0x01020304,
      headerBytes: 12,
    });
  });

  it('counts CSRCs and a one-byte header extension (RFC 8285, profile 0xBEDE) into the header length', () => {
    // CC = 2, X set; extension of 1 word (an abs-send-time-like element).
    const rest = [0, 0, 0, 1, 0, 0, 0, 2, 0xbe, 0xde, 0x00, 0x01, 0x22, 0x01, 0x02, 0x03, 0xaa];
    expect(readRtpHeader(packet(0x92, 111, 7, 960, 42, rest))?.headerBytes).toBe(12 + 8 + 4 + 4);
  });

  it('reads an SRTP packet with the padding bit set: the padding count is encrypted, so it is not looked at', () => {
    // Chromium's padding probes set P; under SRTP the last bytes are the auth tag (here 0x00).
    const srtp = packet(0xa0, 111, 100, 48000, 9, [0x11, 0x22, 0x33, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(readRtpHeader(srtp)).toMatchObject({ sequenceNumber: 100, timestamp: 48000, ssrc: 9, headerBytes: 12 });
  });

  it('refuses what is not version-2 RTP or whose header does not fit', () => {
    expect(readRtpHeader(packet(0x40, 111, 1, 1, 1))).toBeNull(); // version 1
    expect(readRtpHeader(new Uint8Array([0x80, 111, 0, 1]))).toBeNull(); // shorter than 12 bytes
    expect(readRtpHeader(packet(0x83, 111, 1, 1, 1, [0, 0, 0, 1]))).toBeNull(); // 3 CSRCs, room for 1
    expect(readRtpHeader(packet(0x90, 111, 1, 1, 1, [0xbe, 0xde, 0x00, 0x05]))).toBeNull(); // extension of 5 words, none there
  });
});
