// Regression: the first case the hostile-stream property shrank to. A 0.8
// tone in 2.5 ms packets with 16 ms of jitter, the profile switched before
// every quantum: concealment started right after a merge seam, where the
// PitchRepeater's continuity ramp (assembly/dsp/expand.ts) stepped by up to
// twice the signal's peak, and emitted samples up to 1.68 before the fix
// clipped the repeated cycle to full scale.

import { describe, expect, it } from 'vitest';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import { type Scenario, expand, runScenario } from '../helpers/property_streams.js';

/** The counterexample fast-check printed (seed 381124185), shrunk. */
const CAUGHT: Scenario = {
  seed: 1, profile: 'classic', packetFrames: 120, packets: 8502, firstSequence: 65335, firstTimestamp: 4294775295, ssrc: 0,
  driftPpm: 0, jitterMs: 16, pulls: 'quantum', switchProfileEveryPull: true, faults: [], steadyTailSeconds: 0,
};

describe('concealment after a discontinuity', () => {
  it('keeps every sample within full scale when the seam ramp would overshoot', () => {
    const engineModule = loadEngineModule('release');
    const engine = engineModule.createEngine({ codec: 'PCM16LE', profile: CAUGHT.profile });
    // runScenario throws at the first sample outside [-1, 1] (and on any other broken invariant).
    const figures = runScenario(engineModule, engine, CAUGHT, expand(CAUGHT));
    expect(figures.packets).toBe(8502);
    expect(engine.stats().concealmentEvents).toBeGreaterThan(0);
    engine.destroy();
  });
});
