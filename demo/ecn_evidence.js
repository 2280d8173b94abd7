// The ECN counters the demo reports to the EcnMonitor, as an app's server
// would (cumulative, like getStats). Each delivered packet is counted under
// the codepoint it arrived with, with the page's "ECN evidence" switch on top:
//   on:  the packet's own mark when the capture has an L4S one (ECT(1) or CE),
//        else ECT(1) — an L4S path end to end. None of the shared captures
//        carry ECT(1) (their packets are Not-ECT, or the format has no ECN
//        field), so without this stand-in the auto profile could never be
//        seen entering l4s.
//   off: Not-ECT — the marks bleached by a middlebox, which the policy must
//        notice and leave l4s for at once.

/** IP ECN codepoints as the trace readers give them (−1: the format has no ECN field). */
const ECT1 = 1;
const ECT0 = 2;
const CE = 3;

export class EcnCounts {
  constructor() {
    this.counters = { packets: 0, ect0: 0, ect1: 0, ce: 0, notEct: 0 };
    /** What the capture itself says, for the page to show next to the switch. */
    this.captured = { ect0: 0, ect1: 0, ce: 0, notEct: 0, unknown: 0 };
  }

  /** Counts one delivered packet whose captured codepoint is `ecn`. */
  count(ecn, evidenceOn) {
    const c = this.captured;
    if (ecn === ECT1) c.ect1++;
    else if (ecn === ECT0) c.ect0++;
    else if (ecn === CE) c.ce++;
    else if (ecn === 0) c.notEct++;
    else c.unknown++;

    this.counters.packets++;
    if (!evidenceOn) this.counters.notEct++;
    else if (ecn === CE) this.counters.ce++;
    else this.counters.ect1++;
  }

  /** Cumulative counters (a copy: the monitor keeps what it is given). */
  snapshot() {
    return { ...this.counters };
  }
}
