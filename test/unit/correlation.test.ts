// Checks assembly/dsp/correlation.ts: searchPeriod finds the period of a tone
// and of a pulse train in each of its anchor modes, with a correlation near 1
// on a periodic signal and near 0 on noise; normalizedCorrelation and rms on
// signals whose answers follow from their definitions.

import { beforeEach, describe, expect, it } from 'vitest';
import { loadDspModule, type DspModule } from '../helpers/dsp_module.js';

const SAMPLE_RATE = 48_000;

// The engine's lag range (MIN_PERIOD, MAX_PERIOD in assembly/dsp/voiced_stretch.ts).
const MIN_LAG = 120;
const MAX_LAG = 720;

// Anchor modes: segments before the anchor (0 accelerate, 1 expand, 2 concealment).
const ANCHOR_MODES = [0, 1, 2] as const;

// The signal is written from the scratch start; the anchor sits two longest
// lags in, so every mode has the 2 · MAX_LAG samples it reads around it.
const SIGNAL_LENGTH = 4 * MAX_LAG;
const ANCHOR_SAMPLE = 2 * MAX_LAG;

let dsp: DspModule;

beforeEach(async () => {
  dsp = await loadDspModule();
});

/** Writes `signal` at the scratch start; returns its address. */
function place(signal: Float32Array, atSample = 0): number {
  const address = dsp.scratch + atSample * 4;
  dsp.f32.set(signal, address / 4);
  return address;
}

/** searchPeriod over `signal` at ANCHOR_SAMPLE in `mode`; returns the lag and correlation it found. */
function search(signal: Float32Array, mode: number, maxLag = MAX_LAG): { lag: number; correlation: number } {
  const start = place(signal);
  // The decimated copy goes after the signal.
  const scratch = start + SIGNAL_LENGTH * 4;
  dsp.exports.searchPeriod(start + ANCHOR_SAMPLE * 4, mode, MIN_LAG, maxLag, scratch);
  return { lag: dsp.exports.searchFoundLag(), correlation: dsp.exports.searchFoundCorrelation() };
}

function tone(hz: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: SIGNAL_LENGTH }, (_, n) => amplitude * Math.sin((2 * Math.PI * hz * n) / SAMPLE_RATE));
}

/** Unit pulses every `period` samples, the first at `phase`. */
function pulseTrain(period: number, phase: number): Float32Array {
  const signal = new Float32Array(SIGNAL_LENGTH);
  for (let n = phase; n < SIGNAL_LENGTH; n += period) signal[n] = 1;
  return signal;
}

/** Seeded uniform noise in [−0.5, 0.5) (mulberry32), so every run sees the same samples. */
function noise(seed: number, count: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  });
}

