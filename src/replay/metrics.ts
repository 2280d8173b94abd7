import type { Metrics, PacketRecord, ReplayResult } from './types.js';

/**
 * The p-th percentile of `values` by the nearest-rank method: sort ascending and
 * take the value of rank ⌈p/100 × n⌉ (1-based), so the result is always one of
 * the values. `p` is in (0, 100]; an empty input gives 0.
 */
export function nearestRankPercentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/**
 * The fastest network transit min_j (a_j − s_j) over the given records, in ms;
 * 0 when there are none. It is the zero of "added latency": the delay a buffer
 * could not have avoided even with perfect foresight.
 */
export function minTransitMs(records: readonly PacketRecord[]): number {
  let fastest = Infinity;
  for (const record of records) {
    fastest = Math.min(fastest, record.arrivalMs - record.sendMs);
  }
  return Number.isFinite(fastest) ? fastest : 0;
}

function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** `numerator / denominator`, or 0 when the denominator is 0 (a quiet replay must not report NaN). */
function ratioOrZero(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}

/**
 * The figures of shared/METRICS.md for one replay.
 *
 * - `lateLost` counts records whose fate is 'late' or 'overflow': both are
 *   packets that arrived but whose audio was never played because
 *   the buffer gave up on them, which is what webrtc-stats `packetsDiscarded`
 *   counts. 'invalid', 'fec' and 'buffered' records are in none of the counts
 *   except `received`.
 * - `played` counts records with fate 'played' (and a playMs) only; packets
 *   whose audio came from FEC are in `fecRecovered`.
 * - Buffer delay b_i = playMs − arrivalMs and added latency
 *   L_i = (playMs − sendMs) − min_j (arrivalMs_j − sendMs_j) are taken over
 *   played records; the minimum runs over every received record whatever its
 *   fate, since a late packet still shows how fast the network can be.
 * - Percentiles are nearest-rank (see {@link nearestRankPercentile}).
 * - Every ratio and average over an empty set is 0, never NaN.
 */
export function computeMetrics(result: ReplayResult): Metrics {
  const { records, stats } = result;
  const fastestTransitMs = minTransitMs(records);

  let lateLost = 0;
  const bufferDelaysMs: number[] = [];
  const addedLatenciesMs: number[] = [];
  for (const record of records) {
    if (record.fate === 'late' || record.fate === 'overflow') {
      lateLost += 1;
    }
    if (record.fate === 'played' && record.playMs !== null) {
      bufferDelaysMs.push(record.playMs - record.arrivalMs);
      addedLatenciesMs.push(record.playMs - record.sendMs - fastestTransitMs);
    }
  }

  return {
    packets: result.packets,
    received: records.length,
    networkLost: result.packets - records.length,
    duplicates: result.duplicates,
    lateLost,
    played: bufferDelaysMs.length,
    meanBufferDelayMs: mean(bufferDelaysMs),
    p50BufferDelayMs: nearestRankPercentile(bufferDelaysMs, 50),
    p95BufferDelayMs: nearestRankPercentile(bufferDelaysMs, 95),
    p99BufferDelayMs: nearestRankPercentile(bufferDelaysMs, 99),
    meanAddedLatencyMs: mean(addedLatenciesMs),
    p95AddedLatencyMs: nearestRankPercentile(addedLatenciesMs, 95),
    jitterBufferDelayMs: ratioOrZero(stats.jitterBufferDelay, stats.jitterBufferEmittedCount) * 1000,
    targetDelayMs: ratioOrZero(stats.jitterBufferTargetDelay, stats.jitterBufferEmittedCount) * 1000,
    concealmentRatio: ratioOrZero(stats.concealedSamples, stats.totalSamplesEmitted),
    concealmentEvents: stats.concealmentEvents,
    accelerateRatio: ratioOrZero(stats.removedSamplesForAcceleration, stats.totalSamplesReceived),
    decelerateRatio: ratioOrZero(stats.insertedSamplesForDeceleration, stats.totalSamplesReceived),
    fecRecovered: stats.fecRecovered,
    profileSwitches: result.profileChanges.length,
    outputSha256: result.outputSha256,
    realtimeFactor: ratioOrZero(result.audioSeconds, result.wallSeconds),
  };
}

/** Milliseconds of added latency counted as costly as 1 % of concealed audio (the exchange rate taken from NetEq). */
export const LATENCY_MS_PER_CONCEALMENT_PERCENT = 20;

/**
 * One number to rank replays of the same trace by, lower is better:
 * `meanAddedLatencyMs + 20 × (concealmentRatio × 100)`. It prices 1 % of
 * concealed audio at 20 ms of added latency (NetEq's exchange rate), so a
 * buffer cannot win by trading a little latency for a lot of audible
 * concealment or the other way round.
 */
export function qualityCost(m: Metrics): number {
  return m.meanAddedLatencyMs + LATENCY_MS_PER_CONCEALMENT_PERCENT * (m.concealmentRatio * 100);
}
