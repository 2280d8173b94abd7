// Issue 7's "nothing allocates" under fuzzing: hostile scenarios replayed
// through the debug build (bounds-checked, allocation-traced) between create
// and destroy, with every invariant of runScenario checked on the way. The
// seed is printed; FUZZ_SEED=<n> replays it.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expand, fcParameters, runScenario, scenarioArbitrary } from '../helpers/property_streams.js';
import { tracedDebugModule } from '../helpers/rtrace.js';

describe('hostile packet streams in the debug build', () => {
  it('allocate, free and move nothing between create and destroy', () => {
    const { engineModule, counts } = tracedDebugModule();
    const parameters = fcParameters(40);
    console.log(`[property] debug-build allocation: seed ${parameters.seed} (replay with FUZZ_SEED=${parameters.seed}), ${parameters.numRuns} runs`);
    let packets = 0;
    fc.assert(
      fc.property(scenarioArbitrary({ minPackets: 200, maxPackets: 6_000, maxFaults: 10 }), (s) => {
        const engine = engineModule.createEngine({ codec: 'PCM16LE', profile: s.profile, eventLog: s.seed % 2 === 0 });
        const afterCreate = { ...counts };
        try {
          packets += runScenario(engineModule, engine, s, expand(s)).packets;
          expect(counts).toEqual(afterCreate);
        } finally {
          engine.destroy();
        }
      }),
      parameters,
    );
    expect(counts.allocations).toBeGreaterThan(0); // the tracer is wired in: creates did allocate
    console.log(`[property] debug-build allocation: ${packets} packets, ${counts.allocations} allocations, all at create`);
  });
});
