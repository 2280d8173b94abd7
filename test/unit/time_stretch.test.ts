// Checks assembly/dsp/time_stretch.ts: accelerate removes, and preemptive
// expand inserts, one lag τ that searchPeriod found, as the engine does it;
// the result has the promised length, keeps a steady tone steady, and has no
// click: no sample-to-sample step, seams included, larger than the largest
// step of the unprocessed input.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../src/wav.js';
import { loadDspModule, type DspModule } from '../helpers/dsp_module.js';

const SAMPLE_RATE = 48_000;

// The engine's lag range (MIN_PERIOD, MAX_PERIOD in assembly/dsp/voiced_stretch.ts):
// 2.5 ms (400 Hz) to 15 ms (67 Hz) at 48 kHz.
const MIN_LAG = 120;
const MAX_LAG = 720;

// searchPeriod's anchor modes (assembly/dsp/correlation.ts): 0 compares the
// two periods after the anchor, as accelerate removes one of them; 1 the
// period before with the period after, as expand inserts between them.
const ANCHOR_ACCELERATE = 0;
const ANCHOR_EXPAND = 1;

// Accelerate's region: the two longest periods the search compares, plus
// 5 ms that the operation has to move up behind the removed lag.
const ACCELERATE_REGION = 2 * MAX_LAG + 240;
// Expand's region: the longest period the search reads after the anchor,
// plus 5 ms that the operation moves back behind the inserted lag.
const EXPAND_REGION = MAX_LAG + 240;

// Unprocessed samples kept on either side of the region, so the steps into
// and out of it (the seams) are measured too.
const SEAM_CONTEXT = 16;

// The linear cross-fade adds its own slope, (b − a)/(τ + 1) per sample,
// where a and b are the two stretches it fades between. Where they match
// (which is why τ was chosen) that is a fraction of a per cent of the
// signal's steps. Measured output/input ratios: exactly 1 on the 200 Hz
// tone; 1.0008 for expand on 440 Hz, where τ = 436 misses four periods by
// 0.36 samples; over the whole speech sample 1.0023 for accelerate (at
// −40 dBFS) and 1.0026 for expand (in −94 dBFS near-silence). 1 % covers
// that and is still far below an audible click, which is a step many times
// the signal's own (splicing out τ without the fade measured up to 13.6 ×).
const ALLOWED_STEP_GROWTH = 1.01;

// The speech sample is swept every 10 ms.
const SPEECH_STRIDE = 480;

// Tone amplitude: well inside full scale, far above f32 rounding.
const TONE_AMPLITUDE = 0.5;

// searchPeriod needs (2 · maxLag)/4 + 4 floats for its decimated copy.
const SEARCH_SCRATCH_BYTES = ((2 * MAX_LAG) / 4 + 4) * 4;

let dsp: DspModule;
let speech: Float32Array;

beforeAll(async () => {
  dsp = await loadDspModule();
  const wav = decodeWav(readFileSync(new URL('../../assets/speech-48k.wav', import.meta.url)));
  expect(wav.sampleRate).toBe(SAMPLE_RATE);
  expect(wav.channels).toBe(1);
  speech = wav.samples;
});

function tone(hz: number, count: number): Float32Array {
  return Float32Array.from({ length: count }, (_, n) => TONE_AMPLITUDE * Math.sin((2 * Math.PI * hz * n) / SAMPLE_RATE));
}

function largestStep(signal: ArrayLike<number>): number {
  let largest = 0;
  for (let n = 1; n < signal.length; n++) largest = Math.max(largest, Math.abs(signal[n]! - signal[n - 1]!));
  return largest;
}

