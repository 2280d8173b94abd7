// How late things were, in milliseconds, without keeping every value: bins of
// 0.1 ms up to 100 ms (later values all land in the last bin) and the exact
// maximum. Bounded memory for calls of any length.

const BIN_MS = 0.1;
const BINS = 1000;

/** Percentiles (±0.1 ms) and the exact maximum of the values counted, ms. */
export interface LatenessFigures {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class LatenessHistogram {
  private readonly bins = new Uint32Array(BINS);
  private total = 0;
  private maxMs = 0;

  /** Counts one value, ms (negative values count as 0). */
  count(lateMs: number): void {
    const ms = Math.max(0, lateMs);
    this.total++;
    this.maxMs = Math.max(this.maxMs, ms);
    this.bins[Math.min(BINS - 1, Math.floor(ms / BIN_MS))]++;
  }

  figures(): LatenessFigures {
    return { count: this.total, p50Ms: this.percentile(0.5), p99Ms: this.percentile(0.99), maxMs: this.maxMs };
  }

  private percentile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (let bin = 0; bin < BINS; bin++) {
      seen += this.bins[bin];
      if (seen >= rank) return (bin + 1) * BIN_MS;
    }
    return this.maxMs;
  }
}
