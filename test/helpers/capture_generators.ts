// Generated captures of the real-input cases of issue #14, each a pcap built
// packet by packet with the wire-format builders of test/unit/trace_builders.ts
// and a fixed seed (src/seeded_random.ts), so every test reads the same bytes
// on every run and can say exactly what is in the file:
//
// - relayedCall: a capture taken at a media relay, every SSRC on two legs;
// - srtpLikeCall / srtpLikeOpusCall: PCMA (182-byte payloads where 160 are due)
//   and Opus-typed streams whose payloads are random bytes, as encryption makes them;
// - opusCall: real Opus payloads (libopus) of a tone;
// - l16Call / l16MultiCall: L16 of a tone at 44.1 kHz (PT 11), and three calls
//   of dynamic-type L16 at 8, 16 and 48 kHz;
// - pcmaCallWithDtmfAndCn: a PCMA call with an RFC 4733 DTMF event and RFC 3389
//   comfort noise in a pause, on the audio SSRC;
// - sameSsrcRestart: sequence number and timestamp jump back to 0 with the
//   marker bit, twice, on one SSRC (as rtpproxy's sess6 capture does).
//
// Signals are tones so a test can tell a stream's own audio from the shipped
// replacement speech by its spectrum.

import { sharedLibOpus } from '../../src/engine/node_loader.js';
import { seededRandom } from '../../src/seeded_random.js';
import { ethernetFrame, ipv4Bytes, pcapFile, rtpBytes, udpBytes } from '../unit/trace_builders.js';

/** One RTP packet as captured: when, on which flow, and its bytes. */
export interface CapturedRtp {
  timeUs: number;
  rtp: Uint8Array;
  source: string;
  sourcePort: number;
  destination: string;
  destinationPort: number;
}

/** A UDP flow: addresses and ports. */
export interface Flow {
  source: string;
  sourcePort: number;
  destination: string;
  destinationPort: number;
}

/** Capture epoch: 2024-01-01T00:00:00Z. */
const EPOCH_US = 1_704_067_200_000_000;

/** A pcap (Ethernet, µs) of the packets, in capture-time order. */
export function pcapOf(packets: readonly CapturedRtp[]): Uint8Array {
  const ordered = [...packets].sort((a, b) => a.timeUs - b.timeUs);
  return pcapFile({
    linkType: 1,
    records: ordered.map((p) => {
      const at = EPOCH_US + Math.round(p.timeUs);
      const ip = ipv4Bytes({ source: p.source, destination: p.destination, payload: udpBytes(p.sourcePort, p.destinationPort, p.rtp) });
      return { seconds: Math.floor(at / 1e6), fraction: at % 1e6, data: ethernetFrame(0x0800, ip) };
    }),
  });
}

/** `count` samples of a sine at `frequency` Hz and `rate` Hz, from sample `start`, as int16. */
export function toneInt16(frequency: number, rate: number, start: number, count: number, amplitude = 0.3): Int16Array {
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * (start + i)) / rate));
  return out;
}

