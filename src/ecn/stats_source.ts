// Reading ECN counters out of getStats(): the received-RTP stats of an audio
// stream carry packetsReceivedWithEct1 and packetsReceivedWithCe where the
// browser implements them (webrtc-stats); elsewhere they are absent, and absent
// counters are no evidence (the policy then keeps or returns to classic).

import type { EcnCounters } from './evidence.js';

/** Anything with getStats(): an RTCPeerConnection, an RTCRtpReceiver. */
export interface StatsProvider {
  getStats(): Promise<{ forEach(callback: (value: Record<string, unknown>) => void): void }>;
}

/**
 * The cumulative ECN counters of the first inbound audio RTP stream in a
 * stats report, or null when the report has no such stream or no ECN fields.
 * ECT(0) is not reported by webrtc-stats: packets neither ECT(1) nor CE count as not ECT(1).
 */
export function ecnCountersFromReport(report: { forEach(callback: (value: Record<string, unknown>) => void): void }): EcnCounters | null {
  let found: EcnCounters | null = null;
  report.forEach((stats) => {
    if (found || stats.type !== 'inbound-rtp') return;
    if (stats.kind !== undefined && stats.kind !== 'audio') return;
    const packets = stats.packetsReceived;
    const ect1 = stats.packetsReceivedWithEct1;
    const ce = stats.packetsReceivedWithCe;
    if (typeof packets !== 'number' || typeof ect1 !== 'number') return;
    const ceCount = typeof ce === 'number' ? ce : 0;
    found = { packets, ect0: 0, ect1, ce: ceCount, notEct: Math.max(0, packets - ect1 - ceCount) };
  });
  return found;
}
