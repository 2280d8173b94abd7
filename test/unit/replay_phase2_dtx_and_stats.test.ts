// Issue #13 in the replay: a timestamp gap without a sequence gap is a pause
// only where the sender signalled one (here the marker bit on the packet
// after it); otherwise it is audio lost at the sender, concealed and faded,
// counted as concealment. And the stats as webrtc-stats defines them
// (RTCInboundRtpStreamStats): silentConcealedSamples ⊂ concealedSamples ⊂
// totalSamplesReceived; jitterBufferTargetDelay the target per emitted sample.
// Before this change both gaps played as a 300 ms mute counted outside
// concealedSamples (main at 7fa64a3: concealmentRatio 0 and no concealment
// event for either, l4s).

import { describe, expect, it } from 'vitest';
import { L4S_FLOOR_MS } from '../../src/engine/contract.js';
import { replay } from '../../src/replay/driver.js';
import { computeMetrics } from '../../src/replay/metrics.js';
import { parseTrace } from '../../src/trace/index.js';
import { callWithTimestampGap, GAP_PACKETS, pcapOf } from '../helpers/capture_generators.js';

/** The gap, in output frames: 15 packets of 20 ms at 48 kHz. */
const GAP_FRAMES = GAP_PACKETS * 960;

function replayOf(options: Parameters<typeof callWithTimestampGap>[0]) {
  return replay(parseTrace(pcapOf(callWithTimestampGap(options)), 'gap.pcap'), { profile: 'l4s' });
}

describe('issue 13: DTX only when signalled, in the replay', () => {
  it('plays a timestamp gap before a marker packet as a pause: silence counted in dtxSamples, no concealment', () => {
    const result = replayOf({ marker: true });
    const s = result.stats;
    expect(s.concealedSamples).toBe(0);
    expect(s.concealmentEvents).toBe(0);
    // The pause is the gap, give or take the few ms the engine moves its delay by in it.
    expect(s.dtxSamples).toBeGreaterThan(GAP_FRAMES - 960);
    expect(s.dtxSamples).toBeLessThan(GAP_FRAMES + 960);
    expect(computeMetrics(result).played).toBe(485);
  });

  it('conceals a timestamp gap nothing signalled (a sender-side drop): one concealment event, faded, counted as concealment', () => {
    const result = replayOf({ marker: false });
    const s = result.stats;
    expect(s.dtxSamples).toBe(0);
    expect(s.concealmentEvents).toBe(1);
    expect(s.concealedSamples).toBeGreaterThanOrEqual(GAP_FRAMES);
    // Pitch repetition fades to silence about 220 ms in (assembly/dsp/expand.ts): the rest of the 300 ms is silent concealment.
    expect(s.silentConcealedSamples).toBeGreaterThan(0);
    expect(s.silentConcealedSamples).toBeLessThan(s.concealedSamples);
    const metrics = computeMetrics(result);
    expect(metrics.concealmentRatio).toBeGreaterThanOrEqual(GAP_FRAMES / (10 * 48000) - 1e-12);
    expect(metrics.played).toBe(485);
  });
});

describe('issue 13: stats as webrtc-stats defines them', () => {
  // Every 30th packet lost on the network (none next to the gap), and the signalled pause: concealment and DTX in one call.
  const result = replayOf({ marker: true, lossEvery: 30 });
  const s = result.stats;

  it('keeps silentConcealedSamples ≤ concealedSamples ≤ totalSamplesReceived, with concealment and pauses both received samples', () => {
    expect(s.concealedSamples).toBeGreaterThan(0);
    expect(s.dtxSamples).toBeGreaterThan(0);
    expect(s.silentConcealedSamples).toBeLessThanOrEqual(s.concealedSamples);
    expect(s.concealedSamples).toBeLessThanOrEqual(s.totalSamplesReceived);
    // Received = decoded (what the played packets gave, less what accelerate removed before emission is not counted) + concealed + pauses.
    const decoded = s.totalSamplesReceived - s.concealedSamples - s.dtxSamples;
    expect(decoded).toBe(s.jitterBufferEmittedCount);
  });

  it('adds the target delay per emitted sample: jitterBufferTargetDelay / jitterBufferEmittedCount is the target (l4s: its 10 ms floor on this calm path)', () => {
    const targetMs = (1000 * s.jitterBufferTargetDelay) / s.jitterBufferEmittedCount;
    expect(targetMs).toBeGreaterThanOrEqual(L4S_FLOOR_MS - 1e-9);
    expect(targetMs).toBeLessThan(L4S_FLOOR_MS + 2);
    expect((1000 * s.jitterBufferMinimumDelay) / s.jitterBufferEmittedCount).toBeCloseTo(L4S_FLOOR_MS, 9);
    // The buffer delay: what the packets actually waited, near the target, and on what each was meant to
    // wait (the target less its own lateness, jitterlane's jitterBufferMeantDelay), which the target bounds.
    const delayMs = (1000 * s.jitterBufferDelay) / s.jitterBufferEmittedCount;
    const meantMs = (1000 * s.jitterBufferMeantDelay) / s.jitterBufferEmittedCount;
    expect(Math.abs(delayMs - targetMs)).toBeLessThan(5);
    expect(Math.abs(delayMs - meantMs)).toBeLessThan(1);
    expect(meantMs).toBeLessThanOrEqual(targetMs);
  });

  it('leaves the stretch counters and their ratios to received samples where they were (a calm path: almost no stretching)', () => {
    const metrics = computeMetrics(result);
    expect(metrics.accelerateRatio).toBeLessThan(0.01);
    expect(metrics.decelerateRatio).toBeLessThan(0.01);
    expect(s.insertedSamplesForDeceleration + s.removedSamplesForAcceleration).toBeLessThan(0.01 * s.totalSamplesReceived);
  });
});
