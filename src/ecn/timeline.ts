// ECN evidence for replays: cumulative counters over time, from a capture's
// own IP ECN bits or from a CSV `time_ms,ect0,ect1,ce,not_ect` of cumulative
// counters (what an app's server would have reported).

import type { EcnCounters, EcnSample } from './evidence.js';

/** Cumulative ECN counters as a step function of time. */
export class EcnTimeline {
  private readonly samples: EcnSample[];

  constructor(samples: EcnSample[]) {
    this.samples = [...samples].sort((a, b) => a.timeMs - b.timeMs);
  }

  /** From per-packet ECN codepoints (0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE; −1 unknown, skipped) at their arrival times. */
  static fromPackets(packets: { arrivalMs: number; ecn: number }[]): EcnTimeline {
    const sorted = [...packets].filter((p) => p.ecn >= 0).sort((a, b) => a.arrivalMs - b.arrivalMs);
    const counts: EcnCounters = { packets: 0, ect0: 0, ect1: 0, ce: 0, notEct: 0 };
    const samples: EcnSample[] = [];
    for (const p of sorted) {
      counts.packets++;
      if (p.ecn === 1) counts.ect1++;
      else if (p.ecn === 2) counts.ect0++;
      else if (p.ecn === 3) counts.ce++;
      else counts.notEct++;
      samples.push({ ...counts, timeMs: p.arrivalMs });
    }
    return new EcnTimeline(samples);
  }

  /** From CSV text with the header `time_ms,ect0,ect1,ce,not_ect`; throws naming the line on malformed rows. */
  static fromCsv(text: string, name = 'ECN CSV'): EcnTimeline {
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    if (lines[0]?.trim() !== 'time_ms,ect0,ect1,ce,not_ect') throw new Error(`${name}: the header must be "time_ms,ect0,ect1,ce,not_ect"`);
    const samples = lines.slice(1).map((line, i) => {
      const fields = line.split(',').map(Number);
      if (fields.length !== 5 || fields.some((v) => !Number.isFinite(v) || v < 0)) throw new Error(`${name}: line ${i + 2} is not five non-negative numbers: ${line}`);
      const [timeMs, ect0, ect1, ce, notEct] = fields;
      return { timeMs, ect0, ect1, ce, notEct, packets: ect0 + ect1 + ce + notEct };
    });
    return new EcnTimeline(samples);
  }

  /** True when there is no evidence at all. */
  get empty(): boolean {
    return this.samples.length === 0;
  }

  /** Counters as of `timeMs` (the latest sample at or before it), or null before the first. */
  at(timeMs: number): EcnSample | null {
    let lo = 0;
    let hi = this.samples.length - 1;
    let found: EcnSample | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.samples[mid].timeMs <= timeMs) {
        found = this.samples[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
