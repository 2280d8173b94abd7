// Checks assembly/dsp/merge.ts (crossfadeFrom, the merge from concealment
// back into real audio): the faded stretch starts at the concealment, ends at
// the real audio, and steps no more than the two signals themselves do, seams
// included.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../src/wav.js';
import { loadDspModule, type DspModule } from '../helpers/dsp_module.js';

const SAMPLE_RATE = 48_000;

// The engine's merge length (MERGE_FRAMES in assembly/concealer.ts): 2.5 ms.
const FADE_FRAMES = 120;

// The engine's lag range (MIN_PERIOD, MAX_PERIOD in assembly/dsp/voiced_stretch.ts),
// used to find the pitch period a concealment would repeat.
const MIN_LAG = 120;
const MAX_LAG = 720;

// The fade's weights change by 1/(FADE_FRAMES + 1) per sample, so besides
// mixing the two signals' own steps each step carries (x − from)/(n + 1):
// the slope of fading between two different values. It is why a step can
// exceed both signals' own: where they differ a lot and are quiet, or where
// the real audio is ahead in phase and the fade has to catch it up.
const FADE_SLOPE = 1 / (FADE_FRAMES + 1);

// f32 rounding of the mix, far below any step that matters.
const ROUNDING = 1e-6;

let dsp: DspModule;
let speech: Float32Array;

beforeAll(async () => {
  dsp = await loadDspModule();
  speech = decodeWav(readFileSync(new URL('../../assets/speech-48k.wav', import.meta.url))).samples;
});

function largestStep(signal: ArrayLike<number>): number {
  let largest = 0;
  for (let n = 1; n < signal.length; n++) largest = Math.max(largest, Math.abs(signal[n]! - signal[n - 1]!));
  return largest;
}

/**
 * A merge as the engine plays it. `from` is the concealment: the sample
 * played just before the merge, then FADE_FRAMES of its continuation.
 * `target` is the real audio: FADE_FRAMES samples to fade into, then the
 * sample that follows untouched.
 */
interface Merged {
  /** What plays: from[0], the faded stretch, target[FADE_FRAMES]. */
  played: Float32Array;
  /** The faded stretch alone. */
  faded: Float32Array;
  /** The largest step either signal takes over the same span. */
  ownStep: number;
  /** The largest |target − from| over the faded stretch. */
  largestDifference: number;
}

function merge(from: Float32Array, target: Float32Array): Merged {
  expect(from.length).toBe(FADE_FRAMES + 1);
  expect(target.length).toBe(FADE_FRAMES + 1);
  const fromAddress = dsp.scratch;
  const targetAddress = dsp.scratch + FADE_FRAMES * 4;
  dsp.f32.set(from.subarray(1), fromAddress / 4);
  dsp.f32.set(target.subarray(0, FADE_FRAMES), targetAddress / 4);
  dsp.exports.crossfadeFrom(targetAddress, fromAddress, FADE_FRAMES);
  const faded = dsp.f32.slice(targetAddress / 4, targetAddress / 4 + FADE_FRAMES);
  const played = Float32Array.of(from[0]!, ...faded, target[FADE_FRAMES]!);
  let largestDifference = 0;
  for (let n = 0; n < FADE_FRAMES; n++) largestDifference = Math.max(largestDifference, Math.abs(target[n]! - from[n + 1]!));
  return { played, faded, ownStep: Math.max(largestStep(from), largestStep(target)), largestDifference };
}

/** FADE_FRAMES + 1 samples of a 200 Hz tone from sample `first`, at `gain` × 0.5 and `phase` radians. */
function tone(first: number, gain = 1, phase = 0): Float32Array {
  return Float32Array.from(
    { length: FADE_FRAMES + 1 },
    (_, k) => 0.5 * gain * Math.sin((2 * Math.PI * 200 * (first + k)) / SAMPLE_RATE + phase),
  );
}

