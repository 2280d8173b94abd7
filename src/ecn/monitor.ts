// EcnMonitor: gathers ECN evidence (getStats, app-fed counters, replay
// timelines) and the engine's view of the path, runs the policy, and drives
// a playout node's setProfile(). Main thread; the clock and the scheduler are
// injectable so the whole loop is tested deterministically.

import type { EcnCounters, PathClass, PlayoutEvidence } from './evidence.js';
import { EcnPolicy, type EcnPolicyParameters, type EcnProfile, type ProfileSwitch } from './policy.js';
import { ecnCountersFromReport, type StatsProvider } from './stats_source.js';

/** What the monitor steers: JitterlaneNode, an Engine, or anything with setProfile. */
export interface ProfileTarget {
  setProfile(profile: EcnProfile): void;
}

/** Timer functions, injectable for tests (defaults: setInterval / clearInterval). */
export interface Scheduler {
  every(intervalMs: number, callback: () => void): () => void;
}

export interface EcnMonitorOptions {
  /** Receives setProfile() on every switch. */
  target?: ProfileTarget;
  /** ms; default performance.now(). */
  clock?: () => number;
  scheduler?: Scheduler;
  /** The engine's view of the path, read at every evaluation (e.g. from node stats). */
  playout?: () => PlayoutEvidence | null;
  policy?: Partial<EcnPolicyParameters>;
}

/** Evidence for dashboards ("tag sessions with the L4S signal"). */
export interface EcnEvidence {
  profile: EcnProfile;
  pathClass: PathClass;
  ect1Share: number;
  ceShare: number;
  packetsInWindow: number;
  timeInProfileMs: Record<EcnProfile, number>;
  switches: ProfileSwitch[];
}

const defaultScheduler: Scheduler = {
  every(intervalMs, callback) {
    const id = setInterval(callback, intervalMs);
    return () => clearInterval(id);
  },
};

export class EcnMonitor extends EventTarget {
  readonly policy: EcnPolicy;
  private readonly clock: () => number;
  private readonly scheduler: Scheduler;
  private readonly target?: ProfileTarget;
  private readonly playout?: () => PlayoutEvidence | null;
  private readonly stops: (() => void)[] = [];
  private readonly switches: ProfileSwitch[] = [];
  private readonly timeIn: Record<EcnProfile, number> = { l4s: 0, classic: 0 };
  private lastTickMs: number | null = null;

  constructor(options: EcnMonitorOptions = {}) {
    super();
    this.policy = new EcnPolicy(options.policy);
    this.clock = options.clock ?? (() => performance.now());
    this.scheduler = options.scheduler ?? defaultScheduler;
    this.target = options.target;
    this.playout = options.playout;
  }

  /** The active profile. */
  get profile(): EcnProfile {
    return this.policy.profile;
  }

  /** App-fed counters (cumulative, like getStats), e.g. from a server that sees the ECN of what it receives. */
  report(counters: EcnCounters, timeMs: number = this.clock()): void {
    for (const [name, value] of Object.entries(counters)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`EcnMonitor.report: ${name} must be a finite count ≥ 0, got ${value}`);
    }
    this.policy.observeEcn({ ...counters, timeMs });
  }

  /** Polls a peer connection or receiver's getStats() every `intervalMs` for its ECN counters. */
  watchStats(provider: StatsProvider, intervalMs = 1000): void {
    const poll = async () => {
      try {
        const counters = ecnCountersFromReport(await provider.getStats());
        if (counters) this.report(counters);
      } catch {
        // A failing getStats is missing evidence: the staleness rule handles it.
      }
    };
    this.stops.push(this.scheduler.every(intervalMs, () => void poll()));
  }

  /** Evaluates every `intervalMs` until stop(). */
  start(intervalMs = 500): void {
    this.stops.push(this.scheduler.every(intervalMs, () => this.evaluate()));
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** Runs the policy now; applies and announces a switch. */
  evaluate(nowMs: number = this.clock()): ProfileSwitch | null {
    if (this.lastTickMs !== null) this.timeIn[this.policy.profile] += Math.max(0, nowMs - this.lastTickMs);
    this.lastTickMs = nowMs;
    const playout = this.playout?.();
    if (playout) this.policy.observePlayout(playout);
    const change = this.policy.evaluate(nowMs);
    if (change) {
      this.switches.push(change);
      this.target?.setProfile(change.to);
      this.dispatchEvent(new CustomEvent<ProfileSwitch>('switch', { detail: change }));
    }
    return change;
  }

  /** The current evidence and history. */
  evidence(): EcnEvidence {
    const w = this.policy.lastWindow;
    return {
      profile: this.policy.profile,
      pathClass: w.pathClass,
      ect1Share: w.ect1Share,
      ceShare: w.ceShare,
      packetsInWindow: w.packets,
      timeInProfileMs: { ...this.timeIn },
      switches: [...this.switches],
    };
  }
}
