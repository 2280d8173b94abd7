import { minTransitMs } from './metrics.js';
import type { PacketRecord } from './types.js';

/** Share of received packets a reference player may lose late (shared/METRICS.md: 1 %). */
const ALLOWED_LATE_PERCENT = 1;

/** What the fixed-delay hindsight player achieves on a trace. */
export interface FixedOracleResult {
  /** Playout delay D above the fastest packet's transit, ms. */
  delayMs: number;
  /** Late packets ÷ received packets at that delay. */
  lateLossRatio: number;
  /** Added latency of every played packet, which is D for a fixed delay. */
  meanAddedLatencyMs: number;
}

/** The delay the window player chose for one window of send time. */
export interface OracleWindow {
  /** Send time the window starts at (inclusive), ms. */
  startMs: number;
  /** Send time the window ends at (exclusive), ms. */
  endMs: number;
  /** Received packets sent in the window. */
  packets: number;
  /** Playout delay D above the fastest packet's transit (over the whole trace), ms. */
  delayMs: number;
  /** Packets of the window that arrive after their playout time at that delay. */
  late: number;
}

/** What the per-window hindsight player achieves on a trace. */
export interface WindowOracleResult {
  /** Late packets ÷ received packets, over the whole trace. */
  lateLossRatio: number;
  /** Mean over received packets of the delay D chosen for the packet's window, ms. */
  meanAddedLatencyMs: number;
  /** The windows that hold at least one packet, in send-time order. */
  windows: OracleWindow[];
}

/** How many of `count` packets may be late while staying within the allowed fraction. */
function allowedLateCount(count: number): number {
  // Integer division keeps exact multiples of 100 exact (1 % of 300 is 3, not 2.9999…).
  return Math.floor((count * ALLOWED_LATE_PERCENT) / 100);
}

/**
 * The smallest delay D, over the given relative delays r_i = transit_i − min transit,
 * for which at most the allowed number of packets have r_i > D, with that count.
 * Sorting makes it exact: D is the value with exactly `allowed` values at or after it
 * in the sorted order, and any smaller D would make that value late too.
 */
function smallestDelayWithinLateBudget(relativeDelaysMs: number[]): { delayMs: number; late: number } {
  if (relativeDelaysMs.length === 0) return { delayMs: 0, late: 0 };
  const sorted = [...relativeDelaysMs].sort((x, y) => x - y);
  const delayMs = sorted[sorted.length - 1 - allowedLateCount(sorted.length)];
  let late = 0;
  for (const value of sorted) {
    if (value > delayMs) late += 1;
  }
  return { delayMs, late };
}

function relativeDelaysMs(records: readonly PacketRecord[], fastestTransitMs: number): number[] {
  return records.map((record) => record.arrivalMs - record.sendMs - fastestTransitMs);
}

/**
 * The fixed-oracle of shared/METRICS.md: one playout delay for the whole trace,
 * chosen with hindsight from the records' send and arrival times alone (every
 * received record counts, whatever the replayed engine did with it).
 *
 * A packet plays at sendMs + minTransit + D and is late if it arrives after
 * that; D is the smallest value keeping late packets at or under 1 % of the
 * received ones (⌊n/100⌋ packets). An empty input gives all zeros.
 */
export function fixedOracle(records: readonly PacketRecord[]): FixedOracleResult {
  const fastestTransitMs = minTransitMs(records);
  const { delayMs, late } = smallestDelayWithinLateBudget(relativeDelaysMs(records, fastestTransitMs));
  return {
    delayMs,
    lateLossRatio: records.length > 0 ? late / records.length : 0,
    meanAddedLatencyMs: delayMs,
  };
}

/**
 * The window-oracle of shared/METRICS.md: the fixed-oracle's choice made afresh
 * for each `windowMs` of send time, with hindsight and ignoring what changing
 * the delay would cost, so it bounds what an adaptive buffer could reach.
 *
 * Windows are aligned to the earliest send time. Delays are measured above the
 * fastest transit of the whole trace, as added latency is; each window allows
 * ⌊n_w/100⌋ late packets of its own n_w. The mean added latency weights each
 * window's D by its packet count.
 */
export function windowOracle(records: readonly PacketRecord[], windowMs = 2000): WindowOracleResult {
  if (!(windowMs > 0)) throw new Error(`windowOracle: windowMs must be positive, got ${windowMs}`);
  if (records.length === 0) return { lateLossRatio: 0, meanAddedLatencyMs: 0, windows: [] };

  const fastestTransitMs = minTransitMs(records);
  let firstSendMs = Infinity;
  for (const record of records) firstSendMs = Math.min(firstSendMs, record.sendMs);

  const delaysByWindow = new Map<number, number[]>();
  for (const record of records) {
    const index = Math.floor((record.sendMs - firstSendMs) / windowMs);
    let delays = delaysByWindow.get(index);
    if (delays === undefined) {
      delays = [];
      delaysByWindow.set(index, delays);
    }
    delays.push(record.arrivalMs - record.sendMs - fastestTransitMs);
  }

  const windows: OracleWindow[] = [];
  let lateTotal = 0;
  let weightedDelaySumMs = 0;
  for (const index of [...delaysByWindow.keys()].sort((x, y) => x - y)) {
    const delays = delaysByWindow.get(index) as number[];
    const { delayMs, late } = smallestDelayWithinLateBudget(delays);
    windows.push({
      startMs: firstSendMs + index * windowMs,
      endMs: firstSendMs + (index + 1) * windowMs,
      packets: delays.length,
      delayMs,
      late,
    });
    lateTotal += late;
    weightedDelaySumMs += delayMs * delays.length;
  }

  return {
    lateLossRatio: lateTotal / records.length,
    meanAddedLatencyMs: weightedDelaySumMs / records.length,
    windows,
  };
}
