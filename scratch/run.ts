import { readTrace } from '../src/trace/index.js';
import { replay } from '../src/replay/driver.js';
import { computeMetrics, qualityCost } from '../src/replay/metrics.js';
import { traceFiles, defaultTraceDir } from '../src/replay/trace_set.js';
const only = process.argv[2];
const ref: Record<string, number> = { d6g: 26.7, noload: 11.3, dualpi2_l: 25.8, fq_codel: 11.4, skype: 32.9, starlink: 131.7, mahimahi: 238.6, MagicJack: 11.6, conversacion: 41.2, opus: 11.9 };
let fails = 0;
for (const f of traceFiles(defaultTraceDir())) {
  if (only && !f.name.includes(only)) continue;
  const trace = readTrace(f.path);
  const row: string[] = [f.name.slice(0, 28).padEnd(28)];
  const refCost = Object.entries(ref).find(([k]) => f.name.includes(k))![1];
  for (const profile of ['l4s', 'classic'] as const) {
    const r = replay(trace, { profile });
    const m = computeMetrics(r);
    const lostShare = (m.networkLost * 960) / r.stats.totalSamplesEmitted;
    const lateConc = Math.max(0, m.concealmentRatio - lostShare);
    const costLate = m.meanAddedLatencyMs + 2000 * lateConc;
    if (profile === 'l4s' && costLate >= refCost) fails++;
    row.push(`${profile}: cost ${qualityCost(m).toFixed(1).padStart(6)} late-cost ${costLate.toFixed(1).padStart(6)}${profile === 'l4s' ? (costLate < refCost ? ' ok ' : ' XX ') + refCost : ''} lat ${m.meanAddedLatencyMs.toFixed(1).padStart(6)} conc ${(m.concealmentRatio*100).toFixed(2)}% lateconc ${(lateConc*100).toFixed(2)}%`);
  }
  console.log(row.join(' | '));
}
console.log('fails', fails);
