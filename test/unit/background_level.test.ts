// Checks assembly/background_level.ts: the quiet threshold a stream's decoded
// audio allows its time-stretches. Silence keeps the fixed −50 dBFS; steady
// noise raises it to 6 dB above the noise's quietest 10 ms block over two
// seconds, never above −40 dBFS; the first two seconds, and a noise that
// stopped two seconds ago, leave it at −50.

import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/seeded_random.js';
import { loadDspModule, type DspModule } from '../helpers/dsp_module.js';

const SAMPLE_RATE = 48_000;
// Fed in chunks that straddle the 480-frame blocks, as decoded packets of odd lengths would.
const CHUNK = 333;

let dsp: DspModule;
let lowEnergy: number;
let ceiling: number;

beforeAll(async () => {
  dsp = await loadDspModule();
  lowEnergy = dsp.exports.LOW_ENERGY_RMS.value as number;
  ceiling = dsp.exports.QUIET_CEILING_RMS.value as number;
});

beforeEach(() => dsp.exports.backgroundReset());

const db = (rms: number) => 20 * Math.log10(rms);

/** Feeds `seconds` of uniform white noise at `levelDb` dBFS RMS (−Infinity: silence). */
function listen(seconds: number, levelDb: number, seed = 1): void {
  const random = seededRandom(seed);
  const peak = 10 ** (levelDb / 20) * Math.sqrt(3);
  const total = Math.round(seconds * SAMPLE_RATE);
  for (let done = 0; done < total; done += CHUNK) {
    const n = Math.min(CHUNK, total - done);
    const chunk = Float32Array.from({ length: n }, () => peak * (2 * random() - 1));
    dsp.f32.set(chunk, dsp.scratch / 4);
    dsp.exports.backgroundListen(dsp.scratch, n);
  }
}

describe('BackgroundLevel', () => {
  it('keeps −50 dBFS over silence', () => {
    listen(3, -Infinity);
    expect(dsp.exports.backgroundQuietRms()).toBeCloseTo(lowEnergy, 6);
  });

  it('keeps −50 dBFS until two seconds are heard, then rises to 6 dB above a −50 dBFS noise', () => {
    listen(1.9, -50);
    expect(dsp.exports.backgroundQuietRms()).toBeCloseTo(lowEnergy, 6);
    listen(0.2, -50, 2);
    // The quietest block of 400 sits a little under the noise's RMS: 6 dB above it is −44.x dBFS.
    const level = db(dsp.exports.backgroundQuietRms());
    expect(level).toBeGreaterThan(-45.5);
    expect(level).toBeLessThan(-44);
  });

  it('never rises above −40 dBFS, however loud the background', () => {
    listen(2.5, -20);
    expect(dsp.exports.backgroundQuietRms()).toBeCloseTo(ceiling, 6);
    expect(db(ceiling)).toBeCloseTo(-40, 1);
  });

  it('falls within a quarter second to a quieter background, and to −50 dBFS once the noise has been gone two seconds', () => {
    listen(2.5, -50);
    listen(0.3, -60, 3);
    expect(db(dsp.exports.backgroundQuietRms())).toBeCloseTo(-50, 0);
    listen(2, -Infinity);
    expect(dsp.exports.backgroundQuietRms()).toBeCloseTo(lowEnergy, 6);
  });
});
