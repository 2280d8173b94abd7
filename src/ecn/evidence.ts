// The evidence an ECN decision rests on. Counters are cumulative, as
// getStats() reports them; the policy works on their differences over windows.

/** Cumulative ECN counts of received packets (an app's server, getStats, or a capture). */
export interface EcnCounters {
  /** Packets received. When smaller than the sum of the marks, the sum is used. */
  packets: number;
  /** Arrived with ECT(0): classic ECN. */
  ect0: number;
  /** Arrived with ECT(1): the L4S identifier, preserved end to end. */
  ect1: number;
  /** Arrived with CE: congestion experienced (on an L4S flow, a shallow mark, not a failure). */
  ce: number;
  /** Arrived with no ECN codepoint: the sender did not mark, or a middlebox bleached it. */
  notEct: number;
}

/** ECN counters at a point of the monitor's clock. */
export interface EcnSample extends EcnCounters {
  timeMs: number;
}

/** What playout reports back: the engine's own view of the path (cumulative counters, current target). */
export interface PlayoutEvidence {
  timeMs: number;
  /** The delay the path needs: the engine's delay estimate before its profile's floor and ceiling, ms. */
  delayEstimateMs: number;
  concealedSamples: number;
  totalSamplesEmitted: number;
}

/** How a path looks from its ECN marks. */
export type PathClass =
  | 'unknown' // not enough evidence yet
  | 'l4s' // ECT(1) (or CE) arrives on nearly every packet
  | 'classic-ecn' // ECT(0): ECN-capable, not L4S
  | 'not-ect' // no ECN codepoint arrives
  | 'bleached' // ECT(1) used to arrive and no longer does
  | 'mixed'; // none of the above dominates

/** Differences of two cumulative samples, with the packet count made consistent with the marks. */
export function counterDelta(from: EcnCounters, to: EcnCounters): EcnCounters {
  const ect0 = Math.max(0, to.ect0 - from.ect0);
  const ect1 = Math.max(0, to.ect1 - from.ect1);
  const ce = Math.max(0, to.ce - from.ce);
  const notEct = Math.max(0, to.notEct - from.notEct);
  const packets = Math.max(Math.max(0, to.packets - from.packets), ect0 + ect1 + ce + notEct);
  return { packets, ect0, ect1, ce, notEct };
}

/** Share of packets whose ECT(1) survived the path: ECT(1) itself, or CE (an L4S queue's mark on it). */
export function ect1Share(delta: EcnCounters): number {
  return delta.packets > 0 ? (delta.ect1 + delta.ce) / delta.packets : 0;
}

/** Share of packets marked CE. */
export function ceShare(delta: EcnCounters): number {
  return delta.packets > 0 ? delta.ce / delta.packets : 0;
}
