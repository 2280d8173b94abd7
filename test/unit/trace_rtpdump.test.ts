import { describe, expect, it } from 'vitest';

import { parseTrace, TraceError } from '../../src/trace/index.js';
import { countingBytes, rtpdumpFile, rtpBytes } from './trace_builders.js';

/** A G.722 packet (PT 9, whose RTP clock is 8000 Hz by RFC 3551) of SSRC 0x0BADCAFE. */
function g722Packet(index: number): Uint8Array {
  return rtpBytes({ payloadType: 9, seq: 500 + index, timestamp: 160 * index, ssrc: 0x0badcafe, marker: index === 0, payload: countingBytes(160, index) });
}

describe('rtpdump (rtptools "#!rtpplay1.0" binary format)', () => {
  const rtcpReceiverReport = Uint8Array.from([0x81, 201, 0, 7, ...new Uint8Array(28)]);
  const file = rtpdumpFile([
    { offsetMs: 1000, packet: g722Packet(0) },
    { offsetMs: 1005, packet: rtcpReceiverReport, rtcp: true },
    { offsetMs: 1020, packet: g722Packet(1) },
    // Recorded with only the RTP header kept (rtpdump -F header): length 8 + 12, plen 172.
    { offsetMs: 1041, packet: g722Packet(2), storedLength: 12 },
  ]);

  it('reads the RTP records, skips RTCP, and makes arrivals relative from the ms offsets', () => {
    const trace = parseTrace(file, 'calls/g722.rtpdump', { ssrc: 0x0badcafe });
    expect(trace).toMatchObject({ name: 'g722', format: 'rtpdump', ssrc: 0x0badcafe, payloadType: 9 });
    expect(trace.clockRate).toBe(8000);
    expect(trace.clockRateSource).toBe('payload-type');
    expect(trace.packets).toEqual([
      { arrivalUs: 0, seq: 500, timestamp: 0, payloadType: 9, marker: true, payload: countingBytes(160, 0), payloadBytes: 160, ecn: -1 },
      { arrivalUs: 20_000, seq: 501, timestamp: 160, payloadType: 9, marker: false, payload: countingBytes(160, 1), payloadBytes: 160, ecn: -1 },
      { arrivalUs: 41_000, seq: 502, timestamp: 320, payloadType: 9, marker: false, payload: null, payloadBytes: 160, ecn: -1 },
    ]);
  });

  it('finds the stream without being told its SSRC', () => {
    expect(parseTrace(file, 'g722.rtpdump').ssrc).toBe(0x0badcafe);
  });

  it('fails with a TraceError at the record that the end of the file cuts short', () => {
    // "#!rtpplay1.0 192.0.2.1/5004\n" is 28 bytes, RD_hdr_t 16, first record 8 + 172.
    const secondRecord = 28 + 16 + 180;
    try {
      parseTrace(file.subarray(0, secondRecord + 5), 'short.rtpdump');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TraceError);
      expect((error as TraceError).offset).toBe(secondRecord);
      expect((error as TraceError).message).toMatch(/^short\.rtpdump: truncated rtpdump packet header/);
    }
    expect(() => parseTrace(file.subarray(0, 30), 'stub.rtpdump')).toThrow(/stub\.rtpdump: truncated rtpdump file header/);
  });

  it('rejects a record length below its own 8-byte header', () => {
    const bytes = file.slice();
    bytes[28 + 16 + 1] = 4;
    bytes[28 + 16] = 0;
    expect(() => parseTrace(bytes, 'bad.rtpdump')).toThrow(/bad rtpdump record length 4/);
  });
});