describe('crossfadeFrom', () => {
  // The real audio: a 200 Hz tone starting at sample 0 of the merge.
  const target = tone(0);

  // Concealments a merge meets: the same waveform faded (−6 dB is 40 ms
  // into a gap), ahead in phase (a repeated cycle drifts), or both.
  describe.each([
    { name: 'faded by 6 dB', from: tone(-1, 0.5) },
    { name: 'leading by 0.3 rad', from: tone(-1, 1, 0.3) },
    { name: 'faded by 12 dB and leading by 0.5 rad', from: tone(-1, 0.25, 0.5) },
    { name: 'in opposite phase', from: tone(-1, 1, Math.PI) },
  ])('from the tone $name', ({ from }) => {
    it('starts near the concealment and ends near the real audio', () => {
      const { faded } = merge(from, target);
      // The first sample weighs the real audio 1/(n + 1), the last the concealment 1/(n + 1).
      expect(Math.abs(faded[0]! - from[1]!)).toBeLessThanOrEqual(Math.abs(target[0]! - from[1]!) * FADE_SLOPE + ROUNDING);
      const last = FADE_FRAMES - 1;
      expect(Math.abs(faded[last]! - target[last]!)).toBeLessThanOrEqual(Math.abs(target[last]! - from[last + 1]!) * FADE_SLOPE + ROUNDING);
    });

    it('makes no step larger than the larger of the two signals’ own steps', () => {
      const { played, ownStep } = merge(from, target);
      expect(largestStep(played)).toBeLessThanOrEqual(ownStep + ROUNDING);
    });
  });

  it('catches up a concealment lagging by 0.3 rad no faster than closing that phase over the fade requires', () => {
    const lag = 0.3;
    const { played, ownStep } = merge(tone(-1, 1, -lag), target);
    // Closing a phase lag φ over n samples runs the tone φ/n rad per sample
    // faster than its own ω = 2π · 200/48 000, so its steps grow by
    // φ/(n · ω) = 9.5 %: no fade of this length can do with less. Measured 9.3 %.
    const omega = (2 * Math.PI * 200) / SAMPLE_RATE;
    expect(largestStep(played)).toBeLessThanOrEqual(ownStep * (1 + lag / (FADE_FRAMES * omega)));
  });

  it('moves the weight from the concealment to the real audio in equal steps of 1/(n + 1)', () => {
    const from = new Float32Array(FADE_FRAMES + 1).fill(1);
    const silence = new Float32Array(FADE_FRAMES + 1);
    const { faded } = merge(from, silence);
    // Fading a constant 1 into silence leaves only the concealment's weight: n/(n+1), …, 1/(n+1).
    for (let n = 0; n < FADE_FRAMES; n++) expect(faded[n]).toBeCloseTo((FADE_FRAMES - n) * FADE_SLOPE, 6);
  });

  it('fades in from a concealment that fell silent with no step above the tone’s own plus the fade’s slope', () => {
    const { played, ownStep, largestDifference } = merge(new Float32Array(FADE_FRAMES + 1), target);
    expect(largestStep(played)).toBeLessThanOrEqual(ownStep + largestDifference * FADE_SLOPE + ROUNDING);
  });

  // On speech the plain bound (the larger own step) does not always hold,
  // for the reasons above: measured worst 1.37 × at −45 dBFS, where both
  // signals step by 4 LSBs of 16-bit audio and the fade's slope, 0.011/121,
  // is of the same size; 1.06 × where the real audio is above −40 dBFS, and
  // 1.02 × above −25 dBFS. The fade's slope bounds the whole excess.
  it('merges a repeated pitch period into the speech with no step above their own plus the fade’s slope (every 10 ms)', () => {
    const searchStart = dsp.scratch + 4 * FADE_FRAMES * 4;
    const searchScratch = searchStart + 2 * MAX_LAG * 4;
    let merges = 0;
    for (let at = 2 * MAX_LAG + 1; at + FADE_FRAMES + 1 <= speech.length; at += 480) {
      // The period a concealment starting at `at` would repeat, found as the engine finds it.
      dsp.f32.set(speech.subarray(at - 2 * MAX_LAG, at), searchStart / 4);
      dsp.exports.searchPeriod(searchStart + 2 * MAX_LAG * 4, 2, MIN_LAG, MAX_LAG, searchScratch);
      const period = dsp.exports.searchFoundLag();
      // Its output: the speech one period earlier, continuing what played before `at`.
      const from = speech.slice(at - 1 - period, at - period + FADE_FRAMES);
      const target = speech.slice(at, at + FADE_FRAMES + 1);
      const { played, ownStep, largestDifference } = merge(from, target);
      expect(largestStep(played)).toBeLessThanOrEqual(ownStep + largestDifference * FADE_SLOPE + ROUNDING);
      merges++;
    }
    // 19.8 s at 10 ms steps.
    expect(merges).toBeGreaterThan(1900);
  });
});
