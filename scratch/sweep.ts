import { readTrace } from '../src/trace/index.js';
import { replay } from '../src/replay/driver.js';
import { computeMetrics } from '../src/replay/metrics.js';
import { traceFiles, defaultTraceDir } from '../src/replay/trace_set.js';
const ref: Record<string, number> = { d6g: 26.7, noload: 11.3, dualpi2_l: 25.8, fq_codel: 11.4, skype: 32.9, starlink: 131.7, mahimahi: 238.6, MagicJack: 11.6, conversacion: 41.2, opus: 11.9 };
const variant = JSON.parse(process.argv[2] ?? '{}');
const traces = traceFiles(defaultTraceDir()).map((f) => ({ f, t: readTrace(f.path) }));
const out: string[] = [];
let sumRatio = 0;
for (const { f, t } of traces) {
  const r = replay(t, { profile: { floorMs: 10, ceilingMs: 1000, ...variant } });
  const m = computeMetrics(r);
  const lateConc = Math.max(0, m.concealmentRatio - (m.networkLost * 960) / r.stats.totalSamplesEmitted);
  const c = m.meanAddedLatencyMs + 2000 * lateConc;
  const refCost = Object.entries(ref).find(([k]) => f.name.includes(k))![1];
  sumRatio += Math.log(c / refCost);
  out.push(`${f.name.slice(0, 12)} ${c.toFixed(1)}${c < refCost ? '' : '!'}`);
}
console.log(JSON.stringify(variant), out.join(' '), 'geo', Math.exp(sumRatio / traces.length).toFixed(3));
