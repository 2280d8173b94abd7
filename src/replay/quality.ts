// The quality figure the acceptance tests and `npm start` compare between
// jitter buffers: cost = meanAddedLatencyMs + 20 × concealment % (20 ms per
// 1 % concealment, NetEq's own exchange rate).
//
// Two concealment shares are reported. METRICS.md's concealmentRatio counts
// every concealed sample, including those that stand in for packets the
// network lost: no buffer can avoid those (without FEC), and on a trace with
// 15 % network loss they alone would cost 300. The buffer's own share leaves
// out one packet duration per network-lost packet, which is what a comparison
// between buffers on the same trace measures.

import { computeArtefacts, type Artefacts } from './artefacts.js';
import { computeMetrics, qualityCost } from './metrics.js';
import type { Metrics, ReplayResult } from './types.js';

/** Concealment a buffer is responsible for: concealed samples beyond one packet per network-lost packet, over samples emitted. */
export function bufferConcealmentRatio(result: ReplayResult, metrics: Metrics = computeMetrics(result)): number {
  const emitted = result.stats.totalSamplesEmitted;
  if (emitted <= 0) return 0;
  const lostFrames = (metrics.networkLost * (result.packetMs ?? 20) * result.sampleRate) / 1000;
  return Math.max(0, result.stats.concealedSamples - lostFrames) / emitted;
}

/** The comparison figures of one replay. */
export interface QualityFigures {
  metrics: Metrics;
  /** meanAddedLatencyMs + 20 × concealmentRatio % (all concealment, METRICS.md). */
  cost: number;
  /** Concealment the buffer caused (network loss left out). */
  bufferConcealmentRatio: number;
  /** meanAddedLatencyMs + 20 × bufferConcealmentRatio %: the figure compared with other buffers. */
  bufferCost: number;
  /** Concealment episodes and stretch operations: what a listener hears. */
  artefacts: Artefacts;
}

/** What metrics.json and `replay --json` hold: the METRICS.md figures and the artefact figures (without the episode list). */
export function metricsReport(figures: QualityFigures): Metrics & { artefacts: Omit<Artefacts, 'episodes'> } {
  const { episodes: _episodes, ...artefacts } = figures.artefacts;
  return { ...figures.metrics, artefacts };
}

/** Metrics plus both costs. */
export function qualityFigures(result: ReplayResult): QualityFigures {
  const metrics = computeMetrics(result);
  const buffer = bufferConcealmentRatio(result, metrics);
  return {
    metrics,
    cost: qualityCost(metrics),
    bufferConcealmentRatio: buffer,
    bufferCost: metrics.meanAddedLatencyMs + 20 * buffer * 100,
    artefacts: computeArtefacts(result),
  };
}

/**
 * Costs of two open-source jitter buffers replayed on the shared traces with
 * the same definitions (20 ms playout callbacks, default settings), as given in
 * the engine issue (#2). The acceptance bound is the better of the two.
 */
export const REFERENCE_COSTS: Record<string, { speex: number; pjsip: number }> = {
  'd6g_5g_ping-cloud-mmWave': { speex: 38.9, pjsip: 26.7 },
  l4stests_irtt_noload: { speex: 11.4, pjsip: 11.3 },
  l4stests_irtt_up_dualpi2_l: { speex: 31.6, pjsip: 25.8 },
  l4stests_irtt_up_fq_codel: { speex: 11.5, pjsip: 11.4 },
  l4stests_skype_bi_dualpi2_l: { speex: 38.3, pjsip: 32.9 },
  'leoviz_starlink_ping-2025-05-29': { speex: 179.5, pjsip: 131.7 },
  'mahimahi_ATT-LTE-driving.down': { speex: 2468.1, pjsip: 238.6 },
  wswiki_MagicJack_short_call: { speex: 11.6, pjsip: 14.9 },
  wswiki_rtp_conversacion: { speex: 41.2, pjsip: 45.6 },
  'wswiki_sip-rtp-opus': { speex: 12.5, pjsip: 11.9 },
};

/** The better (lower) reference cost for a trace, or null when the trace has none. */
export function referenceBound(traceName: string): number | null {
  const ref = REFERENCE_COSTS[traceName];
  return ref ? Math.min(ref.speex, ref.pjsip) : null;
}
