// End-to-end delay from envelopes (src/netem/audio_delay.ts), on synthetic
// speech-like envelopes made by the project's seeded generator.

import { describe, expect, it } from 'vitest';
import { envelopeDelay } from '../../src/netem/audio_delay.js';
import { seededRandom } from '../../src/seeded_random.js';

/** 1 ms bins of a bursty envelope: syllables of 80–250 ms at random levels, pauses between (seed 13). */
function speechEnvelope(bins: number, seed = 13): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(bins);
  let i = 0;
  while (i < bins) {
    const length = 80 + Math.floor(random() * 170);
    const level = random() < 0.25 ? 0 : 0.02 + 0.2 * random();
    for (let k = 0; k < length && i < bins; k++, i++) out[i] = level * Math.sin((Math.PI * k) / length);
  }
  return out;
}

/** `source` delayed by `delayMs` (fractional: linear interpolation between bins), with seeded noise of `noise` RMS. */
function delayed(source: Float32Array, delayMs: number, noise = 0, seed = 7): Float32Array {
  const random = seededRandom(seed);
  return source.map((_, i) => {
    const t = i - delayMs;
    const k = Math.floor(t);
    const f = t - k;
    const a = source[k] ?? 0;
    const b = source[k + 1] ?? 0;
    return a + f * (b - a) + noise * (random() - 0.5) * Math.sqrt(12);
  });
}

describe('envelopeDelay', () => {
  const sent = speechEnvelope(20_000);

  it('finds a fixed delay between bins to within 0.5 ms', () => {
    const found = envelopeDelay(sent, delayed(sent, 37.4))!;
    expect(Math.abs(found.medianMs - 37.4)).toBeLessThan(0.5);
    expect(found.matched).toBe(found.windows);
    expect(found.correlation).toBeGreaterThan(0.99);
  });

  it('still finds it under noise at a tenth of the speech level', () => {
    const found = envelopeDelay(sent, delayed(sent, 120, 0.01))!;
    expect(Math.abs(found.medianMs - 120)).toBeLessThan(1);
  });

  it('reports the spread of a delay that moves (an adaptive buffer): the median in the middle, p10 and p90 around it', () => {
    const moving = new Float32Array(sent.length);
    const early = delayed(sent, 40);
    const late = delayed(sent, 80);
    moving.set(early.subarray(0, 10_000), 0);
    moving.set(late.subarray(10_000), 10_000);
    const found = envelopeDelay(sent, moving)!;
    expect(found.p10Ms).toBeCloseTo(40, 0);
    expect(found.p90Ms).toBeCloseTo(80, 0);
  });

  it('gives null for output that carries none of the speech', () => {
    expect(envelopeDelay(sent, speechEnvelope(20_000, 99), { maxLagMs: 600 })).toBeNull();
  });
});
