import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

import { parseTrace, readTrace, type TracePacket } from '../../src/trace/index.js';
import { traceErrorOf } from '../helpers/trace_error.js';
import {
  countingBytes,
  ethernetFrame,
  ethernetRtpFrame,
  ipv4Bytes,
  ipv6Bytes,
  nullFrame,
  pcapFile,
  rtpBytes,
  sll2Frame,
  sllFrame,
  udpBytes,
  type PcapRecord,
} from './trace_builders.js';

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const BASE_SECONDS = 1_700_000_000;

/** A 20 ms PCMU packet (PT 0, 160 samples) of SSRC 0x11223344 with sequence `index`. */
function pcmuPacket(index: number, ssrc = 0x11223344): Uint8Array {
  return rtpBytes({ payloadType: 0, seq: 1000 + index, timestamp: 5000 + 160 * index, ssrc, payload: countingBytes(160, index) });
}

/** Records 20 ms apart (plus `jitterUs`) starting at BASE_SECONDS. */
function recordsEvery20Ms(frames: Uint8Array[], jitterUs: (i: number) => number = () => 0): PcapRecord[] {
  return frames.map((data, i) => {
    const timeUs = i * 20_000 + jitterUs(i);
    return { seconds: BASE_SECONDS + Math.floor(timeUs / 1e6), fraction: timeUs % 1e6, data };
  });
}

describe('pcap: records, times and byte orders', () => {
  const frames = Array.from({ length: 5 }, (_, i) => ethernetRtpFrame(pcmuPacket(i)));

  it('reads a little-endian µs pcap: arrivals relative to the first packet, every RTP field kept', () => {
    const file = pcapFile({ linkType: 1, records: recordsEvery20Ms(frames, (i) => (i === 3 ? 1234 : 0)) });
    const trace = parseTrace(file, '/captures/call.pcap');
    expect(trace).toMatchObject({ path: '/captures/call.pcap', name: 'call', format: 'pcap', ssrc: 0x11223344 });
    expect(trace.clockRate).toBe(8000);
    expect(trace.clockRateSource).toBe('payload-type');
    expect(trace.packets.map((packet) => packet.arrivalUs)).toEqual([0, 20_000, 40_000, 61_234, 80_000]);
    expect(trace.packets[2]).toEqual<TracePacket>({
      arrivalUs: 40_000,
      seq: 1002,
      timestamp: 5320,
      payloadType: 0,
      marker: false,
      payload: countingBytes(160, 2),
      payloadBytes: 160,
      ecn: 0,
    });
  });

  it('reads a big-endian pcap the same way', () => {
    const file = pcapFile({ linkType: 1, littleEndian: false, records: recordsEvery20Ms(frames) });
    expect(parseTrace(file, 'be.pcap').packets.map((packet) => packet.seq)).toEqual([1000, 1001, 1002, 1003, 1004]);
  });

  it('rounds nanosecond pcap times to the nearest µs (1 499 ns → 1 µs, 20 000 500 ns → 20 001 µs)', () => {
    const records: PcapRecord[] = [
      { seconds: BASE_SECONDS, fraction: 1_499, data: frames[0] },
      { seconds: BASE_SECONDS, fraction: 20_000_500, data: frames[1] },
      { seconds: BASE_SECONDS + 1, fraction: 999_999_999, data: frames[2] },
    ];
    for (const littleEndian of [true, false]) {
      const trace = parseTrace(pcapFile({ linkType: 1, nanosecond: true, littleEndian, records }), 'ns.pcap');
      // First packet at 1 µs; the others at 20 001 µs and 2 000 000 µs, less that 1 µs.
      expect(trace.packets.map((packet) => packet.arrivalUs)).toEqual([0, 20_000, 1_999_999]);
    }
  });

  it('decompresses a gzip pcap found by its magic bytes, whatever the name says', () => {
    const plain = pcapFile({ linkType: 1, records: recordsEvery20Ms(frames) });
    const trace = parseTrace(gzipSync(plain), 'dir/sub/call.pcap.gz');
    expect(trace.name).toBe('call');
    expect(trace.packets).toEqual(parseTrace(plain, 'call.pcap').packets);
  });
});

