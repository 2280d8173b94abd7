import { describe, expect, it } from 'vitest';

import { parseTrace, readPcapngFrames, TraceError } from '../../src/trace/index.js';
import {
  ByteWriter,
  countingBytes,
  ethernetRtpFrame,
  ipv4Bytes,
  pcapngFile,
  rtpBytes,
  sllFrame,
  udpBytes,
  type PcapngSectionSpec,
} from './trace_builders.js';

/** An Opus-like packet (dynamic PT 111) of SSRC 0xA0A0A0A0 with sequence `index`. */
function opusPacket(index: number): Uint8Array {
  return rtpBytes({ payloadType: 111, seq: index, timestamp: 960 * index, ssrc: 0xa0a0a0a0, payload: countingBytes(90, index) });
}

/** A PCMU packet of SSRC 0xB0B0B0B0. */
function pcmuPacket(index: number): Uint8Array {
  return rtpBytes({ payloadType: 0, seq: index, timestamp: 160 * index, ssrc: 0xb0b0b0b0, payload: countingBytes(160) });
}

function rawIpv4(rtp: Uint8Array): Uint8Array {
  return ipv4Bytes({ source: '203.0.113.9', destination: '192.168.0.2', payload: udpBytes(4000, 4002, rtp) });
}

/** Epoch of the synthetic captures: 2023-11-14T22:13:20Z. */
const EPOCH_SECONDS = 1_700_000_000n;