function concat(...parts: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Distance from `lag` to the nearest whole number (≥ 1) of `period`s. */
function distanceToMultiple(lag: number, period: number): number {
  const periods = Math.max(1, Math.round(lag / period));
  return Math.abs(lag - periods * period);
}

/** One operation on one region, as the engine runs it. */
interface Stretched {
  /** The lag searchPeriod found. */
  tau: number;
  /** The region's length the operation returned. */
  length: number;
  /** Every unprocessed sample the output is made of, plus the seam context. */
  input: Float32Array;
  /** What plays: the context before, the processed region, the context after. */
  output: Float32Array;
}

function searchScratch(): number {
  return dsp.scratch + dsp.scratchBytes - SEARCH_SCRATCH_BYTES;
}

/** Accelerates signal[start, start + ACCELERATE_REGION) by the lag searchPeriod finds there. */
function accelerateAt(signal: Float32Array, start: number): Stretched {
  const n = ACCELERATE_REGION;
  const input = signal.subarray(start - SEAM_CONTEXT, start + n + SEAM_CONTEXT);
  const base = dsp.scratch;
  const region = base + SEAM_CONTEXT * 4;
  dsp.f32.set(input, base / 4);
  dsp.exports.searchPeriod(region, ANCHOR_ACCELERATE, MIN_LAG, MAX_LAG, searchScratch());
  const tau = dsp.exports.searchFoundLag();
  const length = dsp.exports.accelerateInPlace(region, n, tau);
  // Past the new end the memory still holds moved-out samples: what follows
  // the region is taken from the signal instead.
  const output = concat(dsp.f32.subarray(base / 4, region / 4 + length), signal.subarray(start + n, start + n + SEAM_CONTEXT));
  return { tau, length, input, output };
}

/** Preemptively expands signal[start, start + EXPAND_REGION) by the lag searchPeriod finds at `start`. */
function expandAt(signal: Float32Array, start: number): Stretched {
  const n = EXPAND_REGION;
  // The search reads up to MAX_LAG samples before the anchor, and the
  // operation τ of them: leave that history in front of the region.
  const region = dsp.scratch + MAX_LAG * 4;
  dsp.f32.set(signal.subarray(start - MAX_LAG, start + n), dsp.scratch / 4);
  dsp.exports.searchPeriod(region, ANCHOR_EXPAND, MIN_LAG, MAX_LAG, searchScratch());
  const tau = dsp.exports.searchFoundLag();
  const length = dsp.exports.expandInPlace(region, n, tau);
  const output = concat(
    signal.subarray(start - SEAM_CONTEXT, start),
    dsp.f32.subarray(region / 4, region / 4 + length),
    signal.subarray(start + n, start + n + SEAM_CONTEXT),
  );
  // The inserted samples fade from x[0, τ) into x[−τ, 0): both count as input.
  const input = signal.subarray(start - tau, start + n + SEAM_CONTEXT);
  return { tau, length, input, output };
}

const operations = [
  { name: 'accelerate', run: accelerateAt, region: ACCELERATE_REGION, sign: -1 },
  { name: 'preemptive expand', run: expandAt, region: EXPAND_REGION, sign: 1 },
] as const;

describe.each(operations)('$name', ({ run, region, sign }) => {
  // 200 Hz has a whole period of 240 samples; 440 Hz's period, 109.09
  // samples, is below MIN_LAG and not whole, so τ must be about 2 or more
  // periods and cannot match exactly.
  describe.each([200, 440])('on a %i Hz tone', (hz) => {
    const period = SAMPLE_RATE / hz;
    const signal = tone(hz, 3 * SAMPLE_RATE / 10);
    // Far enough in for expand's history, with the region well inside the tone.
    const start = MAX_LAG + SEAM_CONTEXT + 100;

    it(`changes the length by τ, a whole number of periods (±1 sample)`, () => {
      const result = run(signal, start);
      expect(result.length).toBe(region + sign * result.tau);
      expect(result.tau).toBeGreaterThanOrEqual(MIN_LAG);
      expect(result.tau).toBeLessThanOrEqual(MAX_LAG);
      expect(distanceToMultiple(result.tau, period)).toBeLessThanOrEqual(1);
    });

    it('makes no step larger than the tone’s own largest step', () => {
      const result = run(signal, start);
      expect(largestStep(result.output)).toBeLessThanOrEqual(largestStep(result.input) * ALLOWED_STEP_GROWTH);
    });
  });

  it('leaves a 200 Hz tone the same tone, as τ is a whole number of its periods', () => {
    const signal = tone(200, 3 * SAMPLE_RATE / 10);
    const start = MAX_LAG + SEAM_CONTEXT + 100;
    const result = run(signal, start);
    const expected = signal.subarray(start - SEAM_CONTEXT, start - SEAM_CONTEXT + result.output.length);
    // Cross-fading two equal f32 values only rounds: a few ulps of 0.5 (6e-8).
    let worst = 0;
    for (let n = 0; n < expected.length; n++) worst = Math.max(worst, Math.abs(result.output[n]! - expected[n]!));
    expect(worst).toBeLessThan(1e-6);
  });

  it('makes no step larger than the speech’s own anywhere in the speech sample (every 10 ms)', () => {
    let worstRatio = 0;
    let positions = 0;
    for (let start = MAX_LAG + SEAM_CONTEXT; start + region + SEAM_CONTEXT <= speech.length; start += SPEECH_STRIDE) {
      const result = run(speech, start);
      expect(result.length).toBe(region + sign * result.tau);
      const inputStep = largestStep(result.input);
      const outputStep = largestStep(result.output);
      expect(outputStep).toBeLessThanOrEqual(inputStep * ALLOWED_STEP_GROWTH);
      if (inputStep > 0) worstRatio = Math.max(worstRatio, outputStep / inputStep);
      positions++;
    }
    // 19.8 s at 10 ms steps: close to 2000 positions were tried.
    expect(positions).toBeGreaterThan(1900);
    expect(worstRatio).toBeLessThanOrEqual(ALLOWED_STEP_GROWTH);
  });
});
