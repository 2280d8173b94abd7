import { describe, expect, it } from 'vitest';
import { computeMetrics, nearestRankPercentile, qualityCost } from '../../src/replay/metrics.js';
import type { EngineStats, Metrics, PacketRecord } from '../../src/replay/types.js';
import { replayResult, zeroStats } from '../helpers/replay_result.js';

function record(seq: number, sendMs: number, arrivalMs: number, playMs: number | null, fate: PacketRecord['fate']): PacketRecord {
  return { seq, sendMs, arrivalMs, playMs, fate, ecn: -1 };
}

describe('computeMetrics', () => {
  // Ten sequence numbers 0..9; 3, 8 and 9 never arrive. Transit (arrival − send) of each:
  // played 50, 55, 60; late 140 and 50; fec 40 (the fastest, although not played); overflow 50.
  const records: PacketRecord[] = [
    record(0, 0, 50, 60, 'played'), // b = 60 − 50 = 10
    record(1, 20, 75, 95, 'played'), // b = 95 − 75 = 20
    record(2, 40, 100, 130, 'played'), // b = 130 − 100 = 30
    record(4, 80, 120, null, 'fec'),
    record(5, 100, 240, null, 'late'),
    record(6, 120, 170, null, 'late'),
    record(7, 140, 190, null, 'overflow'),
  ];
  const stats: EngineStats = {
    ...zeroStats(),
    jitterBufferDelay: 0.9, // seconds summed over emitted samples
    jitterBufferTargetDelay: 0.6,
    jitterBufferEmittedCount: 30,
    concealedSamples: 480,
    totalSamplesEmitted: 48000,
    concealmentEvents: 2,
    removedSamplesForAcceleration: 960,
    insertedSamplesForDeceleration: 480,
    totalSamplesReceived: 96000,
    fecRecovered: 1,
  };
  const metrics = computeMetrics(
    replayResult({
      packets: 10,
      duplicates: 2,
      records,
      stats,
      profileChanges: [
        { timeMs: 1000, profile: 'l4s' },
        { timeMs: 2000, profile: 'classic' },
      ],
      outputSha256: 'abc123',
      audioSeconds: 10,
      wallSeconds: 0.5,
    }),
  );

  it('counts packets, losses, duplicates and played packets', () => {
    expect(metrics.packets).toBe(10);
    expect(metrics.received).toBe(7); // one record per distinct received sequence number
    expect(metrics.networkLost).toBe(3); // 10 − 7
    expect(metrics.duplicates).toBe(2);
    expect(metrics.lateLost).toBe(3); // two late + one overflow, as webrtc packetsDiscarded
    expect(metrics.played).toBe(3); // the fec record is not played
  });

  it('takes buffer delay over played packets with nearest-rank percentiles', () => {
    expect(metrics.meanBufferDelayMs).toBe(20); // (10 + 20 + 30) / 3
    expect(metrics.p50BufferDelayMs).toBe(20); // rank ⌈0.5 × 3⌉ = 2 of [10, 20, 30]
    expect(metrics.p95BufferDelayMs).toBe(30); // rank ⌈0.95 × 3⌉ = 3
    expect(metrics.p99BufferDelayMs).toBe(30);
  });

  it('measures added latency above the fastest received packet, played or not', () => {
    // min transit = 40 (the fec record). L = (play − send) − 40: 60 − 40 = 20, 75 − 40 = 35, 90 − 40 = 50.
    expect(metrics.meanAddedLatencyMs).toBe(35); // (20 + 35 + 50) / 3
    expect(metrics.p95AddedLatencyMs).toBe(50); // rank 3 of [20, 35, 50]
  });

  it('derives the webrtc-stats figures', () => {
    expect(metrics.jitterBufferDelayMs).toBeCloseTo(30, 9); // 0.9 s / 30 × 1000
    expect(metrics.targetDelayMs).toBeCloseTo(20, 9); // 0.6 s / 30 × 1000
    expect(metrics.concealmentRatio).toBe(0.01); // 480 / 48000
    expect(metrics.concealmentEvents).toBe(2);
    expect(metrics.accelerateRatio).toBe(0.01); // 960 / 96000
    expect(metrics.decelerateRatio).toBe(0.005); // 480 / 96000
    expect(metrics.fecRecovered).toBe(1);
    expect(metrics.profileSwitches).toBe(2);
    expect(metrics.outputSha256).toBe('abc123');
    expect(metrics.realtimeFactor).toBe(20); // 10 s of audio in 0.5 s
  });

  it('gives zeros, never NaN, when nothing was received or played', () => {
    const empty = computeMetrics(replayResult({ packets: 5 }));
    for (const [name, value] of Object.entries(empty)) {
      if (name === 'outputSha256') continue;
      expect(Number.isNaN(value), name).toBe(false);
    }
    expect(empty.networkLost).toBe(5);
    expect(empty.meanBufferDelayMs).toBe(0);
    expect(empty.p99BufferDelayMs).toBe(0);
    expect(empty.meanAddedLatencyMs).toBe(0);
    expect(empty.jitterBufferDelayMs).toBe(0);
    expect(empty.concealmentRatio).toBe(0);
    expect(empty.accelerateRatio).toBe(0);
    expect(empty.realtimeFactor).toBe(0);

    const allLate = computeMetrics(
      replayResult({ packets: 2, records: [record(0, 0, 500, null, 'late'), record(1, 20, 520, null, 'late')] }),
    );
    expect(allLate.played).toBe(0);
    expect(allLate.lateLost).toBe(2);
    expect(allLate.meanAddedLatencyMs).toBe(0);
    expect(allLate.p95AddedLatencyMs).toBe(0);
  });
});

describe('nearestRankPercentile', () => {
  it('picks the value of rank ⌈p/100 × n⌉ whatever the input order', () => {
    const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(nearestRankPercentile(oneToHundred, 50)).toBe(50);
    expect(nearestRankPercentile(oneToHundred, 95)).toBe(95);
    expect(nearestRankPercentile(oneToHundred, 99)).toBe(99);
    expect(nearestRankPercentile(oneToHundred, 99.5)).toBe(100); // ⌈99.5⌉ = 100
    expect(nearestRankPercentile([7], 1)).toBe(7);
    expect(nearestRankPercentile([], 50)).toBe(0);
  });
});

describe('qualityCost', () => {
  it('prices 1 % of concealment at 20 ms of added latency', () => {
    const metrics = { meanAddedLatencyMs: 30, concealmentRatio: 0.02 } as Metrics;
    expect(qualityCost(metrics)).toBeCloseTo(70, 9); // 30 + 20 × 2
    expect(qualityCost({ meanAddedLatencyMs: 12, concealmentRatio: 0 } as Metrics)).toBe(12);
  });
});
