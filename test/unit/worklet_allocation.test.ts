// No garbage on the audio thread: the worklet bundle Chromium runs, driven for
// 30 s of realtime quanta with packets flowing, in a child `node --expose-gc`
// (test/helpers/worklet_allocation_probe.mjs): after a warm-up and a full
// collection, the young generation is measured around the process() calls
// only (the packets are written to the ring between them, as a main thread
// would). V8 allocates every new object in the young generation, so its growth
// between two readings is what the calls allocated.

import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

describe('the worklet processor', () => {
  it.each(['pcm', 'opus'])('allocates nothing in process() over 30 s of realtime quanta with %s packets flowing', (codec) => {
    const probe = fileURLToPath(new URL('../helpers/worklet_allocation_probe.mjs', import.meta.url));
    const report = JSON.parse(execFileSync(process.execPath, ['--expose-gc', probe, codec], { encoding: 'utf8' }));
    if (codec === 'opus') {
      // libopus decoded, concealed (5 % lost) and recovered from FEC inside process().
      expect(report.packetsPlayed).toBeGreaterThan(1000);
      expect(report.fecRecovered).toBeGreaterThan(20);
    }
    // The output is real audio, not silence from an error path.
    expect(report.renderErrors).toBe(0);
    expect(report.peak).toBeGreaterThan(0.1);
    // No collection ran while the 11 250 quanta rendered.
    expect(report.collections).toEqual({ minor: 0, major: 0, incremental: 0 });
    // Measured ≈ 25 KB in all, the same whether the readings are 150 or 15 apart, and the
    // per-packet path (ring read + insert) measured alone allocates 0: it is the readings'
    // own asymmetry, not the calls. One 16-byte object every 4 quanta would be 45 KB.
    expect(report.renderAllocatedBytes).toBeLessThan(45_000);
  });
});
