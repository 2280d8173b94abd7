// The worklet's 48 kHz → context-rate converter (src/worklet/output_resampler.ts).

import { describe, expect, it } from 'vitest';
import { OutputResampler } from '../../src/worklet/output_resampler.js';

/** Power of frequency f in x at rate fs, by Goertzel, as an amplitude. */
function amplitudeAt(x: Float32Array, f: number, fs: number): number {
  const w = (2 * Math.PI * f) / fs;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s0 = v + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / x.length;
}

/** A 48 kHz sine source pulled like the engine. */
function toneSource(frequency: number, amplitude: number) {
  let n = 0;
  const buffer = new Float32Array(8192);
  return (frames: number) => {
    for (let i = 0; i < frames; i++, n++) buffer[i] = amplitude * Math.sin((2 * Math.PI * frequency * n) / 48000);
    return [buffer];
  };
}

function render(resampler: OutputResampler, pull: (n: number) => Float32Array[], total: number, block: number): Float32Array {
  const out = new Float32Array(total);
  const chunk = [new Float32Array(block)];
  for (let done = 0; done < total; done += block) {
    resampler.render(chunk, block, pull);
    out.set(chunk[0].subarray(0, Math.min(block, total - done)), done);
  }
  return out;
}

describe('OutputResampler', () => {
  it('keeps a 1 kHz tone at its level and frequency from 48 kHz to 44.1 kHz', () => {
    const y = render(new OutputResampler(48000, 44100, 1), toneSource(1000, 0.5), 44100, 128);
    // Skip the first 10 ms (kernel start-up), then measure over a whole number of periods (441 samples each 10 ms).
    const steady = y.subarray(441, 441 + 44100 - 882);
    expect(20 * Math.log10(amplitudeAt(steady, 1000, 44100) / 0.5)).toBeCloseTo(0, 1);
    // The same tone measured at the wrong frequency is ~silent.
    expect(amplitudeAt(steady, 1100, 44100)).toBeLessThan(0.005);
  });

  it('suppresses content above the 44.1 kHz Nyquist that would alias', () => {
    // 23 kHz at 48 kHz would fold to 21.1 kHz at 44.1 kHz.
    const y = render(new OutputResampler(48000, 44100, 1), toneSource(23000, 0.5), 44100, 128);
    expect(amplitudeAt(y.subarray(441), 21100, 44100)).toBeLessThan(0.5 * 10 ** (-60 / 20));
  });

  it('gives the same samples whatever the block size', () => {
    const a = render(new OutputResampler(48000, 44100, 1), toneSource(440, 0.3), 8192, 128);
    const b = render(new OutputResampler(48000, 44100, 1), toneSource(440, 0.3), 8192, 2048);
    expect(b).toEqual(a);
  });

  it('pulls 48 000 engine frames per 44 100 output frames', () => {
    let pulled = 0;
    const source = toneSource(440, 0.3);
    const resampler = new OutputResampler(48000, 44100, 1);
    const blocks = 1378; // about four seconds at 44.1 kHz
    render(resampler, (n) => ((pulled += n), source(n)), blocks * 128, 128);
    // Output frame k reads input up to k·48000/44100 + 32 (half the kernel), and the
    // first 32 frames of history are zeros the resampler supplies itself.
    const lastFrame = blocks * 128 - 1;
    expect(pulled).toBe(Math.floor((lastFrame * 48000) / 44100) + 32 + 1);
  });
});