/** G.711 μ-law of a 16-bit sample (the classic Sun g711.c encoder: bias 0x84, clip 32635). */
export function ulawOf(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(32635, Math.abs(sample)) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** G.711 A-law of a 16-bit sample (the classic Sun g711.c encoder, on 13 bits). */
export function alawOf(sample: number): number {
  let value = sample >> 3;
  let mask = 0xd5;
  if (value < 0) {
    mask = 0x55;
    value = -value - 1;
  }
  const ends = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
  const segment = ends.findIndex((end) => value <= end);
  if (segment < 0) return 0x7f ^ mask;
  const mantissa = segment < 2 ? (value >> 1) & 0x0f : (value >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

/** Network timing: arrival = send + a base delay + seeded uniform jitter. */
function network(seed: number, baseMs: number, jitterMs: number): (sendUs: number) => number {
  const random = seededRandom(seed);
  return (sendUs) => sendUs + (baseMs + random() * jitterMs) * 1000;
}

/** Options shared by the voice-call generators. */
export interface CallOptions {
  seed?: number;
  ssrc?: number;
  flow?: Flow;
  packets?: number;
  /** Arrival jitter, uniform 0..jitterMs (default 2). */
  jitterMs?: number;
}

/** The receiving side of a call over the Internet (a public sender, a private receiver). */
export const CALL_FLOW: Flow = { source: '198.51.100.7', sourcePort: 40000, destination: '192.168.1.20', destinationPort: 50000 };

/** A G.711 call of a tone: 20 ms packets of 160 samples. */
export function g711Call(codec: 'PCMU' | 'PCMA', options: CallOptions & { frequency?: number } = {}): CapturedRtp[] {
  const flow = options.flow ?? CALL_FLOW;
  const arrive = network(options.seed ?? 14, 30, options.jitterMs ?? 2);
  const encode = codec === 'PCMU' ? ulawOf : alawOf;
  return Array.from({ length: options.packets ?? 250 }, (_, k) => {
    const pcm = toneInt16(options.frequency ?? 440, 8000, k * 160, 160);
    return {
      timeUs: arrive(k * 20_000),
      rtp: rtpBytes({ payloadType: codec === 'PCMU' ? 0 : 8, seq: (1000 + k) & 0xffff, timestamp: 160_000 + k * 160, ssrc: options.ssrc ?? 0x11111111, marker: k === 0, payload: Uint8Array.from(pcm, encode) }),
      ...flow,
    };
  });
}

/**
 * A call captured at a media relay (issue #14 item 5): every SSRC appears on two
 * legs, caller → relay and relay → callee, 0.2–0.5 ms apart. SSRC 0x0A0A0A0A is
 * a continuous 891-packet stream; 0x0B0B0B0B a bursty 548-packet one whose
 * packets arrive five at a time every 100 ms. Grouped by SSRC alone, every
 * packet looks duplicated and the bursty stream, counted twice, looks longest.
 */
export function relayedCall(seed = 5): CapturedRtp[] {
  const random = seededRandom(seed);
  const legA = (port: number): Flow => ({ source: '198.51.100.7', sourcePort: port, destination: '203.0.113.50', destinationPort: 30000 });
  const legB = (port: number): Flow => ({ source: '203.0.113.50', sourcePort: 30002, destination: '192.168.1.20', destinationPort: port });
  const out: CapturedRtp[] = [];
  const twoLegs = (packet: CapturedRtp, port: number) => {
    out.push({ ...packet, ...legA(port) });
    out.push({ ...packet, ...legB(port), timeUs: packet.timeUs + 200 + random() * 300 });
  };
  for (const p of g711Call('PCMU', { seed, ssrc: 0x0a0a0a0a, packets: 891, frequency: 440 })) twoLegs(p, 40000);
  for (const p of g711Call('PCMU', { seed: seed + 1, ssrc: 0x0b0b0b0b, packets: 548, frequency: 880 })) {
    // Held and released five at a time: arrivals at the next 100 ms boundary.
    twoLegs({ ...p, timeUs: Math.ceil(p.timeUs / 100_000) * 100_000 + 40_000 }, 40002);
  }
  return out;
}

/** A PCMA call whose payloads are random bytes, 182 where 160 are due (issue #14 item 2: SRTP's payload plus its tag). */
export function srtpLikeCall(seed = 2): CapturedRtp[] {
  const random = seededRandom(seed);
  return g711Call('PCMA', { seed, packets: 250 }).map((p) => {
    const header = p.rtp.subarray(0, 12);
    const payload = Uint8Array.from({ length: 182 }, () => Math.floor(random() * 256));
    const rtp = new Uint8Array(12 + payload.length);
    rtp.set(header);
    rtp.set(payload, 12);
    return { ...p, rtp };
  });
}

/** A 48 kHz stream of dynamic PT 111 (Opus's usual) whose payloads are random bytes of 60–120 bytes, as SRTP makes them. */
export function srtpLikeOpusCall(seed = 3): CapturedRtp[] {
  const random = seededRandom(seed);
  const arrive = network(seed, 30, 2);
  return Array.from({ length: 250 }, (_, k) => ({
    timeUs: arrive(k * 20_000),
    rtp: rtpBytes({ payloadType: 111, seq: (5000 + k) & 0xffff, timestamp: 960_000 + k * 960, ssrc: 0x22222222, payload: Uint8Array.from({ length: 60 + Math.floor(random() * 61) }, () => Math.floor(random() * 256)) }),
    ...CALL_FLOW,
  }));
}

/** Real Opus (libopus, 32 kbps) of a `frequency` tone, 20 ms packets of dynamic PT 111 at 48 kHz (issue #14 item 7). */
export function opusCall(options: CallOptions & { frequency?: number } = {}): CapturedRtp[] {
  const arrive = network(options.seed ?? 7, 30, options.jitterMs ?? 2);
  const encoder = sharedLibOpus().createEncoder({ channels: 1, fec: false });
  const packets = Array.from({ length: options.packets ?? 250 }, (_, k) => ({
    timeUs: arrive(k * 20_000),
    rtp: rtpBytes({ payloadType: 111, seq: (7000 + k) & 0xffff, timestamp: 480_000 + k * 960, ssrc: options.ssrc ?? 0x33333333, marker: k === 0, payload: encoder.encode(toneInt16(options.frequency ?? 1000, 48000, k * 960, 960)) }),
    ...(options.flow ?? CALL_FLOW),
  }));
  encoder.destroy();
  return packets;
}

/**
 * L16 (big-endian, mono) of a `frequency` tone in 20 ms packets: payload type 11
 * at 44.1 kHz by default (RFC 3551's static L16), or a dynamic type at another rate.
 */
export function l16Call(options: CallOptions & { frequency?: number; rate?: number; payloadType?: number } = {}): CapturedRtp[] {
  const rate = options.rate ?? 44100;
  const step = rate / 50;
  const arrive = network(options.seed ?? 11, 30, options.jitterMs ?? 2);
  return Array.from({ length: options.packets ?? 250 }, (_, k) => {
    const pcm = toneInt16(options.frequency ?? 1000, rate, k * step, step);
    const payload = new Uint8Array(step * 2);
    const view = new DataView(payload.buffer);
    pcm.forEach((v, i) => view.setInt16(i * 2, v, false));
    return {
      timeUs: arrive(k * 20_000),
      rtp: rtpBytes({ payloadType: options.payloadType ?? 11, seq: (9000 + k) & 0xffff, timestamp: 100_000 + k * step, ssrc: options.ssrc ?? 0x44444444, marker: k === 0, payload }),
      ...(options.flow ?? CALL_FLOW),
    };
  });
}

/** The three calls of the multi-call L16 case: dynamic PT 96/97/98 at 8, 16 and 48 kHz, tones of 300, 700 and 1500 Hz, each on its own flow. */
export const L16_CALLS = [
  { ssrc: 0x08000008, rate: 8000, payloadType: 96, frequency: 300 },
  { ssrc: 0x16000016, rate: 16000, payloadType: 97, frequency: 700 },
  { ssrc: 0x48000048, rate: 48000, payloadType: 98, frequency: 1500 },
] as const;

export function l16MultiCall(): CapturedRtp[] {
  return L16_CALLS.flatMap((call, i) =>
    l16Call({ ...call, seed: 20 + i, flow: { ...CALL_FLOW, sourcePort: 41000 + 2 * i, destinationPort: 51000 + 2 * i } }),
  );
}

/** When the DTMF event and the comfort-noise pause of pcmaCallWithDtmfAndCn fall, in packets of 20 ms. */
export const DTMF_AT_PACKET = 150;
export const DTMF_PACKETS = 10;
export const CN_FROM_PACKET = 300;
export const CN_PACKETS = 100;
/** Payload type the generator gives telephone-events (what most SDP offers use). */
export const TELEPHONE_EVENT_PT = 101;

/**
 * A 10 s PCMA call (a 500 Hz tone) with, on the audio SSRC, one RFC 4733 DTMF
 * event ('5', −10 dBm0, 200 ms: ten packets with the event's start timestamp,
 * the last sent three times with the end bit, audio suppressed meanwhile) and,
 * from 6 s, a 2 s pause sent as RFC 3389 comfort noise (a SID at its start, one
 * every 200 ms after, −60 dBov with four reflection coefficients); audio resumes
 * with the marker bit. Sequence numbers run through every packet, as one sender's do.
 */
export function pcmaCallWithDtmfAndCn(seed = 4): CapturedRtp[] {
  const arrive = network(seed, 30, 2);
  const out: CapturedRtp[] = [];
  let seq = 2000;
  const send = (k: number, payloadType: number, timestamp: number, payload: Uint8Array, marker = false, extraUs = 0) =>
    out.push({ timeUs: arrive(k * 20_000 + extraUs), rtp: rtpBytes({ payloadType, seq: seq++ & 0xffff, timestamp, ssrc: 0x55555555, marker, payload }), ...CALL_FLOW });
  for (let k = 0; k < 500; k++) {
    const timestamp = 80_000 + k * 160;
    if (k >= DTMF_AT_PACKET && k < DTMF_AT_PACKET + DTMF_PACKETS) {
      const start = 80_000 + DTMF_AT_PACKET * 160;
      const duration = (k - DTMF_AT_PACKET + 1) * 160;
      const last = k === DTMF_AT_PACKET + DTMF_PACKETS - 1;
      const event = (end: boolean) => Uint8Array.of(5, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff);
      send(k, TELEPHONE_EVENT_PT, start, event(last), k === DTMF_AT_PACKET);
      if (last) for (let r = 1; r <= 2; r++) send(k, TELEPHONE_EVENT_PT, start, event(true), false, r * 1000);
      continue;
    }
    if (k >= CN_FROM_PACKET && k < CN_FROM_PACKET + CN_PACKETS) {
      if ((k - CN_FROM_PACKET) % 10 === 0) send(k, 13, timestamp, Uint8Array.of(60, 127 + 64, 127 - 32, 127 + 16, 127), k === CN_FROM_PACKET);
      continue;
    }
    const pcm = toneInt16(500, 8000, k * 160, 160);
    send(k, 8, timestamp, Uint8Array.from(pcm, alawOf), k === 0 || k === CN_FROM_PACKET + CN_PACKETS);
  }
  return out;
}

/** Packets after which sameSsrcRestart restarts its stream. */
export const RESTART_AT_PACKETS = [150, 300];

/**
 * A 9 s PCMU call (440 Hz) on one SSRC and flow that restarts twice, after
 * 150 and 300 packets: sequence number and timestamp jump back to 0 with the
 * marker bit, as rtpproxy's sess6 capture does, while packets keep arriving
 * every 20 ms.
 */
export function sameSsrcRestart(seed = 6): CapturedRtp[] {
  const arrive = network(seed, 30, 2);
  const startOf = (k: number) => [...RESTART_AT_PACKETS].reverse().find((at) => k >= at) ?? 0;
  return Array.from({ length: 450 }, (_, k) => {
    const n = k - startOf(k);
    const base = startOf(k) === 0 ? { seq: 30000, ts: 4_000_000 } : { seq: 0, ts: 0 };
    return {
      timeUs: arrive(k * 20_000),
      rtp: rtpBytes({ payloadType: 0, seq: (base.seq + n) & 0xffff, timestamp: base.ts + n * 160, ssrc: 0x66666666, marker: n === 0, payload: Uint8Array.from(toneInt16(440, 8000, k * 160, 160), ulawOf) }),
      ...CALL_FLOW,
    };
  });
}

/** Where callWithTimestampGap's gap falls and how long it is, in 20 ms packets. */
export const GAP_AFTER_PACKET = 200;
export const GAP_PACKETS = 15;

/**
 * A 10 s PCMU call (a 440 Hz tone) whose sender sends nothing for 300 ms after
 * packet 200 without a sequence gap (issue #13): the timestamp jumps, the
 * sequence number does not. With `marker` the packet after the gap carries the
 * marker bit (a talkspurt's first: RFC 3551 §4.1), so the gap was a pause the
 * sender signalled; without it, audio was dropped at the sender. `lossEvery`
 * also loses every n-th packet on the network (a sequence gap).
 */
export function callWithTimestampGap(options: { marker: boolean; lossEvery?: number; seed?: number }): CapturedRtp[] {
  const arrive = network(options.seed ?? 13, 30, 2);
  const out: CapturedRtp[] = [];
  for (let k = 0; k < 500; k++) {
    if (k >= GAP_AFTER_PACKET && k < GAP_AFTER_PACKET + GAP_PACKETS) continue;
    if (options.lossEvery && k % options.lossEvery === options.lossEvery - 1) continue;
    const seq = 3000 + (k < GAP_AFTER_PACKET ? k : k - GAP_PACKETS);
    const marker = k === 0 || (options.marker && k === GAP_AFTER_PACKET + GAP_PACKETS);
    const payload = Uint8Array.from(toneInt16(440, 8000, k * 160, 160), ulawOf);
    out.push({ timeUs: arrive(k * 20_000), rtp: rtpBytes({ payloadType: 0, seq, timestamp: 240_000 + k * 160, ssrc: 0x77777777, marker, payload }), ...CALL_FLOW });
  }
  return out;
}