describe('searchPeriod', () => {
  // 110 Hz: a period of 436.36 samples, not a whole number, and twice it
  // (872.7) is past MAX_LAG, so the period itself is the only right answer.
  const toneHz = 110;
  const tonePeriod = SAMPLE_RATE / toneHz;

  it.each(ANCHOR_MODES)('finds the period of a 110 Hz tone within 1 sample in mode %i', (mode) => {
    const { lag, correlation } = search(tone(toneHz), mode);
    expect(Math.abs(lag - tonePeriod)).toBeLessThanOrEqual(1);
    // Periods a third of a sample apart: cos(2π · 110 · 0.36 / 48 000) ≈ 0.99999.
    expect(correlation).toBeGreaterThan(0.9999);
  });

  // 401 samples: not a multiple of the 4:1 decimation, so the coarse winner
  // is 400 or 404 and only the full-rate refinement lands on 401; twice it is
  // past MAX_LAG. The phase keeps pulses off the anchor.
  const pulsePeriod = 401;

  it.each(ANCHOR_MODES)('finds the period of a 401-sample pulse train exactly in mode %i', (mode) => {
    const { lag, correlation } = search(pulseTrain(pulsePeriod, 37), mode);
    expect(lag).toBe(pulsePeriod);
    // Each lag-long segment holds one pulse at the same place: correlation exactly 1.
    expect(correlation).toBeCloseTo(1, 6);
  });

  // The engine caps maxLag at what the region and the stretch budget allow,
  // so it is often not a multiple of the decimation; the coarse search then
  // places the anchor up to 3 samples off, which the refinement must absorb.
  //
  // Unit pulses are broadband and alias in the 4:1 averaging, which the
  // search is not designed for (voice at 48 kHz is smooth over 4 samples,
  // as the tone sweep below is). Measured limits, not asserted here: with
  // maxLag 402 or 403 the coarse grid stops at lag 100 (400 samples), which
  // misses pulses that decimate 101 apart, so about a quarter of pulse
  // phases then come back wrong; and at maxLag 720 one phase in 401 puts a
  // pulse on a decimated segment edge, every coarse correlation is 0, and
  // the search returns minLag. The sweep starts at 404, the coarse lag 101.
  it.each(ANCHOR_MODES)('finds the 401-sample period with every maxLag from 404 to 720 in mode %i', (mode) => {
    const signal = pulseTrain(pulsePeriod, 37);
    const misses: number[] = [];
    for (let maxLag = 404; maxLag <= MAX_LAG; maxLag++) {
      if (search(signal, mode, maxLag).lag !== pulsePeriod) misses.push(maxLag);
    }
    expect(misses).toEqual([]);
  });

  it.each(ANCHOR_MODES)('finds the 110 Hz period with every maxLag from 438 to 720 in mode %i', (mode) => {
    const signal = tone(toneHz);
    const misses: number[] = [];
    for (let maxLag = 438; maxLag <= MAX_LAG; maxLag++) {
      if (Math.abs(search(signal, mode, maxLag).lag - tonePeriod) > 1) misses.push(maxLag);
    }
    expect(misses).toEqual([]);
  });

  it('keeps to maxLag: a 300-sample pulse train searched up to 350 gives 300, not 600', () => {
    const { lag } = search(pulseTrain(300, 11), 0, 350);
    expect(lag).toBe(300);
  });

  it('reports a low correlation on white noise', () => {
    const { lag, correlation } = search(noise(0x5eed, SIGNAL_LENGTH), 0);
    expect(lag).toBeGreaterThanOrEqual(MIN_LAG);
    expect(lag).toBeLessThanOrEqual(MAX_LAG);
    // Independent segments of n ≥ 120 samples correlate with a spread of
    // about 1/√n ≤ 0.09; the best lag measured 0.098, and anything near the
    // engine's 0.9 gate would mean the search invents periods.
    expect(correlation).toBeLessThan(0.3);
  });

  it('returns minLag and correlation 0 when maxLag < minLag', () => {
    const start = place(tone(toneHz));
    dsp.exports.searchPeriod(start + ANCHOR_SAMPLE * 4, 0, MIN_LAG, MIN_LAG - 1, start + SIGNAL_LENGTH * 4);
    expect(dsp.exports.searchFoundLag()).toBe(MIN_LAG);
    expect(dsp.exports.searchFoundCorrelation()).toBe(0);
  });
});

describe('normalizedCorrelation', () => {
  const length = 1000;
  const signal = noise(7, length);
  const negated = signal.map((v) => -v);
  const silence = new Float32Array(length);

  function correlate(a: Float32Array, b: Float32Array): number {
    const pa = place(a);
    const pb = place(b, length);
    return dsp.exports.normalizedCorrelation(pa, pb, length);
  }

  it('is 1 for a signal with itself', () => {
    expect(correlate(signal, signal)).toBeCloseTo(1, 6);
  });

  it('is −1 for a signal with its negation', () => {
    expect(correlate(signal, negated)).toBeCloseTo(-1, 6);
  });

  it('is 0 for a signal with silence, and for silence with silence', () => {
    expect(correlate(signal, silence)).toBe(0);
    expect(correlate(silence, silence)).toBe(0);
  });

  it('ignores level: a signal with itself at a tenth of the level is still 1', () => {
    expect(correlate(signal, signal.map((v) => v / 10))).toBeCloseTo(1, 6);
  });
});

describe('rms', () => {
  it('is A/√2 for a sine of amplitude A over whole cycles', () => {
    // 200 Hz: 240 samples a cycle, so 2400 samples hold 10 whole cycles.
    const address = place(tone(200).subarray(0, 2400));
    expect(dsp.exports.rms(address, 2400)).toBeCloseTo(0.5 / Math.SQRT2, 6);
  });

  it('is 0 for no samples', () => {
    expect(dsp.exports.rms(dsp.scratch, 0)).toBe(0);
  });
});
