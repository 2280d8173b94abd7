// Garbage RTP headers inside valid pcap framing (Ethernet / IPv4 / UDP all
// well formed, the RTP inside not): skipped, counted in trace.malformedRtp with
// the first one's byte offset and reason, and named in the error when no
// usable stream is left. A fast-check property mixes every kind of garbage
// (and random bytes) into a good stream: the reader never throws anything but
// a TraceError, keeps the good stream exactly, and counts exactly the
// malformed datagrams.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRtpOrProblem, parseTrace, TraceError } from '../../src/trace/index.js';
import { countingBytes, ethernetRtpFrame, pcapFile, rtpBytes, type PcapRecord } from './trace_builders.js';
import { fcParameters } from '../helpers/property_streams.js';
import { traceErrorOf } from '../helpers/trace_error.js';

const BASE_SECONDS = 1_700_000_000;
const STREAM_SSRC = 0x11223344;

function pcmuPacket(index: number): Uint8Array {
  return rtpBytes({ payloadType: 0, seq: 1000 + index, timestamp: 5000 + 160 * index, ssrc: STREAM_SSRC, payload: countingBytes(160, index) });
}

/** Garbage kinds that start like RTP (version 2, not RTCP) and are malformed, with an SSRC in bytes 8..11 when long enough. */
type Garbage =
  | { kind: 'short'; length: number }
  | { kind: 'csrcs'; count: number; payload: number }
  | { kind: 'extension'; words: number; payload: number }
  | { kind: 'extensionHeader' }
  | { kind: 'zeroPadding'; payload: number }
  | { kind: 'hugePadding'; count: number; payload: number };

/** Datagrams that are not RTP at all: another version, RTCP, random bytes not starting 0b10. */
type NotRtp = { kind: 'version'; version: number; length: number } | { kind: 'rtcp'; type: number } | { kind: 'random'; bytes: Uint8Array };

function garbageBytes(g: Garbage, ssrc: number): Uint8Array {
  const header = (first: number, length: number): Uint8Array => {
    const b = new Uint8Array(length);
    b[0] = first;
    b[1] = 0; // PT 0, not RTCP
    if (length >= 12) new DataView(b.buffer).setUint32(8, ssrc);
    return b;
  };
  switch (g.kind) {
    case 'short':
      return header(0x80, g.length); // 1..11 bytes
    case 'csrcs':
      return header(0x80 | g.count, 12 + Math.min(g.payload, 4 * g.count - 1)); // the CSRC list runs past the end
    case 'extension': {
      const b = header(0x90, 16 + g.payload);
      new DataView(b.buffer).setUint16(14, g.words); // words × 4 > payload
      return b;
    }
    case 'extensionHeader':
      return header(0x90, 12 + 2); // X set, not even the 4-byte extension header fits
    case 'zeroPadding': {
      const b = header(0xa0, 12 + g.payload + 1);
      b[b.length - 1] = 0;
      return b;
    }
    case 'hugePadding': {
      const b = header(0xa0, 12 + g.payload + 1);
      b[b.length - 1] = Math.min(255, g.payload + 2 + g.count); // reaches into the header
      return b;
    }
  }
}

function notRtpBytes(n: NotRtp): Uint8Array {
  switch (n.kind) {
    case 'version': {
      const b = new Uint8Array(n.length);
      b[0] = n.version << 6;
      return b;
    }
    case 'rtcp':
      return Uint8Array.from([0x80, n.type, 0, 1, 0, 0, 0, 0]);
    case 'random':
      return n.bytes;
  }
}

const garbageArbitrary: fc.Arbitrary<Garbage> = fc.oneof(
  fc.record({ kind: fc.constant('short' as const), length: fc.integer({ min: 1, max: 11 }) }),
  fc.record({ kind: fc.constant('csrcs' as const), count: fc.integer({ min: 1, max: 15 }), payload: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ kind: fc.constant('extension' as const), words: fc.integer({ min: 1, max: 0xffff }), payload: fc.integer({ min: 0, max: 3 }) }),
  fc.constant({ kind: 'extensionHeader' as const }),
  fc.record({ kind: fc.constant('zeroPadding' as const), payload: fc.integer({ min: 0, max: 200 }) }),
  fc.record({ kind: fc.constant('hugePadding' as const), count: fc.integer({ min: 0, max: 100 }), payload: fc.integer({ min: 0, max: 200 }) }),
);