describe('pcap: link layers and IP versions down to the RTP packet', () => {
  const rtp = rtpBytes({ payloadType: 8, seq: 7, timestamp: 99, ssrc: 0xabc, marker: true, payload: countingBytes(80) });
  const udp = udpBytes(30000, 30002, rtp);
  const ipv4 = ipv4Bytes({ source: '198.51.100.7', destination: '10.0.0.2', ecn: 1, dscp: 46, payload: udp });
  const v6Source = [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1];
  const v6Destination = [0xfd00, 0, 0, 0, 0, 0, 0, 2];

  /** Reads a one-frame capture and returns its only packet. */
  function onlyPacket(linkType: number, frame: Uint8Array): TracePacket {
    const trace = parseTrace(pcapFile({ linkType, records: [{ seconds: BASE_SECONDS, fraction: 0, data: frame }] }), 'one.pcap', {
      ssrc: 0xabc,
    });
    expect(trace.packets.length).toBe(1);
    return trace.packets[0];
  }

  const expected: TracePacket = {
    arrivalUs: 0,
    seq: 7,
    timestamp: 99,
    payloadType: 8,
    marker: true,
    payload: countingBytes(80),
    payloadBytes: 80,
    ecn: 1,
  };

  it('Ethernet, untagged and with stacked 802.1Q tags', () => {
    expect(onlyPacket(1, ethernetFrame(ETHERTYPE_IPV4, ipv4))).toEqual(expected);
    expect(onlyPacket(1, ethernetFrame(ETHERTYPE_IPV4, ipv4, [100, 200]))).toEqual(expected);
  });

  it('Linux cooked v1 (113) and v2 (276)', () => {
    expect(onlyPacket(113, sllFrame(ETHERTYPE_IPV4, ipv4))).toEqual(expected);
    expect(onlyPacket(276, sll2Frame(ETHERTYPE_IPV4, ipv4))).toEqual(expected);
  });

  it('raw IP (101) and the IPv4-only link type (228)', () => {
    expect(onlyPacket(101, ipv4)).toEqual(expected);
    expect(onlyPacket(228, ipv4)).toEqual(expected);
  });

  it('BSD loopback (0) in either host byte order', () => {
    expect(onlyPacket(0, nullFrame(2, ipv4, true))).toEqual(expected);
    expect(onlyPacket(0, nullFrame(2, ipv4, false))).toEqual(expected);
  });

  it('IPv4 with options (IHL 7) and ECN CE, ignoring the DSCP bits beside it', () => {
    const withOptions = ipv4Bytes({ source: '198.51.100.7', destination: '10.0.0.2', ecn: 3, dscp: 63, optionWords: 2, payload: udp });
    expect(onlyPacket(101, withOptions).ecn).toBe(3);
  });

  it('IPv6 with hop-by-hop, routing and destination-options headers before UDP, ECN ECT(0) from the traffic class', () => {
    const packet = ipv6Bytes({
      source: v6Source,
      destination: v6Destination,
      ecn: 2,
      dscp: 46,
      extensions: [{ type: 0 }, { type: 43, lengthUnits: 1 }, { type: 60 }],
      payload: udp,
    });
    expect(onlyPacket(1, ethernetFrame(ETHERTYPE_IPV6, packet))).toEqual({ ...expected, ecn: 2 });
    expect(onlyPacket(229, packet)).toEqual({ ...expected, ecn: 2 });
    expect(onlyPacket(0, nullFrame(30, packet, true))).toEqual({ ...expected, ecn: 2 });
  });

  it('skips a fragment that is not the first (IPv4 and IPv6): it has no UDP header', () => {
    const v4Fragment = ipv4Bytes({ source: '198.51.100.7', destination: '10.0.0.2', fragmentOffset8: 185, payload: udp });
    const v6Fragment = ipv6Bytes({ source: v6Source, destination: v6Destination, extensions: [{ type: 44, fragmentOffset8: 185 }], payload: udp });
    for (const frame of [ethernetFrame(ETHERTYPE_IPV4, v4Fragment), ethernetFrame(ETHERTYPE_IPV6, v6Fragment)]) {
      const file = pcapFile({ linkType: 1, records: [{ seconds: BASE_SECONDS, fraction: 0, data: frame }] });
      expect(() => parseTrace(file, 'frag.pcap')).toThrow(/no RTP stream/);
    }
  });

  it('reads a first IPv6 fragment: its payload is incomplete, so null, but its size is right', () => {
    const firstFragment = ipv6Bytes({ source: v6Source, destination: v6Destination, extensions: [{ type: 44 }], payload: udp.subarray(0, 60) });
    expect(onlyPacket(229, firstFragment)).toEqual({ ...expected, payload: null, ecn: 0 });
  });

  it('ignores Ethernet padding after a short IPv4 packet', () => {
    const tiny = rtpBytes({ payloadType: 0, seq: 1, timestamp: 2, ssrc: 0xabc, payload: countingBytes(4) });
    const ip = ipv4Bytes({ source: '198.51.100.7', destination: '10.0.0.2', payload: udpBytes(1, 2, tiny) });
    const padded = new Uint8Array([...ethernetFrame(ETHERTYPE_IPV4, ip), 0, 0, 0, 0, 0, 0]);
    expect(onlyPacket(1, padded)).toMatchObject({ payload: countingBytes(4), payloadBytes: 4 });
  });

  it('skips frames that are not IP/UDP/RTP: ARP, TCP, RTCP, and UDP whose first byte is not RTP version 2', () => {
    const arp = ethernetFrame(0x0806, new Uint8Array(28));
    const tcp = ethernetFrame(ETHERTYPE_IPV4, ipv4Bytes({ source: '1.1.1.1', destination: '10.0.0.2', protocol: 6, payload: new Uint8Array(40) }));
    const rtcpSenderReport = Uint8Array.from([0x80, 200, 0, 6, ...new Uint8Array(24)]);
    const rtcp = ethernetFrame(ETHERTYPE_IPV4, ipv4Bytes({ source: '1.1.1.1', destination: '10.0.0.2', payload: udpBytes(5, 6, rtcpSenderReport) }));
    const sip = ethernetFrame(ETHERTYPE_IPV4, ipv4Bytes({ source: '1.1.1.1', destination: '10.0.0.2', payload: udpBytes(5060, 5060, new TextEncoder().encode('INVITE sip:bob@example.com SIP/2.0\r\n')) }));
    const data = [arp, tcp, rtcp, sip, ethernetFrame(ETHERTYPE_IPV4, ipv4)];
    const file = pcapFile({ linkType: 1, records: data.map((frame, i) => ({ seconds: BASE_SECONDS, fraction: i * 1000, data: frame })) });
    const trace = parseTrace(file, 'mixed.pcap', { ssrc: 0xabc });
    expect(trace.packets).toEqual([expected]);
  });

  it('skips every frame of an unknown link type', () => {
    const file = pcapFile({ linkType: 147, records: [{ seconds: BASE_SECONDS, fraction: 0, data: ipv4 }] });
    expect(() => parseTrace(file, 'user0.pcap')).toThrow(/no UDP datagram in the capture parses as RTP/);
  });
});

