// Checks assembly/dsp/upsample.ts: level, image rejection, seamless history
// across packets, DC gain, pass-through, delay and reset, measured on the
// module's output with a Goertzel detector written here.

import { beforeEach, describe, expect, it } from 'vitest';
import { loadDspModule, type DspModule } from '../helpers/dsp_module.js';

// Output rate of every upsampler: the engine rate.
const OUTPUT_RATE = 48_000;

// G.711 packet size at 8 kHz (20 ms), the chunking real streams use.
const PACKET_SAMPLES = 160;

// Image rejection the brief requires; the design aims at about 75 dB.
const MIN_IMAGE_REJECTION_DB = 60;

// Level tolerance for a passband tone.
const MAX_LEVEL_ERROR_DB = 0.1;

// Tone amplitude: well inside full scale, far above f32 rounding noise.
const TONE_AMPLITUDE = 0.5;

// 100 ms at 48 kHz: a whole number of cycles of every frequency that is a
// multiple of 10 Hz, so a rectangular-window Goertzel sees no leakage
// between the tone and its images.
const ANALYSIS_FRAMES = 4_800;

let dsp: DspModule;

beforeEach(async () => {
  // A fresh instance per test keeps handle tables and scratch independent.
  dsp = await loadDspModule();
});

/** Amplitude of the `hz` component of `signal` (sampled at `rate`), by the Goertzel recurrence. */
function goertzelAmplitude(signal: ArrayLike<number>, hz: number, rate: number): number {
  const omega = (2 * Math.PI * hz) / rate;
  const coefficient = 2 * Math.cos(omega);
  let previous = 0;
  let beforePrevious = 0;
  for (let n = 0; n < signal.length; n++) {
    const current = signal[n]! + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const real = previous - beforePrevious * Math.cos(omega);
  const imaginary = beforePrevious * Math.sin(omega);
  return (2 * Math.hypot(real, imaginary)) / signal.length;
}

function decibels(ratio: number): number {
  return 20 * Math.log10(ratio);
}

function sine(hz: number, rate: number, count: number, amplitude: number): Float32Array {
  return Float32Array.from({ length: count }, (_, n) => amplitude * Math.sin((2 * Math.PI * hz * n) / rate));
}

/**
 * Runs `input` through upsampler `handle` in chunks of `chunk` samples
 * (default: all at once) via the scratch area; returns a copy of the output.
 */
function upsample(handle: number, input: Float32Array, chunk = input.length): Float32Array {
  const factor = dsp.exports.upsamplerFactor(handle);
  const src = dsp.scratch;
  const dst = dsp.scratch + input.length * 4;
  expect(input.length * 4 * (1 + factor)).toBeLessThanOrEqual(dsp.scratchBytes);
  dsp.f32.set(input, src / 4);
  let written = 0;
  for (let offset = 0; offset < input.length; offset += chunk) {
    const count = Math.min(chunk, input.length - offset);
    written += dsp.exports.upsamplerProcess(handle, src + offset * 4, count, dst + written * 4);
  }
  expect(written).toBe(input.length * factor);
  return dsp.f32.slice(dst / 4, dst / 4 + written);
}

/** Output after the filter has settled: skips the start-up transient (delay plus a margin). */
function settled(output: Float32Array, handle: number): Float32Array {
  const start = 2 * dsp.exports.upsamplerDelay(handle) + 1;
  return output.subarray(start, start + ANALYSIS_FRAMES);
}

/**
 * Upsamples a 1 kHz tone by `factor` and checks its level and the rejection
 * of each of `imagesHz` (where the images land at 48 kHz, folded if needed).
 */
function checkTone(factor: number, imagesHz: number[]): void {
  const inputRate = OUTPUT_RATE / factor;
  const toneHz = 1_000;
  const handle = dsp.exports.upsamplerCreate(factor);
  const input = sine(toneHz, inputRate, inputRate / 2, TONE_AMPLITUDE);
  const output = settled(upsample(handle, input), handle);
  expect(output.length).toBe(ANALYSIS_FRAMES);

  const tone = goertzelAmplitude(output, toneHz, OUTPUT_RATE);
  expect(Math.abs(decibels(tone / TONE_AMPLITUDE))).toBeLessThan(MAX_LEVEL_ERROR_DB);
  for (const imageHz of imagesHz) {
    const image = goertzelAmplitude(output, imageHz, OUTPUT_RATE);
    expect(decibels(image / tone), `image at ${imageHz} Hz`).toBeLessThan(-MIN_IMAGE_REJECTION_DB);
  }
}

describe('Upsampler tone response', () => {
  it('×6 (8 kHz in): keeps a 1 kHz tone level and rejects its images at 7, 9, 15, 17 kHz', () => {
    checkTone(6, [7_000, 9_000, 15_000, 17_000]);
  });

  it('×3 (16 kHz in): keeps a 1 kHz tone level and rejects its images at 15 and 17 kHz', () => {
    checkTone(3, [15_000, 17_000]);
  });

  it('×2 (24 kHz in): keeps a 1 kHz tone level and rejects its image at 23 kHz', () => {
    // The 25 kHz image folds onto 23 kHz at a 48 kHz output rate.
    checkTone(2, [23_000]);
  });
});

describe('Upsampler filter response', () => {
  // Feeding a unit impulse yields the prototype filter itself (gain =
  // factor), so its spectrum can be measured directly.
  for (const factor of [2, 3, 6]) {
    it(`×${factor}: passband flat to 0.425 × input rate, stopband ≥ 70 dB from 0.575 × input rate`, () => {
      const inputRate = OUTPUT_RATE / factor;
      const handle = dsp.exports.upsamplerCreate(factor);
      const taps = dsp.exports.UPSAMPLER_TAPS_PER_PHASE.value as number;
      const impulse = new Float32Array(taps);
      impulse[0] = 1;
      const response = upsample(handle, impulse);
      const gainDb = (hz: number): number => {
        let real = 0;
        let imaginary = 0;
        for (let n = 0; n < response.length; n++) {
          const angle = (2 * Math.PI * hz * n) / OUTPUT_RATE;
          real += response[n]! * Math.cos(angle);
          imaginary -= response[n]! * Math.sin(angle);
        }
        return decibels(Math.hypot(real, imaginary) / factor);
      };
      const stepHz = 20;
      for (let hz = 0; hz <= 0.425 * inputRate; hz += stepHz) {
        expect(Math.abs(gainDb(hz)), `passband ${hz} Hz`).toBeLessThan(0.01);
      }
      for (let hz = 0.575 * inputRate; hz <= OUTPUT_RATE / 2; hz += stepHz) {
        expect(gainDb(hz), `stopband ${hz} Hz`).toBeLessThan(-70);
      }
    });
  }
});

describe('Upsampler history', () => {
  it('gives the same output for 160-sample packets as for one big chunk', () => {
    const input = sine(440, 8_000, 8_000, TONE_AMPLITUDE).map((x, n) => x + 0.1 * Math.sin(n * 0.37));
    const whole = upsample(dsp.exports.upsamplerCreate(6), input);
    const packets = upsample(dsp.exports.upsamplerCreate(6), input, PACKET_SAMPLES);
    expect(packets).toEqual(whole);
  });

  it('gives the same output for odd-sized chunks too', () => {
    const input = sine(300, 16_000, 3_000, TONE_AMPLITUDE);
    const whole = upsample(dsp.exports.upsamplerCreate(3), input);
    const chunks = upsample(dsp.exports.upsamplerCreate(3), input, 7);
    expect(chunks).toEqual(whole);
  });

  it('reset() forgets earlier input: output matches a fresh upsampler', () => {
    const noise = Float32Array.from({ length: 400 }, (_, n) => Math.sin(n * n * 0.01));
    const impulse = new Float32Array(64);
    impulse[0] = 1;
    const used = dsp.exports.upsamplerCreate(6);
    upsample(used, noise);
    dsp.exports.upsamplerReset(used);
    const afterReset = upsample(used, impulse);
    const fresh = upsample(dsp.exports.upsamplerCreate(6), impulse);
    expect(afterReset).toEqual(fresh);
  });

  it('rings out to exact zeros, never denormals, after the input stops', () => {
    const handle = dsp.exports.upsamplerCreate(6);
    const decaying = Float32Array.from({ length: 2_000 }, (_, n) => Math.exp(-n * 0.1));
    const output = upsample(handle, decaying);
    const tail = output.subarray(output.length - 100);
    for (const value of tail) {
      expect(value === 0 || Math.abs(value) > 1e-30).toBe(true);
    }
  });
});

describe('Upsampler gain and delay', () => {
  for (const factor of [2, 3, 6]) {
    it(`×${factor}: DC gain is 1`, () => {
      const handle = dsp.exports.upsamplerCreate(factor);
      const output = settled(upsample(handle, new Float32Array(2_000).fill(0.25)), handle);
      for (const value of output) expect(value).toBeCloseTo(0.25, 6);
    });

    it(`×${factor}: delayFrames() is where an impulse's peak comes out`, () => {
      const handle = dsp.exports.upsamplerCreate(factor);
      const impulse = new Float32Array(64);
      impulse[0] = 1;
      const response = upsample(handle, impulse);
      const peak = response.indexOf(Math.max(...response));
      expect(dsp.exports.upsamplerDelay(handle)).toBe(peak);
      // The interpolator passes the original samples through unchanged.
      expect(response[peak]).toBe(1);
    });
  }

  it('×1 is an identity copy with no delay', () => {
    const handle = dsp.exports.upsamplerCreate(1);
    const input = Float32Array.from({ length: 1_000 }, (_, n) => Math.fround(Math.sin(n * 0.3) * 0.7));
    expect(upsample(handle, input, PACKET_SAMPLES)).toEqual(input);
    expect(dsp.exports.upsamplerDelay(handle)).toBe(0);
  });

  it('rejects unsupported factors with handle −1', () => {
    for (const factor of [0, 4, 5, 7, -1]) {
      expect(dsp.exports.upsamplerCreate(factor)).toBe(-1);
    }
  });
});
