// --profile auto in replays: the same EcnMonitor an app runs, fed from an ECN
// timeline (the capture's IP ECN bits or an --ecn CSV) and the engine's stats,
// on the replay clock.

import { EcnMonitor } from '../ecn/monitor.js';
import type { EcnPolicyParameters } from '../ecn/policy.js';
import type { EcnTimeline } from '../ecn/timeline.js';
import type { PlayoutEvidence } from '../ecn/evidence.js';
import type { ReplayController } from './driver.js';

/** How often the replay polls evidence and evaluates: as an app polling getStats twice a second. */
const EVALUATE_EVERY_MS = 500;

/** A replay controller running the ECN policy, and the monitor behind it (for its evidence). */
export function ecnController(timeline: EcnTimeline, policy: Partial<EcnPolicyParameters> = {}): { controller: ReplayController; monitor: EcnMonitor } {
  let playout: PlayoutEvidence | null = null;
  const monitor = new EcnMonitor({ clock: () => 0, policy, playout: () => playout });
  const controller: ReplayController = {
    intervalMs: EVALUATE_EVERY_MS,
    decide(nowMs, stats) {
      const sample = timeline.at(nowMs);
      // Reported at the poll time, as getStats would report unchanged counters.
      if (sample) monitor.report(sample, nowMs);
      playout = { timeMs: nowMs, delayEstimateMs: stats.delayEstimateMs, concealedSamples: stats.concealedSamples, totalSamplesEmitted: stats.totalSamplesEmitted };
      return monitor.evaluate(nowMs)?.to ?? null;
    },
  };
  return { controller, monitor };
}
