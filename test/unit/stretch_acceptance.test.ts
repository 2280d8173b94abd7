// Checks assembly/dsp/stretch_acceptance.ts: which stretch chooseStretch
// allows at the play point, for accelerate (shorten) and preemptive expand
// alike: quiet audio takes what the buffer asks at once, a steady tone one
// period that passes the 0.9 gate, noise nothing, and nothing voiced beyond
// the stretch budget.

import { beforeAll, describe, expect, it } from 'vitest';
import { loadDspModule, type DspModule } from '../helpers/dsp_module.js';

const SAMPLE_RATE = 48_000;
// Where the play point sits in the test signal: 3000 samples of history behind
// it (more than the engine's 2048), 5000 ahead.
const ANCHOR = 3_000;
const LENGTH = 8_000;
const AHEAD = LENGTH - ANCHOR;
const BEHIND = 2_048;
// A 200 Hz tone has a period of exactly 240 samples at 48 kHz.
const PERIOD_200_HZ = 240;
// The full stretch allowance (STRETCH_BUDGET_CAP, assembly/stretcher.ts: two 720-sample periods).
const FULL_BUDGET = 1_440;
// The quiet stretches' fade (QUIET_FADE) and the quiet scan's block, 2.5 ms each.
const QUIET_FADE = 120;
// Most a pause may lose at once (MAX_QUIET_STRETCH, 100 ms) and gain (MAX_QUIET_INSERT, 40 ms).
const MAX_QUIET_INSERT = 1_920;
// searchPeriod's decimated copy: (2 · 720)/4 + 4 floats.
const SEARCH_SCRATCH_BYTES = ((2 * 720) / 4 + 4) * 4;

let dsp: DspModule;

beforeAll(async () => {
  dsp = await loadDspModule();
});

/** Writes `signal` at the start of the scratch area; returns the play point's address. */
function place(signal: Float32Array): number {
  dsp.f32.set(signal, dsp.scratch / 4);
  return dsp.scratch + ANCHOR * 4;
}

function choose(signal: Float32Array, shorten: boolean, wanted: number, budget = FULL_BUDGET, quietRms = dsp.exports.LOW_ENERGY_RMS.value as number): { kind: string; frames: number } {
  const anchor = place(signal);
  const kind = dsp.exports.chooseStretchAt(anchor, shorten, AHEAD, BEHIND, wanted, budget, quietRms, dsp.scratch + dsp.scratchBytes - SEARCH_SCRATCH_BYTES);
  const names = ['NONE', 'QUIET', 'VOICED'] as const;
  const name = names.find((n) => dsp.exports[`STRETCH_${n}`].value === kind);
  return { kind: name ?? `unknown ${kind}`, frames: dsp.exports.stretchChoiceFrames() };
}

function tone(hz: number): Float32Array {
  return Float32Array.from({ length: LENGTH }, (_, n) => 0.5 * Math.sin((2 * Math.PI * hz * n) / SAMPLE_RATE));
}

/** White noise at ±`peak` (default 0.3: far above −50 dBFS) from a fixed-seed LCG (Numerical Recipes' constants): no period. */
function noise(peak = 0.3): Float32Array {
  let state = 12_345;
  return Float32Array.from({ length: LENGTH }, () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2 * peak;
  });
}

/** Linear RMS of `db` dBFS. */
const rmsOfDb = (db: number) => 10 ** (db / 20);

describe('chooseStretch', () => {
  it('removes what the buffer asks from silence at once', () => {
    expect(choose(new Float32Array(LENGTH), true, 1_000)).toEqual({ kind: 'QUIET', frames: 1_000 });
  });

  it('removes no more from silence than lies ahead less the fade', () => {
    // 5000 ahead: the scan reaches min(5000, 4800 + 120) = 4920, 41 whole blocks (4920), less the 120 fade.
    expect(choose(new Float32Array(LENGTH), true, 10_000)).toEqual({ kind: 'QUIET', frames: 4_920 - QUIET_FADE });
  });

  it('inserts what the buffer asks into silence, up to the 40 ms a pause may gain', () => {
    expect(choose(new Float32Array(LENGTH), false, 600)).toEqual({ kind: 'QUIET', frames: 600 });
    expect(choose(new Float32Array(LENGTH), false, 10_000)).toEqual({ kind: 'QUIET', frames: MAX_QUIET_INSERT });
  });

  it('removes one 240-sample period from a 200 Hz tone', () => {
    expect(choose(tone(200), true, PERIOD_200_HZ)).toEqual({ kind: 'VOICED', frames: PERIOD_200_HZ });
  });

  it('inserts one 240-sample period into a 200 Hz tone', () => {
    expect(choose(tone(200), false, PERIOD_200_HZ)).toEqual({ kind: 'VOICED', frames: PERIOD_200_HZ });
  });

  it('takes a whole multiple of the period, within the budget, when the buffer asks more', () => {
    const { kind, frames } = choose(tone(200), true, 1_000);
    expect(kind).toBe('VOICED');
    expect(frames % PERIOD_200_HZ).toBe(0);
    expect(frames).toBeLessThanOrEqual(1_000);
  });

  it('stretches nothing voiced when the budget is below the shortest period (120)', () => {
    expect(choose(tone(200), true, PERIOD_200_HZ, 119).kind).toBe('NONE');
  });

  it('stretches nothing in loud noise: no quiet run, no period passes the 0.9 gate', () => {
    expect(choose(noise(), true, 1_000).kind).toBe('NONE');
    expect(choose(noise(), false, 1_000).kind).toBe('NONE');
  });

  it('takes background noise as quiet when the caller\u2019s level is above it, and not at −50 dBFS', () => {
    // Uniform noise at ±p has an RMS of p/√3: −45 dBFS, a room or a car behind a mic without noise suppression.
    const background = noise(rmsOfDb(-45) * Math.sqrt(3));
    expect(choose(background, true, 1_000).kind).toBe('NONE');
    expect(choose(background, false, 1_000).kind).toBe('NONE');
    expect(choose(background, true, 1_000, FULL_BUDGET, rmsOfDb(-40))).toEqual({ kind: 'QUIET', frames: 1_000 });
    expect(choose(background, false, 600, FULL_BUDGET, rmsOfDb(-40))).toEqual({ kind: 'QUIET', frames: 600 });
  });
});
