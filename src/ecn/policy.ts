// The profile policy: when evidence says the path is L4S, enter the l4s
// profile; leave it at once when it stops saying so; back off before trying
// again. Pure and clock-injected: evaluate(nowMs) decides from what was
// observed, so every rule is tested deterministically.

import { ceShare, counterDelta, ect1Share, type EcnSample, type PathClass, type PlayoutEvidence } from './evidence.js';

/** Every threshold of the policy, named. Times in ms of the monitor's clock. */
export interface EcnPolicyParameters {
  /** Evidence is judged over the last this many ms. */
  windowMs: number;
  /** Fewer packets than this in a window is not evidence. */
  minPacketsPerWindow: number;
  /** Enter l4s only after the evidence has been good for this long. */
  entryAfterMs: number;
  /** Good evidence: at least this share of packets arrive with ECT(1) or CE. */
  enterEct1Share: number;
  /** In l4s, a share below this is bleaching: leave at once (below the entry share: hysteresis). */
  leaveEct1Share: number;
  /** A CE share above this, while the jitter rises past maxJitterMs / 2, is a CE storm: leave. */
  ceStormShare: number;
  /** The engine's delay estimate (the jitter cover the path needs) must stay under this for l4s; above it, leave. */
  maxJitterMs: number;
  /** Concealment above this share of emitted audio over concealmentWindowMs: leave. */
  maxConcealmentRatio: number;
  /** Concealment is judged over a longer window: one lost packet must not read as a trend. */
  concealmentWindowMs: number;
  /** No new ECN evidence for this long (stats disappeared): leave. */
  staleAfterMs: number;
  /** After leaving, wait at least this long before entering again; doubles on every exit... */
  backoffMs: number;
  /** ...up to this. */
  maxBackoffMs: number;
  /** A stay in l4s this long without trouble resets the back-off to backoffMs. */
  backoffResetAfterMs: number;
}

/** Defaults, each with its reason. */
export const DEFAULT_ECN_POLICY: EcnPolicyParameters = {
  // Two seconds hold 100 packets of a 20 ms stream: enough to tell 95 % from 90 %.
  windowMs: 2000,
  minPacketsPerWindow: 40,
  // "Several seconds" of sustained evidence: one handover or reroute will have shown by then.
  entryAfterMs: 5000,
  // Nearly all: an L4S sender marks every packet, so a few percent unmarked is already a bleaching middlebox.
  enterEct1Share: 0.95,
  leaveEct1Share: 0.9,
  // L4S queues mark often by design; only a flood of marks together with rising jitter means trouble.
  ceStormShare: 0.3,
  // The l4s floor is 10 ms; a path that needs more than 20 ms of jitter cover is not behaving as L4S.
  maxJitterMs: 20,
  // 1 % concealment costs as much as 20 ms of delay: the classic target is cheaper then.
  maxConcealmentRatio: 0.01,
  // Ten seconds: 1 % is then 100 ms of concealment, five lost 20 ms packets, not one.
  concealmentWindowMs: 10_000,
  // getStats is polled about once a second: three missed polls mean the counters are gone.
  staleAfterMs: 3000,
  backoffMs: 30_000,
  maxBackoffMs: 300_000,
  backoffResetAfterMs: 300_000,
};

export type EcnProfile = 'l4s' | 'classic';

/** One profile switch and why. */
export interface ProfileSwitch {
  timeMs: number;
  from: EcnProfile;
  to: EcnProfile;
  reason:
    | 'sustained-ect1' // entered l4s
    | 'bleaching' // ECT(1) share fell
    | 'ce-storm' // CE flood with rising jitter
    | 'jitter' // the engine needs more than maxJitterMs
    | 'concealment' // concealment rose
    | 'stats-missing'; // no evidence any more
  detail: string;
}

/** What the policy saw in the latest window (for dashboards and the reasons). */
export interface WindowEvidence {
  packets: number;
  ect1Share: number;
  ceShare: number;
  delayEstimateMs: number | null;
  concealmentRatio: number | null;
  pathClass: PathClass;
}

/** Samples kept: the concealment window at up to 50 samples per second, with room. */
const MAX_SAMPLES = 1024;

export class EcnPolicy {
  readonly parameters: EcnPolicyParameters;
  profile: EcnProfile = 'classic';
  private readonly ecn: EcnSample[] = [];
  private readonly playout: PlayoutEvidence[] = [];
  private goodSinceMs: number | null = null;
  private backoffUntilMs = -Infinity;
  private backoffMs: number;
  private enteredAtMs = 0;
  private sawL4s = false;
  lastWindow: WindowEvidence = { packets: 0, ect1Share: 0, ceShare: 0, delayEstimateMs: null, concealmentRatio: null, pathClass: 'unknown' };

  constructor(parameters: Partial<EcnPolicyParameters> = {}) {
    this.parameters = { ...DEFAULT_ECN_POLICY, ...parameters };
    this.backoffMs = this.parameters.backoffMs;
  }

  /** Records cumulative ECN counters. */
  observeEcn(sample: EcnSample): void {
    push(this.ecn, sample);
  }

  /** Records the engine's view of the path. */
  observePlayout(evidence: PlayoutEvidence): void {
    push(this.playout, evidence);
  }

