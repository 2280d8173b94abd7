// Which profile plays: a fixed one the user picked, or 'auto', where the
// library's EcnMonitor decides from ECN evidence (ecn_evidence.js) and the
// engine's own view of the path (delay estimate, concealment), exactly as an
// app would wire it. The monitor calls node.setProfile(), so the node's
// 'profilechange' event marks every switch whoever made it.

import { EcnMonitor } from '/dist/src/ecn/index.js';
import { EcnCounts } from './ecn_evidence.js';

/** How often the monitor evaluates, ms: as an app polling getStats twice a second. */
const EVALUATE_EVERY_MS = 500;

export class ProfileControl {
  /** @param {{ setProfile(p: string): void }} node  @param {'auto'|'l4s'|'classic'} mode */
  constructor(node, mode, evidenceOn) {
    this.node = node;
    this.evidenceOn = evidenceOn;
    this.ecn = new EcnCounts();
    this.playout = null;
    this.monitor = null;
    this.setMode(mode);
  }

  /** Fixed modes apply at once; 'auto' starts a fresh monitor (it begins on classic). */
  setMode(mode) {
    this.monitor?.stop();
    this.monitor = null;
    this.mode = mode;
    if (mode !== 'auto') {
      this.node.setProfile(mode);
      return;
    }
    this.node.setProfile('classic');
    this.monitor = new EcnMonitor({ target: this.node, playout: () => this.playout });
    this.monitor.start(EVALUATE_EVERY_MS);
  }

  setEvidence(on) {
    this.evidenceOn = on;
  }

  /** A packet was delivered with captured ECN codepoint `ecn`. */
  delivered(ecn) {
    this.ecn.count(ecn, this.evidenceOn);
  }

  /** Feeds one getStats() result: the counters so far and the engine's evidence. */
  observe(stats) {
    if (!this.monitor) return;
    this.monitor.report(this.ecn.snapshot());
    const own = stats.jitterlane;
    this.playout = { timeMs: performance.now(), delayEstimateMs: own.delayEstimateMs, concealedSamples: stats.concealedSamples, totalSamplesEmitted: own.totalSamplesEmitted };
  }

  /** The monitor's evidence ('auto' only), else null. */
  evidence() {
    return this.monitor ? this.monitor.evidence() : null;
  }

  stop() {
    this.monitor?.stop();
  }
}