const notRtpArbitrary: fc.Arbitrary<NotRtp> = fc.oneof(
  fc.record({ kind: fc.constant('version' as const), version: fc.constantFrom(0, 1, 3), length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('rtcp' as const), type: fc.integer({ min: 192, max: 223 }) }),
  // Random bytes whose first byte is not version 2 (0x80..0xbf).
  fc.uint8Array({ minLength: 1, maxLength: 300 }).filter((b) => b[0] >> 6 !== 2).map((bytes) => ({ kind: 'random' as const, bytes })),
);

/** One good packet, or garbage, at each step. */
type Step = { kind: 'good' } | { kind: 'garbage'; garbage: Garbage; inStream: boolean; ssrc: number } | { kind: 'notRtp'; what: NotRtp };

function fileOf(steps: Step[]): { file: Uint8Array; goodIndices: number[]; malformedOffsets: number[]; inStream: number } {
  const records: PcapRecord[] = [];
  const goodIndices: number[] = [];
  const malformedOffsets: number[] = [];
  let inStream = 0;
  let good = 0;
  let offset = 24;
  steps.forEach((step, i) => {
    let rtp: Uint8Array;
    if (step.kind === 'good') {
      goodIndices.push(good);
      rtp = pcmuPacket(good++);
    } else if (step.kind === 'garbage') {
      // A malformed datagram may claim the stream's own SSRC: it must still not enter the stream.
      rtp = garbageBytes(step.garbage, step.inStream ? STREAM_SSRC : step.ssrc === STREAM_SSRC ? 1 : step.ssrc);
      malformedOffsets.push(offset);
      if (step.inStream && rtp.length >= 12) inStream++;
    } else rtp = notRtpBytes(step.what);
    const data = ethernetRtpFrame(rtp);
    const timeUs = i * 20_000;
    records.push({ seconds: BASE_SECONDS + Math.floor(timeUs / 1e6), fraction: timeUs % 1e6, data });
    offset += 16 + data.length;
  });
  return { file: pcapFile({ linkType: 1, records }), goodIndices, malformedOffsets, inStream };
}