  /** Decides at `nowMs`; returns the switch it makes, or null. */
  evaluate(nowMs: number): ProfileSwitch | null {
    const p = this.parameters;
    const window = this.windowEvidence(nowMs);
    this.lastWindow = window;
    const latest = this.ecn[this.ecn.length - 1];
    const stale = !latest || nowMs - latest.timeMs > p.staleAfterMs;
    const enoughPackets = window.packets >= p.minPacketsPerWindow;

    if (this.profile === 'l4s') {
      if (nowMs - this.enteredAtMs >= p.backoffResetAfterMs) this.backoffMs = p.backoffMs;
      if (stale) return this.leave(nowMs, 'stats-missing', `no ECN evidence for ${latest ? Math.round(nowMs - latest.timeMs) : '∞'} ms`);
      if (enoughPackets && window.ect1Share < p.leaveEct1Share) {
        return this.leave(nowMs, 'bleaching', `ECT(1) on ${(window.ect1Share * 100).toFixed(1)} % of packets`);
      }
      const estimate = window.delayEstimateMs;
      if (enoughPackets && window.ceShare > p.ceStormShare && estimate !== null && estimate > p.maxJitterMs / 2) {
        return this.leave(nowMs, 'ce-storm', `CE on ${(window.ceShare * 100).toFixed(1)} % of packets, delay estimate ${estimate.toFixed(1)} ms`);
      }
      if (estimate !== null && estimate > p.maxJitterMs) return this.leave(nowMs, 'jitter', `delay estimate ${estimate.toFixed(1)} ms > ${p.maxJitterMs} ms`);
      if (window.concealmentRatio !== null && window.concealmentRatio > p.maxConcealmentRatio) {
        return this.leave(nowMs, 'concealment', `concealment ${(window.concealmentRatio * 100).toFixed(2)} %`);
      }
      return null;
    }

    const good =
      !stale && enoughPackets && window.ect1Share >= p.enterEct1Share &&
      (window.delayEstimateMs === null || window.delayEstimateMs <= p.maxJitterMs) &&
      (window.concealmentRatio === null || window.concealmentRatio <= p.maxConcealmentRatio);
    if (!good) {
      this.goodSinceMs = null;
      return null;
    }
    this.goodSinceMs ??= nowMs;
    if (nowMs < this.backoffUntilMs || nowMs - this.goodSinceMs < p.entryAfterMs) return null;
    this.profile = 'l4s';
    this.enteredAtMs = nowMs;
    this.sawL4s = true;
    return { timeMs: nowMs, from: 'classic', to: 'l4s', reason: 'sustained-ect1', detail: `ECT(1) on ${(window.ect1Share * 100).toFixed(1)} % of packets for ${Math.round(nowMs - this.goodSinceMs)} ms` };
  }

  private leave(nowMs: number, reason: ProfileSwitch['reason'], detail: string): ProfileSwitch {
    this.profile = 'classic';
    this.goodSinceMs = null;
    this.backoffUntilMs = nowMs + this.backoffMs;
    this.backoffMs = Math.min(this.parameters.maxBackoffMs, this.backoffMs * 2);
    return { timeMs: nowMs, from: 'l4s', to: 'classic', reason, detail };
  }

  /** The evidence of the window ending at nowMs. */
  private windowEvidence(nowMs: number): WindowEvidence {
    const from = nowMs - this.parameters.windowMs;
    const ecnStart = sampleAtOrBefore(this.ecn, from) ?? this.ecn[0];
    const ecnEnd = this.ecn[this.ecn.length - 1];
    const delta = ecnStart && ecnEnd ? counterDelta(ecnStart, ecnEnd) : { packets: 0, ect0: 0, ect1: 0, ce: 0, notEct: 0 };
    const playStart = sampleAtOrBefore(this.playout, nowMs - this.parameters.concealmentWindowMs) ?? this.playout[0];
    const playEnd = this.playout[this.playout.length - 1];
    let concealmentRatio: number | null = null;
    if (playStart && playEnd && playEnd !== playStart) {
      const emitted = playEnd.totalSamplesEmitted - playStart.totalSamplesEmitted;
      concealmentRatio = emitted > 0 ? (playEnd.concealedSamples - playStart.concealedSamples) / emitted : null;
    }
    const share = ect1Share(delta);
    return {
      packets: delta.packets,
      ect1Share: share,
      ceShare: ceShare(delta),
      delayEstimateMs: playEnd ? playEnd.delayEstimateMs : null,
      concealmentRatio,
      pathClass: classify(delta, share, this.sawL4s, this.parameters),
    };
  }
}

function push<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_SAMPLES) list.splice(0, list.length - MAX_SAMPLES);
}

/** The latest sample taken at or before `timeMs`. */
function sampleAtOrBefore<T extends { timeMs: number }>(list: T[], timeMs: number): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (list[i].timeMs <= timeMs) return list[i];
  return undefined;
}

function classify(delta: { packets: number; ect0: number; notEct: number }, share: number, sawL4s: boolean, p: EcnPolicyParameters): PathClass {
  if (delta.packets < p.minPacketsPerWindow) return 'unknown';
  if (share >= p.enterEct1Share) return 'l4s';
  if (sawL4s && share < p.leaveEct1Share) return 'bleached';
  if (delta.ect0 / delta.packets >= p.enterEct1Share) return 'classic-ecn';
  if (delta.notEct / delta.packets >= p.enterEct1Share) return 'not-ect';
  return 'mixed';
}
