// The soak (scripts/soak.mjs, `npm run soak`) at CI size: two hours of hostile
// audio (drift, jitter spikes, reordering, duplicates, loss bursts, DTX pauses,
// outages, SSRC changes) checked on every quantum, once from zero and once with
// the counters started just below 2^32, so that every counter crosses 2^32
// within the run and must still equal the count kept in JavaScript exactly.

import { describe, expect, it } from 'vitest';
import { STAT_INDEX } from '../../src/engine/index.js';
import { loadEngineModule } from '../../src/engine/node_loader.js';
// @ts-expect-error plain JavaScript: the soak script itself
import { runSoak } from '../../scripts/soak.mjs';

interface SoakResult {
  hoursOfAudio: number;
  packetsInserted: number;
  quanta: number;
  failure: { hour: number; quantum: number; what: string } | null;
  counters: Record<string, number>;
  expectedCounters: Record<string, number>;
  network: Record<string, number>;
  memory: { atCreate: number; afterWarmUp: number; atEnd: number };
  worstExcessOverBoundMs: number;
}

/** 2^32: where a 32-bit counter would wrap. */
const TWO_TO_32 = 2 ** 32;

describe('soak at CI size', () => {
  it('keeps every invariant on every quantum of two hours of hostile audio, and every counter exact', () => {
    const result: SoakResult = runSoak({ hours: 2, seed: 11, profile: 'l4s', loadEngineModule, STAT_INDEX });
    expect(result.failure).toBeNull();
    // 2 h at 48 kHz is 345 600 000 frames: 2 700 000 quanta of 128.
    expect(result.quanta).toBe(2_700_000);
    expect(result.counters.nowFrames).toBe(2 * 3600 * 48_000);
    // The run had the faults it claims (measured with seed 11: ~340 000 packets, 2–4 SSRC changes,
    // several sequence and timestamp wraps, held and lost outages).
    expect(result.packetsInserted).toBeGreaterThan(300_000);
    expect(result.network.ssrcChanges).toBeGreaterThanOrEqual(1);
    expect(result.network.seqWraps).toBeGreaterThanOrEqual(2);
    expect(result.network.tsWraps).toBeGreaterThanOrEqual(2);
    expect(result.network.duplicates).toBeGreaterThan(0);
    expect(result.network.dtxPauses).toBeGreaterThan(0);
    expect(result.network.outages).toBeGreaterThan(0);
    expect(result.memory.atEnd).toBe(result.memory.afterWarmUp);
    expect(result.worstExcessOverBoundMs).toBeLessThanOrEqual(0);
    for (const [name, value] of Object.entries(result.expectedCounters)) expect(result.counters[name], name).toBe(value);
  });

  it('counts exactly past 2^32 (counters started 1000 below it)', () => {
    const preload: Record<string, number> = {};
    const names = ['packetsReceived', 'packetsDiscarded', 'packetsDuplicated', 'packetsLate', 'packetsPlayed', 'totalSamplesReceived', 'totalSamplesEmitted', 'concealedSamples', 'silentConcealedSamples', 'jitterBufferEmittedCount', 'streamResets'];
    for (const name of names) preload[name] = TWO_TO_32 - 1000;
    const result: SoakResult = runSoak({ hours: 0.5, seed: 12, profile: 'classic', loadEngineModule, STAT_INDEX, preload });
    expect(result.failure).toBeNull();
    for (const name of names) expect(result.counters[name], name).toBeGreaterThanOrEqual(TWO_TO_32 - 1000);
    // Every counter that moved by at least 1000 in half an hour is now past 2^32, still exact.
    expect(result.counters.packetsReceived).toBeGreaterThan(TWO_TO_32);
    expect(result.counters.totalSamplesReceived).toBeGreaterThan(TWO_TO_32);
    expect(result.counters.packetsReceived).toBe(result.expectedCounters.packetsReceived);
    expect(result.counters.packetsDuplicated).toBe(result.expectedCounters.packetsDuplicated);
    expect(result.counters.streamResets).toBe(result.expectedCounters.streamResets);
    // Samples received are whole packets of 960 frames less the parts a late packet skipped: an integer.
    expect(Number.isSafeInteger(result.counters.totalSamplesReceived)).toBe(true);
  });
});