describe('malformed RTP inside valid pcap framing', () => {
  it.each([
    ['a CSRC count past the end', { kind: 'csrcs', count: 15, payload: 4 } as Garbage, /RTP header with 15 CSRCs needs 72 bytes, the packet has 16/],
    ['an extension longer than the packet', { kind: 'extension', words: 1000, payload: 0 } as Garbage, /RTP header extension of 1000 words ends at byte 4016, past the 16-byte packet/],
    ['an extension bit with no room for its header', { kind: 'extensionHeader' } as Garbage, /no room for the 4-byte extension header/],
    ['a padding count of 0', { kind: 'zeroPadding', payload: 10 } as Garbage, /padding count \(last byte\) is 0/],
    ['a padding count reaching into the header', { kind: 'hugePadding', count: 5, payload: 10 } as Garbage, /padding count 17 reaches into the 12-byte header of a 23-byte packet/],
    ['a datagram shorter than the fixed header', { kind: 'short', length: 7 } as Garbage, /only 7 bytes, shorter than the 12-byte fixed header/],
  ])('counts %s, names its offset and reason, and keeps the good stream', (_name, garbage, reason) => {
    const steps: Step[] = [...Array.from({ length: 5 }, () => ({ kind: 'good' as const })), { kind: 'garbage', garbage, inStream: true, ssrc: 0 }, ...Array.from({ length: 5 }, () => ({ kind: 'good' as const }))];
    const { file, malformedOffsets } = fileOf(steps);
    const trace = parseTrace(file, 'garbage.pcap');
    expect(trace.packets.map((p) => p.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 1000 + i));
    expect(trace.malformedRtp).toMatchObject({ count: 1, first: { offset: malformedOffsets[0] } });
    expect(trace.malformedRtp!.first.reason).toMatch(reason);
  });

  it('leaves a clean capture without a malformedRtp field', () => {
    const { file } = fileOf(Array.from({ length: 10 }, () => ({ kind: 'good' as const })));
    expect(parseTrace(file, 'clean.pcap').malformedRtp).toBeUndefined();
  });

  it('names the first malformed datagram and its offset when no stream is left', () => {
    const steps: Step[] = Array.from({ length: 8 }, (_, i) => ({ kind: 'garbage' as const, garbage: { kind: 'csrcs' as const, count: 3 + (i % 5), payload: 0 }, inStream: true, ssrc: 0 }));
    const { file, malformedOffsets } = fileOf(steps);
    const error = traceErrorOf(() => parseTrace(file, 'all-garbage.pcap'));
    expect(error.offset).toBe(malformedOffsets[0]);
    expect(error.message).toBe(
      `all-garbage.pcap: no RTP stream: no UDP datagram in the capture parses as RTP; 8 UDP datagrams look like RTP (version 2) but are malformed, the first: RTP header with 3 CSRCs needs 24 bytes, the packet has 12 (at byte offset ${malformedOffsets[0]})`,
    );
  });

  it('parseRtpOrProblem tells a header cut by the snaplen from a malformed one', () => {
    const packet = rtpBytes({ payloadType: 0, seq: 1, timestamp: 2, ssrc: 3, csrcs: [1, 2, 3], payload: countingBytes(40) });
    expect(parseRtpOrProblem(packet.subarray(0, 18), packet.length)).toMatch(/CSRC list cut by the capture \(18 of 24 bytes captured\)/);
    expect(parseRtpOrProblem(packet, packet.length)).toMatchObject({ csrcs: [1, 2, 3], payloadBytes: 40 });
    expect(parseRtpOrProblem(Uint8Array.from([0x80, 200, 0, 6]), 4)).toBeNull(); // RTCP: not RTP, not malformed
    expect(parseRtpOrProblem(new Uint8Array(0), 0)).toBeNull();
  });

  it('property: any mix of garbage keeps the good stream exactly, counts every malformed datagram, and throws nothing but TraceError', () => {
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 3, arbitrary: fc.constant({ kind: 'good' as const }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('garbage' as const), garbage: garbageArbitrary, inStream: fc.boolean(), ssrc: fc.integer({ min: 0, max: 0xffffffff }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('notRtp' as const), what: notRtpArbitrary }) },
    );
    const parameters = fcParameters(300);
    console.log(`[property] malformed RTP in pcap: seed ${parameters.seed} (replay with FUZZ_SEED=${parameters.seed}), ${parameters.numRuns} runs`);
    let malformedSeen = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const { file, goodIndices, malformedOffsets, inStream } = fileOf(steps);
        let trace;
        try {
          trace = parseTrace(file, 'fuzz.pcap');
        } catch (error) {
          if (!(error instanceof TraceError)) throw error;
          // Only when too few good packets are left for a stream (stream_selection.ts needs several).
          expect(goodIndices.length).toBeLessThan(10);
          if (malformedOffsets.length > 0 && goodIndices.length === 0) expect(error.offset).toBe(malformedOffsets[0]);
          return;
        }
        expect(trace.ssrc).toBe(STREAM_SSRC);
        expect(trace.packets.map((p) => p.seq)).toEqual(goodIndices.map((i) => 1000 + i));
        expect(trace.packets.every((p) => p.payload !== null && p.payload.length === 160)).toBe(true);
        if (malformedOffsets.length === 0) expect(trace.malformedRtp).toBeUndefined();
        else expect(trace.malformedRtp).toMatchObject({ count: malformedOffsets.length, inStream, first: { offset: malformedOffsets[0] } });
        malformedSeen += malformedOffsets.length;
      }),
      parameters,
    );
    expect(malformedSeen).toBeGreaterThan(0);
  });

  it('property: random bytes in place of the UDP payload, or of the whole frame, give a trace or a TraceError, never another exception', () => {
    const parameters = fcParameters(300);
    console.log(`[property] random frames in pcap: seed ${parameters.seed} (replay with FUZZ_SEED=${parameters.seed}), ${parameters.numRuns} runs`);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 400 })), { maxLength: 30 }), (frames) => {
        const good = Array.from({ length: 10 }, (_, i) => ethernetRtpFrame(pcmuPacket(i)));
        const data = [...good, ...frames.map(([whole, bytes]) => (whole ? bytes : ethernetRtpFrame(bytes)))];
        const file = pcapFile({ linkType: 1, records: data.map((frame, i) => ({ seconds: BASE_SECONDS, fraction: i * 1000, data: frame })) });
        try {
          const trace = parseTrace(file, 'random.pcap');
          expect(trace.packets.length).toBeGreaterThanOrEqual(10);
        } catch (error) {
          if (!(error instanceof TraceError)) throw error;
        }
      }),
      parameters,
    );
  });
});