describe('pcapng: sections, interfaces and timestamp resolutions', () => {
  // Section 1 (little-endian): one Ethernet interface at the default µs resolution.
  // Section 2 (big-endian): interface 0 raw IPv4 at ns (if_tsresol 9), interface 1 SLL at 2^-10 s.
  // Interfaces restart at 0 in each section. Unknown blocks (a Name Resolution Block, type 4) are skipped.
  const sections: PcapngSectionSpec[] = [
    {
      littleEndian: true,
      interfaces: [{ linkType: 1 }],
      blocks: [
        { kind: 'enhanced', interfaceId: 0, ticks: EPOCH_SECONDS * 1_000_000n, data: ethernetRtpFrame(opusPacket(0)) },
        { kind: 'other', type: 4, body: new Uint8Array(8) },
        { kind: 'enhanced', interfaceId: 0, ticks: EPOCH_SECONDS * 1_000_000n + 20_000n, data: ethernetRtpFrame(opusPacket(1)) },
      ],
    },
    {
      littleEndian: false,
      interfaces: [{ linkType: 101, tsresol: 9 }, { linkType: 113, tsresol: 0x80 | 10 }],
      blocks: [
        // 40 000 499 ns after the epoch → 40 000 µs; 60 000 500 ns → 60 001 µs (rounded half up).
        { kind: 'enhanced', interfaceId: 0, ticks: EPOCH_SECONDS * 1_000_000_000n + 40_000_499n, data: rawIpv4(opusPacket(2)) },
        { kind: 'enhanced', interfaceId: 0, ticks: EPOCH_SECONDS * 1_000_000_000n + 60_000_500n, data: rawIpv4(opusPacket(3)) },
        // 1024ths of a second: 82 ticks = 80 078.125 µs → 80 078 µs.
        { kind: 'enhanced', interfaceId: 1, ticks: EPOCH_SECONDS * 1024n + 82n, data: sllFrame(0x0800, rawIpv4(opusPacket(4))) },
      ],
    },
  ];

  it('reads packets across both sections, converting each interface resolution to µs', () => {
    const trace = parseTrace(pcapngFile(sections), 'multi.pcapng', { ssrc: 0xa0a0a0a0 });
    expect(trace.format).toBe('pcapng');
    expect(trace.name).toBe('multi');
    expect(trace.packets.map((packet) => packet.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(trace.packets.map((packet) => packet.arrivalUs)).toEqual([0, 20_000, 40_000, 60_001, 80_078]);
    expect(trace.packets[4].payload).toEqual(countingBytes(90, 4));
  });

  it('gives each frame its interface link type and original length', () => {
    const frames = [...readPcapngFrames(pcapngFile(sections), 'multi.pcapng')];
    expect(frames.map((frame) => frame.linkType)).toEqual([1, 1, 101, 101, 113]);
    expect(frames[0].originalLength).toBe(ethernetRtpFrame(opusPacket(0)).length);
    expect(frames[0].timeUs).toBe(1_700_000_000_000_000);
  });

  it('keeps the original length and a null payload when an Enhanced Packet Block holds a cut frame', () => {
    const cut: PcapngSectionSpec = {
      littleEndian: true,
      interfaces: [{ linkType: 1, snapLength: 64 }],
      blocks: [{ kind: 'enhanced', interfaceId: 0, ticks: 0n, data: ethernetRtpFrame(pcmuPacket(0)), capturedLength: 64 }],
    };
    const trace = parseTrace(pcapngFile([cut]), 'cut.pcapng', { ssrc: 0xb0b0b0b0 });
    expect(trace.packets[0]).toMatchObject({ payload: null, payloadBytes: 160 });
  });
});

describe('pcapng: Simple Packet Blocks', () => {
  it('reads them as untimed frames of interface 0, cut to its snap length', () => {
    const frame = ethernetRtpFrame(pcmuPacket(0));
    const file = pcapngFile([{ littleEndian: true, interfaces: [{ linkType: 1, snapLength: 100 }], blocks: [{ kind: 'simple', data: frame }] }]);
    const [read] = [...readPcapngFrames(file, 'spb.pcapng')];
    expect(read.timeUs).toBeNull();
    expect(read.originalLength).toBe(frame.length);
    expect(read.data).toEqual(frame.subarray(0, 100));
  });

  it('refuses to replay a stream whose packets have no capture time, but reads a timed stream beside them', () => {
    const blocks = Array.from({ length: 3 }, (_, i) => [
      { kind: 'simple' as const, data: ethernetRtpFrame(pcmuPacket(i)) },
      { kind: 'enhanced' as const, interfaceId: 0, ticks: BigInt(i * 20_000), data: ethernetRtpFrame(opusPacket(i)) },
    ]).flat();
    const file = pcapngFile([{ littleEndian: true, interfaces: [{ linkType: 1 }], blocks }]);
    expect(() => parseTrace(file, 'spb.pcapng', { ssrc: 0xb0b0b0b0 })).toThrow(/has packets without a capture time/);
    expect(parseTrace(file, 'spb.pcapng', { ssrc: 0xa0a0a0a0 }).packets.length).toBe(3);
  });
});

describe('pcapng: malformed blocks are TraceErrors naming the file and offset', () => {
  const good = pcapngFile([
    { littleEndian: true, interfaces: [{ linkType: 1 }], blocks: [{ kind: 'enhanced', interfaceId: 0, ticks: 0n, data: ethernetRtpFrame(pcmuPacket(0)) }] },
  ]);
  // Section Header Block: 28 bytes; Interface Description Block: 24 bytes (12 of header and trailer,
  // link type, reserved, snap length, opt_endofopt); so the EPB starts at 52.
  const epbOffset = 52;

  function errorOf(bytes: Uint8Array): TraceError {
    try {
      parseTrace(bytes, 'broken.pcapng');
    } catch (error) {
      expect(error).toBeInstanceOf(TraceError);
      return error as TraceError;
    }
    throw new Error('expected a TraceError');
  }

  it('a block length that is not a multiple of 4', () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(epbOffset + 4, 13, true);
    const error = errorOf(bytes);
    expect(error.offset).toBe(epbOffset + 4);
    expect(error.message).toMatch(/^broken\.pcapng: bad pcapng block length 13/);
  });

  it('a trailing length that disagrees with the leading one', () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(bytes.length - 4, 1000, true);
    expect(errorOf(bytes).message).toMatch(/block length mismatch: header says \d+, trailer says 1000/);
  });

  it('a block running past the end of the file', () => {
    const error = errorOf(good.subarray(0, good.length - 8));
    expect(error.offset).toBe(epbOffset);
    expect(error.message).toMatch(/truncated pcapng block of type 0x6/);
  });

  it('an EPB whose captured length overruns its block', () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(epbOffset + 20, 5000, true);
    expect(errorOf(bytes).message).toMatch(/EPB captured length 5000 overruns/);
  });

  it('a packet of an interface the section never described', () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(epbOffset + 8, 3, true);
    expect(errorOf(bytes).message).toMatch(/refers to interface 3, but the section describes 1/);
  });

  it('a bad byte-order magic', () => {
    const bytes = good.slice();
    bytes[8] = 0;
    expect(errorOf(bytes).message).toMatch(/bad byte-order magic/);
  });

  it('an interface option running past its block', () => {
    const body = new ByteWriter(true).u16(1).u16(0).u32(0).u16(9).u16(40).u32(0).toBytes();
    const idb = new ByteWriter(true).u32(1).u32(12 + body.length).bytes(body).u32(12 + body.length).toBytes();
    const bytes = new Uint8Array([...good.subarray(0, 28), ...idb]);
    expect(errorOf(bytes).message).toMatch(/interface option 9 of 40 bytes overruns its block/);
  });
});
