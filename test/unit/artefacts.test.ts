import { describe, expect, it } from 'vitest';
import { computeArtefacts, operationArtefacts } from '../../src/replay/artefacts.js';
import type { OperationEvent, PacketRecord } from '../../src/replay/types.js';
import { replayResult, zeroStats } from '../helpers/replay_result.js';

/** A 20 ms packet sent at seq × 20 ms, played at `playMs` (null: not played). */
function packet(seq: number, playMs: number | null, fate: PacketRecord['fate'] = 'played'): PacketRecord {
  return { seq, sendMs: seq * 20, arrivalMs: seq * 20 + 5, playMs, fate, ecn: -1 };
}

function op(timeMs: number, kind: OperationEvent['kind'], ms: number): OperationEvent {
  return { timeMs, kind, frames: ms * 48 };
}

/** One minute of output (2 880 000 frames at 48 kHz), so counts are rates per minute. */
const ONE_MINUTE = { ...zeroStats(), totalSamplesEmitted: 48000 * 60 };

describe('computeArtefacts', () => {
  it('counts a run of contiguous concealment as one episode, caused by the buffer when it waited for a packet that came', () => {
    // Packet 1 came late: concealment 40.00–42.67 and 42.67–45.33 (two quanta), then a merge into packet 1.
    const result = replayResult({
      stats: ONE_MINUTE,
      records: [packet(0, 20), packet(1, 45.33), packet(2, 65.33)],
      events: [op(40, 'expand', 2.6667), op(42.6667, 'expand', 2.6667), op(45.33, 'merge', 2.5)],
    });
    const a = computeArtefacts(result);
    expect(a.concealmentEpisodes).toBe(1);
    expect(a.bufferEpisodes).toBe(1);
    expect(a.networkEpisodes).toBe(0);
    expect(a.episodes[0].durationMs).toBeCloseTo(5.333, 2);
    // 5.3 ms is below the 10 ms "short" limit.
    expect(a.shortEpisodeShare).toBe(1);
    expect(a.mergesPerMin).toBe(1);
  });

  it('blames the network when every packet the episode stood in for never arrived', () => {
    // Packet 1 lost in the network (no record): 20 ms concealed, then packet 2.
    const result = replayResult({
      stats: ONE_MINUTE,
      records: [packet(0, 20), packet(2, 60)],
      events: [op(40, 'expand', 20)],
    });
    const a = computeArtefacts(result);
    expect(a.networkEpisodes).toBe(1);
    expect(a.bufferEpisodes).toBe(0);
    expect(a.shortEpisodeShare).toBe(0);
  });

  it('blames the buffer when a packet it stood in for arrived too late to play', () => {
    const result = replayResult({
      stats: ONE_MINUTE,
      records: [packet(0, 20), packet(1, null, 'late'), packet(2, 60)],
      events: [op(40, 'expand', 20)],
    });
    expect(computeArtefacts(result).bufferEpisodes).toBe(1);
  });

  it('leaves out concealment in a DTX pause and at the end of the stream', () => {
    // Packet 1 follows packet 0 in sequence but 200 ms later in time: a pause, not a loss.
    const result = replayResult({
      stats: ONE_MINUTE,
      records: [packet(0, 20), { ...packet(1, 240), sendMs: 220 }],
      events: [op(40, 'expand', 10), op(260, 'expand', 30)],
    });
    expect(computeArtefacts(result).concealmentEpisodes).toBe(0);
  });

  it('counts stretches and the audio they moved, per minute of output', () => {
    const result = replayResult({
      stats: { ...zeroStats(), totalSamplesEmitted: 48000 * 30 }, // half a minute
      records: [packet(0, 20)],
      events: [op(100, 'accelerate', -5), { ...op(300, 'preemptive-expand', 2.5), quiet: true }, op(500, 'accelerate-fast', -7.5)],
    });
    const a = computeArtefacts(result);
    expect(a.stretches).toBe(3);
    expect(a.stretchesPerMin).toBe(6);
    expect(a.stretchedMsPerMin).toBeCloseTo(30, 6); // (5 + 2.5 + 7.5) ms in half a minute
    expect(a.artefactsPerMin).toBe(6);
    // The extension in quiet audio is a stretch, but not one a listener hears.
    expect(a.quietStretches).toBe(1);
    expect(a.quietStretchesPerMin).toBe(2);
    expect(a.audibleArtefactsPerMin).toBe(4);
  });

  it('reports zero rates, never NaN, for a replay that emitted nothing', () => {
    const a = computeArtefacts(replayResult({}));
    expect(a.concealmentEpisodesPerMin).toBe(0);
    expect(a.stretchedMsPerMin).toBe(0);
    expect(a.shortEpisodeShare).toBe(0);
  });
});

describe('operationArtefacts', () => {
  it('counts every concealment run as an episode and every stretch, per minute, from the operations alone', () => {
    // A 5.3 ms stall (two quanta), a 20 ms loss, a DTX pause (not concealment), two stretches, in half a minute.
    const events = [
      op(40, 'expand', 2.6667), op(42.6667, 'expand', 2.6667), op(45.33, 'merge', 2.5),
      op(1000, 'expand', 20), op(2000, 'dtx', 40), { ...op(3000, 'accelerate', -5), quiet: true }, op(4000, 'preemptive-expand', 2.5),
    ];
    const a = operationArtefacts(events, 48000, 0.5);
    expect(a.concealmentEpisodes).toBe(2);
    expect(a.concealmentEpisodesPerMin).toBe(4);
    expect(a.stretches).toBe(2);
    expect(a.stretchesPerMin).toBe(4);
    expect(a.stretchedMsPerMin).toBeCloseTo(15, 6);
    expect(a.merges).toBe(1);
    expect(a.artefactsPerMin).toBe(8);
    expect(a.quietStretches).toBe(1);
    expect(a.audibleArtefactsPerMin).toBe(6);
  });

  it('reports zero rates, never NaN, over no output', () => {
    const a = operationArtefacts([op(10, 'expand', 10)], 48000, 0);
    expect(a.concealmentEpisodesPerMin).toBe(0);
    expect(a.artefactsPerMin).toBe(0);
  });
});
