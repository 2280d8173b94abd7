import { describe, expect, it } from 'vitest';

import { inferClockRate, parseTrace, staticClockRate, type TracePacket } from '../../src/trace/index.js';
import { countingBytes, ethernetRtpFrame, pcapFile, rtpBytes } from './trace_builders.js';

/** One packet of a synthetic stream, with where and when it was captured. */
interface SentPacket {
  timeUs: number;
  rtp: Uint8Array;
  source: string;
  destination: string;
}

/** Fields of a synthetic stream. */
interface StreamSpec {
  ssrc: number;
  payloadType: number;
  clockRate: number;
  packetMs: number;
  count: number;
  payloadBytes: number;
  source?: string;
  destination?: string;
  /** Capture time of packet k in µs (default: k × packetMs, no jitter). */
  timeUs?: (k: number) => number;
  /** Packets that share each timestamp, as a video frame split over packets does (default 1). */
  packetsPerTimestamp?: number;
}

/** Builds the packets of a stream; seq and timestamp start mid-range so wraps are exercised. */
function stream(spec: StreamSpec): SentPacket[] {
  const perTimestamp = spec.packetsPerTimestamp ?? 1;
  const step = (spec.clockRate * spec.packetMs) / 1000;
  return Array.from({ length: spec.count }, (_, k) => ({
    timeUs: spec.timeUs ? spec.timeUs(k) : Math.round((Math.floor(k / perTimestamp) * spec.packetMs * 1000) + (k % perTimestamp) * 100),
    rtp: rtpBytes({
      payloadType: spec.payloadType,
      seq: (65000 + k) & 0xffff,
      timestamp: (4_294_000_000 + Math.floor(k / perTimestamp) * step) >>> 0,
      ssrc: spec.ssrc,
      payload: countingBytes(spec.payloadBytes, k),
    }),
    source: spec.source ?? '203.0.113.1',
    destination: spec.destination ?? '192.168.1.10',
  }));
}

/** A pcap of the given streams, interleaved in capture-time order. */
function capture(...streams: SentPacket[][]): Uint8Array {
  const packets = streams.flat().sort((a, b) => a.timeUs - b.timeUs);
  const base = 1_600_000_000_000_000;
  return pcapFile({
    linkType: 1,
    records: packets.map((packet) => ({
      seconds: Math.floor((base + packet.timeUs) / 1e6),
      fraction: (base + packet.timeUs) % 1e6,
      data: ethernetRtpFrame(packet.rtp, packet.source, packet.destination),
    })),
  });
}

/** Deterministic jitter in [−amplitude, +amplitude] µs. */
function jitter(k: number, amplitudeUs: number): number {
  return Math.round(Math.sin(k * 12.9898) * amplitudeUs);
}

describe('choosing the main audio stream', () => {
  const opus = stream({ ssrc: 0xa0d10, payloadType: 111, clockRate: 48000, packetMs: 20, count: 150, payloadBytes: 120 });
  // 30 frames/s at 90 kHz, 4 packets of 1100 bytes per frame: more packets than the audio.
  const video = stream({ ssrc: 0x71de0, payloadType: 96, clockRate: 90000, packetMs: 1000 / 30, count: 400, payloadBytes: 1100, packetsPerTimestamp: 4 });

  it('prefers a dynamic-PT audio stream to a video stream with more packets', () => {
    const trace = parseTrace(capture(opus, video), 'av.pcap');
    expect(trace.ssrc).toBe(0xa0d10);
    expect(trace.payloadType).toBe(111);
    expect(trace.clockRate).toBe(48000);
    expect(trace.clockRateSource).toBe('inferred');
    expect(trace.packets.length).toBe(150);
  });

  it('does not take large-payload, small-step dynamic packets for audio either (a video at 60 fps, one packet per frame)', () => {
    const video60 = stream({ ssrc: 0x60f95, payloadType: 97, clockRate: 90000, packetMs: 1000 / 60, count: 600, payloadBytes: 900 });
    expect(parseTrace(capture(opus, video60), 'av.pcap').ssrc).toBe(0xa0d10);
  });

  it('still returns the video when it is the only RTP stream', () => {
    const trace = parseTrace(capture(video), 'video.pcap');
    expect(trace.ssrc).toBe(0x71de0);
    expect(trace.clockRate).toBe(90000);
  });

  it('prefers the stream received from the Internet to the one the capturing host sends, even with fewer packets', () => {
    const received = stream({ ssrc: 1, payloadType: 8, clockRate: 8000, packetMs: 20, count: 100, payloadBytes: 160, source: '198.51.100.20', destination: '10.1.1.1' });
    const sent = stream({ ssrc: 2, payloadType: 8, clockRate: 8000, packetMs: 20, count: 120, payloadBytes: 160, source: '10.1.1.1', destination: '198.51.100.20' });
    expect(parseTrace(capture(received, sent), 'call.pcap').ssrc).toBe(1);
  });

  it('takes the stream with the most packets when both ends are on the LAN', () => {
    const a = stream({ ssrc: 1, payloadType: 0, clockRate: 8000, packetMs: 20, count: 100, payloadBytes: 160, source: '192.168.1.2', destination: '192.168.1.3' });
    const b = stream({ ssrc: 2, payloadType: 0, clockRate: 8000, packetMs: 20, count: 101, payloadBytes: 160, source: '192.168.1.3', destination: '192.168.1.2' });
    expect(parseTrace(capture(a, b), 'lan.pcap').ssrc).toBe(2);
  });

  it('ignores stray UDP that parses as RTP but is no stream (one packet)', () => {
    const stray = stream({ ssrc: 0x5eed, payloadType: 3, clockRate: 8000, packetMs: 20, count: 1, payloadBytes: 30 }).map((packet) => ({ ...packet, timeUs: 5 }));
    const small = stream({ ssrc: 7, payloadType: 0, clockRate: 8000, packetMs: 20, count: 5, payloadBytes: 160, source: '10.0.0.1', destination: '10.0.0.2' });
    expect(parseTrace(capture(stray, small), 'stray.pcap').ssrc).toBe(7);
  });

  it('says which SSRCs exist when asked for an absent one', () => {
    expect(() => parseTrace(capture(opus, video), 'av.pcap', { ssrc: 0x1234 })).toThrow(
      'av.pcap: no RTP stream with SSRC 0x00001234: the capture has 0x00071DE0 (400 packets, PT 96, 203.0.113.1:40000 → 192.168.1.10:50000); 0x000A0D10 (150 packets, PT 111, 203.0.113.1:40000 → 192.168.1.10:50000) (at byte offset 0)',
    );
  });

  it('keeps capture order, even when a packet was reordered in the network', () => {
    const reordered = stream({ ssrc: 9, payloadType: 0, clockRate: 8000, packetMs: 20, count: 5, payloadBytes: 160, timeUs: (k) => [0, 20_000, 45_000, 41_000, 80_000][k] });
    expect(parseTrace(capture(reordered), 'r.pcap').packets.map((packet: TracePacket) => (packet.seq - 65000) & 0xffff)).toEqual([0, 1, 3, 2, 4]);
  });

  it('fails to infer the clock of a dynamic-PT stream with nothing to measure', () => {
    const burst = stream({ ssrc: 3, payloadType: 120, clockRate: 48000, packetMs: 20, count: 3, payloadBytes: 50, timeUs: () => 0 });
    expect(() => parseTrace(capture(burst), 'b.pcap', { ssrc: 3 })).toThrow(/cannot infer the clock rate of SSRC 0x00000003 \(PT 120\)/);
  });
});

