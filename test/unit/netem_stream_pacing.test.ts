// The relay's send slots: the lower envelope of a sender's receptions, which
// follows the sender's clock rate and takes its timing jitter out.

import { describe, expect, it } from 'vitest';
import { StreamPacing } from '../../src/netem/stream_pacing.js';
import { seededRandom } from '../../src/seeded_random.js';

describe('StreamPacing', () => {
  it('puts packets sent in render bursts back on their 20 ms slots', () => {
    // A browser sender: frames leave in bursts on a 10.67 ms render clock, so each is 0–10.67 ms late.
    const burst = 512 / 48;
    const pacing = new StreamPacing(20);
    const start = 1000;
    for (let k = 0; k < 500; k++) pacing.received(k, start + Math.ceil((k * 20 + 0.01) / burst) * burst);
    // The slots are the stream's own 20 ms rhythm, anchored at the earliest the sender ran.
    for (const k of [100, 250, 499]) expect(pacing.slotMs(k + 1) - pacing.slotMs(k)).toBeCloseTo(20, 6);
    const late = pacing.lateness();
    expect(late.maxMs).toBeLessThanOrEqual(burst + 0.1);
    expect(late.p50Ms).toBeGreaterThan(1);
  });

  it('follows a sender whose clock runs slower than the relay’s, without making every later packet late', () => {
    const pacing = new StreamPacing(20);
    const random = seededRandom(11);
    // 300 ppm slow: each 20 ms packet arrives 6 µs later than the one before, plus up to 3 ms of jitter.
    for (let k = 0; k < 3000; k++) pacing.received(k, k * 20 * (1 + 300e-6) + 3 * random());
    // After a minute the anchor has crept up with the sender (18 ms): slots are at most a few ms early.
    const last = 2999;
    expect(last * 20 * (1 + 300e-6) - pacing.slotMs(last)).toBeLessThan(4);
    expect(pacing.lateness().p99Ms).toBeLessThan(5);
  });

  it('follows a sender whose clock runs faster at once (an earlier packet lowers the anchor)', () => {
    const pacing = new StreamPacing(20);
    for (let k = 0; k < 1000; k++) pacing.received(k, k * 20 * (1 - 300e-6));
    expect(pacing.slotMs(999)).toBeCloseTo(999 * 20 * (1 - 300e-6), 3);
    expect(pacing.lateness().maxMs).toBeLessThan(0.2);
  });
});