describe('pcap: snaplen cuts', () => {
  it('keeps the size from the UDP length when the snaplen cut the payload (payload null)', () => {
    const frames = Array.from({ length: 3 }, (_, i) => ethernetRtpFrame(pcmuPacket(i)));
    // 14 Ethernet + 20 IPv4 + 8 UDP + 12 RTP = 54 header bytes; keep 10 payload bytes of 160.
    const records = recordsEvery20Ms(frames).map((record) => ({ ...record, capturedLength: 64 }));
    const trace = parseTrace(pcapFile({ linkType: 1, records }), 'cut.pcap');
    expect(trace.packets.map((packet) => [packet.payload, packet.payloadBytes])).toEqual([
      [null, 160],
      [null, 160],
      [null, 160],
    ]);
  });
});

describe('pcap: malformed files are TraceErrors naming the file and offset', () => {
  const file = pcapFile({ linkType: 1, records: recordsEvery20Ms([ethernetRtpFrame(pcmuPacket(0)), ethernetRtpFrame(pcmuPacket(1))]) });
  // 24-byte global header, then 16-byte record header + 214-byte frame (54 + 160) per record.
  const secondRecord = 24 + 16 + 214;

  it('a record header cut short', () => {
    const error = traceErrorOf(() => parseTrace(file.subarray(0, secondRecord + 10), 'short.pcap'));
    expect(error.file).toBe('short.pcap');
    expect(error.offset).toBe(secondRecord);
    expect(error.message).toMatch(/^short\.pcap: truncated pcap record header: needs 16 bytes, only 10 left \(at byte offset 254\)$/);
  });

  it('a record body cut short', () => {
    const error = traceErrorOf(() => parseTrace(file.subarray(0, file.length - 1), 'short.pcap'));
    expect(error.offset).toBe(secondRecord + 16);
    expect(error.message).toMatch(/short\.pcap: truncated pcap record body: needs 214 bytes, only 213 left/);
  });

  it('a global header cut short', () => {
    expect(traceErrorOf(() => parseTrace(file.subarray(0, 20), 'stub.pcap')).message).toMatch(/stub\.pcap: truncated pcap global header/);
  });

  it('the same inside a gzip file, and a corrupt gzip stream', () => {
    expect(traceErrorOf(() => parseTrace(gzipSync(file.subarray(0, file.length - 1)), 'short.pcap.gz')).offset).toBe(secondRecord + 16);
    const corrupt = gzipSync(file).subarray(0, 30);
    expect(traceErrorOf(() => parseTrace(corrupt, 'bad.pcap.gz')).message).toMatch(/^bad\.pcap\.gz: gzip data cannot be decompressed/);
  });

  it('a file in no known format, and a capture with no RTP at all', () => {
    expect(traceErrorOf(() => parseTrace(new TextEncoder().encode('hello,world\n1,2\n'), 'notes.txt')).message).toMatch(
      /^notes\.txt: not a trace file: it starts with 68 65 6c 6c 6f 2c 77 6f/,
    );
    expect(traceErrorOf(() => parseTrace(new Uint8Array(0), 'empty.pcap')).message).toMatch(/the file is empty/);
    const dnsOnly = pcapFile({
      linkType: 1,
      records: [{ seconds: BASE_SECONDS, fraction: 0, data: ethernetFrame(ETHERTYPE_IPV4, ipv4Bytes({ source: '1.1.1.1', destination: '10.0.0.2', payload: udpBytes(53, 5353, Uint8Array.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])) })) }],
    });
    expect(traceErrorOf(() => parseTrace(dnsOnly, 'dns.pcap')).message).toMatch(/^dns\.pcap: no RTP stream/);
  });

  it('a file that cannot be read', () => {
    const error = traceErrorOf(() => readTrace('/nonexistent/dir/call.pcap'));
    expect(error.message).toMatch(/^\/nonexistent\/dir\/call\.pcap: cannot read the file: ENOENT/);
  });
});
