// Codecs through the whole engine: G.711 μ-law and A-law streams at 8 kHz come
// out at 48 kHz with the right level and frequency and without images; stereo
// float PCM keeps its channels apart; a host codec that throws is contained.
// The G.711 encoders here are references written from ITU-T G.711's segment
// and step definitions, checked against the engine's own expansion tables.

import { describe, expect, it } from 'vitest';
import type { HostCodec } from '../../src/engine/index.js';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import { loadDspModule } from '../helpers/dsp_module.js';
import {
  PACKET_FRAMES, SAMPLE_RATE, driveStream, f32le, framesOfMs, pcm16Source, planStream, playedSequence, speech, tone,
} from '../helpers/engine_stream.js';

const engineModule = loadEngineModule('release');

/** A float sample as the 16-bit linear PCM G.711 is defined over (rounded, clipped). */
function toInt16(x: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(x * 32768)));
}

/**
 * G.711 μ-law: the 14-bit magnitude plus a bias of 33 falls in one of eight
 * segments [32·2^s, 64·2^s), each cut into 16 steps 2^(s+1) wide. The code is
 * sign (1 = positive), segment and step, with the seven magnitude bits
 * inverted for transmission.
 */
function encodeUlaw(sample: number): number {
  const linear = toInt16(sample);
  const magnitude = Math.min(Math.abs(linear) >> 2, 8158); // 8158 + 33 = 8191: the top of segment 7
  const biased = magnitude + 33;
  const segment = Math.floor(Math.log2(biased)) - 5;
  const step = (biased >> (segment + 1)) & 0x0f;
  const sign = linear >= 0 ? 0x80 : 0x00;
  return sign | (((segment << 4) | step) ^ 0x7f);
}

/**
 * G.711 A-law: the 12-bit magnitude falls in segment 0 ([0, 32), steps of 2)
 * or a segment s of [16·2^s, 32·2^s), 16 steps 2^s wide. The code is sign
 * (1 = positive), segment and step, with the even bits inverted for transmission.
 */
function encodeAlaw(sample: number): number {
  const linear = toInt16(sample);
  const magnitude = Math.abs(linear) >> 3;
  const segment = magnitude < 32 ? 0 : Math.floor(Math.log2(magnitude)) - 4;
  const step = segment === 0 ? magnitude >> 1 : (magnitude >> segment) & 0x0f;
  const sign = linear >= 0 ? 0x80 : 0x00;
  return (sign | (segment << 4) | step) ^ 0x55;
}

describe('the reference G.711 encoders', () => {
  it('invert the engine expansion for every code (μ-law: but the negative zero 0x7F, which encodes as 0xFF)', async () => {
    const dsp = await loadDspModule();
    for (let code = 0; code < 256; code++) {
      const ulaw = dsp.exports.ulawToLinear(code) / 32768;
      expect(encodeUlaw(ulaw)).toBe(code === 0x7f ? 0xff : code);
      const alaw = dsp.exports.alawToLinear(code) / 32768;
      expect(encodeAlaw(alaw)).toBe(code);
    }
  });
});

/**
 * Amplitude of the `hz` component of `signal` (48 kHz) by the Goertzel
 * recurrence s[n] = x[n] + 2cos(ω)·s[n−1] − s[n−2]; with a whole number of
 * cycles in the window it is exact for a sine and blind to other such sines.
 */
