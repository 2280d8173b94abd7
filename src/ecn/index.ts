// ECN evidence → profile (jitterlane/ecn): browser-safe, no Node imports.

export { EcnMonitor } from './monitor.js';
export type { EcnMonitorOptions, EcnEvidence, ProfileTarget, Scheduler } from './monitor.js';
export { EcnPolicy, DEFAULT_ECN_POLICY } from './policy.js';
export type { EcnPolicyParameters, EcnProfile, ProfileSwitch, WindowEvidence } from './policy.js';
export { ecnCountersFromReport } from './stats_source.js';
export type { StatsProvider } from './stats_source.js';
export { counterDelta, ect1Share, ceShare } from './evidence.js';
export type { EcnCounters, EcnSample, PlayoutEvidence, PathClass } from './evidence.js';
export { EcnTimeline } from './timeline.js';
