// No garbage on the audio thread with many streams: the group worklet bundle
// Chromium runs, with 8 streams (6 Opus decoding, concealing and recovering
// FEC, 2 PCM) mixed into one output, driven for 30 s of realtime quanta in a
// child `node --expose-gc` (test/helpers/group_allocation_probe.mjs; the
// method of worklet_allocation.test.ts).

import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

describe('the group processor', () => {
  it('allocates nothing in process() over 30 s of realtime quanta with 8 streams flowing', () => {
    const probe = fileURLToPath(new URL('../helpers/group_allocation_probe.mjs', import.meta.url));
    const report = JSON.parse(execFileSync(process.execPath, ['--expose-gc', probe], { encoding: 'utf8' }));
    // Every stream played (30 s warm-up + 30 s measured: about 3000 packets each), the Opus ones recovered FEC.
    for (const played of report.packetsPlayed) expect(played).toBeGreaterThan(2500);
    report.fecRecovered.forEach((recovered: number, s: number) => (s % 4 === 3 ? expect(recovered).toBe(0) : expect(recovered).toBeGreaterThan(20)));
    expect(report.renderErrors).toBe(0);
    expect(report.peak).toBeGreaterThan(0.05);
    // No collection ran while the 11 250 quanta rendered.
    expect(report.collections, JSON.stringify(report)).toEqual({ minor: 0, major: 0, incremental: 0 });
    // Measured under 1 KB in all (the readings' own asymmetry). One 16-byte object per packet
    // would be 192 KB (12 000 packets); one per stream and quantum, 1.4 MB.
    expect(report.renderAllocatedBytes).toBeLessThan(16_000);
  });
});