function goertzelAmplitude(signal: Float32Array, hz: number): number {
  const omega = (2 * Math.PI * hz) / SAMPLE_RATE;
  const feedback = 2 * Math.cos(omega);
  let s1 = 0;
  let s2 = 0;
  for (const x of signal) {
    const s0 = x + feedback * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - feedback * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / signal.length;
}

/** Frequency from upward zero crossings over the signal's length. */
function zeroCrossingHz(signal: Float32Array): number {
  let crossings = 0;
  for (let i = 1; i < signal.length; i++) if (signal[i - 1]! < 0 && signal[i]! >= 0) crossings++;
  return (crossings * SAMPLE_RATE) / signal.length;
}

const dB = (ratio: number) => 20 * Math.log10(ratio);

describe('G.711 at 8 kHz', () => {
  // 1 kHz at half scale (−6 dBFS): a high level, so the codec's step noise stays far below it.
  const TONE_HZ = 1000;
  const AMPLITUDE = 0.5;
  // Images of 1 kHz around multiples of the 8 kHz input rate, up to the 24 kHz output Nyquist.
  const IMAGES_HZ = [7000, 9000, 15000, 17000, 23000];
  // 8 kHz RTP clock: 160 ticks per 20 ms packet, one tick per six output frames.
  const TICKS_PER_FRAME = 8000 / SAMPLE_RATE;

  const laws = [
    { codec: 'PCMU' as const, encode: encodeUlaw },
    { codec: 'PCMA' as const, encode: encodeAlaw },
  ];

  it.each(laws)('$codec plays a 1 kHz tone at 48 kHz at its level and frequency, images suppressed', ({ codec, encode }) => {
    const samplesPerPacket = PACKET_FRAMES * TICKS_PER_FRAME;
    const packets = planStream({
      count: 150,
      ticksPerFrame: TICKS_PER_FRAME,
      payload: (_, sendFrame) => {
        const first = sendFrame * TICKS_PER_FRAME;
        return Uint8Array.from({ length: samplesPerPacket }, (_, i) =>
          encode(AMPLITUDE * Math.sin((2 * Math.PI * TONE_HZ * (first + i)) / 8000)),
        );
      },
      arrival: (_, sendFrame) => sendFrame + framesOfMs(20),
    });
    const engine = engineModule.createEngine({ codec, profile: 'classic' });
    const run = driveStream(engine, packets);
    const s = engine.stats();
    engine.destroy();

    expect(s.packetsPlayed).toBe(150);
    expect(s.concealedSamples).toBe(0);
    // One second from 0.5 s on: long after the start, long before the end of the 3 s stream.
    const steady = run.output[0]!.subarray(framesOfMs(500), framesOfMs(1500));
    // 100 ms windows hold 100 cycles of 1 kHz and whole cycles of every image.
    const window = steady.subarray(0, framesOfMs(100));
    const level = goertzelAmplitude(window, TONE_HZ);
    // Within 0.5 dB of the tone sent. Measured: +0.03 dB (μ-law), +0.11 dB (A-law).
    expect(Math.abs(dB(level / AMPLITUDE))).toBeLessThanOrEqual(0.5);
    // 2000 upward crossings in the second, give or take one at either end.
    expect(Math.abs(zeroCrossingHz(steady) - TONE_HZ)).toBeLessThanOrEqual(1);
    // The 60 dB image rejection the upsampler is built for. Measured: −115 dB or lower at every image.
    for (const image of IMAGES_HZ) {
      expect(dB(goertzelAmplitude(window, image) / level)).toBeLessThan(-60);
    }
  });
});

describe('stereo F32LE', () => {
  it('plays each channel independently, sample for sample', () => {
    // Left: 1 kHz at 0.5; right: 3 kHz at 0.25. Interleaved L, R, L, R...
    const count = 100;
    const left = tone(count * PACKET_FRAMES, 1000, 0.5);
    const right = tone(count * PACKET_FRAMES, 3000, 0.25);
    const packets = planStream({
      count,
      payload: (_, sendFrame) => {
        const frames = new Float32Array(2 * PACKET_FRAMES);
        for (let i = 0; i < PACKET_FRAMES; i++) {
          frames[2 * i] = left[sendFrame + i]!;
          frames[2 * i + 1] = right[sendFrame + i]!;
        }
        return f32le(frames);
      },
      arrival: (_, sendFrame) => sendFrame + framesOfMs(20),
    });
    // 20 ms of stereo float is 7680 bytes: larger slots than the 2048-byte default.
    const engine = engineModule.createEngine({ codec: 'F32LE', channels: 2, profile: 'classic', slotBytes: 8192, eventLog: true });
    const run = driveStream(engine, packets);
    const s = engine.stats();
    engine.destroy();

    expect(s.packetsPlayed).toBe(count);
    const start = run.events.find((e) => e.kind === 'played')!.frame;
    const span = count * PACKET_FRAMES;
    expect(run.output).toHaveLength(2);
    expect(run.output[0]!.subarray(start, start + span)).toEqual(left);
    expect(run.output[1]!.subarray(start, start + span)).toEqual(right);
  });
});

describe('a host codec whose decoder throws', () => {
  it('has the failures counted in decoderErrors and concealed, never thrown out of pull', () => {
    // Decodes PCM16LE itself, but throws on its 40th and 41st calls.
    let calls = 0;
    const failing = new Set([40, 41]);
    const codec: HostCodec = {
      duration: (_heap, _payload, length) => length / 2,
      decode: (heap, payload, length, out) => {
        calls++;
        if (failing.has(calls)) throw new Error('corrupt frame');
        const frames = length / 2;
        for (let i = 0; i < frames; i++) {
          const word = heap.u8[payload + 2 * i] | (heap.u8[payload + 2 * i + 1] << 8);
          heap.f32[out + i] = ((word << 16) >> 16) / 32768;
        }
        return frames;
      },
    };
    const count = 100;
    const packets = planStream({ count, payload: pcm16Source(speech()), arrival: (_, sendFrame) => sendFrame + framesOfMs(20) });
    const engine = engineModule.createEngine({ codec: 'host', hostCodec: codec, profile: 'classic', eventLog: true });
    const run = driveStream(engine, packets);
    const s = engine.stats();
    engine.destroy();

    expect(s.decoderErrors).toBe(2);
    // The two packets' 40 ms were concealed, as one event (they are consecutive).
    expect(s.concealedSamples).toBeGreaterThanOrEqual(2 * PACKET_FRAMES);
    expect(s.concealmentEvents).toBe(1);
    // Calls 40 and 41 decoded packets 39 and 40 (unwrapped 65536 + 39, + 40); all others played.
    const played = playedSequence(run.events);
    expect(played).toHaveLength(count - 2);
    expect(played).not.toContain(65_536 + 39);
    expect(played).not.toContain(65_536 + 40);
    expect(played).toContain(65_536 + 41);
  });
});