describe('clock rates', () => {
  it('come from the static payload type (RFC 3551): PCMU/PCMA 8000, DVI4 16000, G722 8000, L16 44100', () => {
    expect([0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 18].map(staticClockRate)).toEqual([
      8000, 8000, 8000, 8000, 16000, 8000, 8000, 8000, 44100, 44100, 8000, 8000, 8000, 8000,
    ]);
    expect(staticClockRate(96)).toBeNull();
  });

  /** Samples of a stream at `clockRate` with `packetMs` packets, 5 s long, arrivals jittered by ±`jitterUs`. */
  function samples(clockRate: number, packetMs: number, jitterUs: number) {
    const count = Math.round(5000 / packetMs);
    return Array.from({ length: count }, (_, k) => ({
      seq: (65530 + k) & 0xffff,
      timestamp: (4_294_960_000 + Math.round((k * clockRate * packetMs) / 1000)) >>> 0,
      arrivalUs: k * packetMs * 1000 + jitter(k, jitterUs),
    }));
  }

  it.each([8000, 12000, 16000, 24000, 32000, 44100, 48000, 90000])('infers %i Hz from 20 ms packets with ±15 ms jitter', (rate) => {
    expect(inferClockRate(samples(rate, 20, 15_000))).toBe(rate);
  });

  it.each([10, 30, 60])('infers 48 kHz from %i ms packets', (packetMs) => {
    expect(inferClockRate(samples(48000, packetMs, 3_000))).toBe(48000);
  });

  it('is not fooled by a sender whose timestamps stop during a 3 s pause', () => {
    // 16 kHz: 5 s of packets, then 3 s of silence after which timestamps carry on where they stopped.
    // First-to-last gives 16000 × 5/8 = 10 000 Hz; the 1 s windows away from the pause give 16 000.
    const talk = samples(16000, 20, 1000);
    const afterPause = samples(16000, 20, 1000).map((sample, k) => ({
      seq: (talk[talk.length - 1].seq + 1 + k) & 0xffff,
      timestamp: (talk[talk.length - 1].timestamp + 320 * (k + 1)) >>> 0,
      arrivalUs: talk[talk.length - 1].arrivalUs + 3_000_000 + sample.arrivalUs,
    }));
    expect(inferClockRate([...talk, ...afterPause])).toBe(16000);
  });

  it('is not fooled by a sender that sends in bursts (30 ms, 1 ms, 29 ms: MagicJack\'s outgoing pattern)', () => {
    const bursty = samples(8000, 20, 0).map((sample, k) => ({ ...sample, arrivalUs: Math.floor(k / 3) * 60_000 + [0, 30_000, 31_000][k % 3] }));
    expect(inferClockRate(bursty)).toBe(8000);
  });

  it('infers the rate of a stream shorter than a second (no 1 s window fits)', () => {
    expect(inferClockRate(samples(24000, 20, 500).slice(0, 20))).toBe(24000);
  });
});
