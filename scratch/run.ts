import { readTrace } from '../src/trace/index.js';
import { replay } from '../src/replay/driver.js';
import { computeMetrics, qualityCost } from '../src/replay/metrics.js';
import { traceFiles, defaultTraceDir } from '../src/replay/trace_set.js';
const only = process.argv[2];
for (const f of traceFiles(defaultTraceDir())) {
  if (only && !f.name.includes(only)) continue;
  const trace = readTrace(f.path);
  const row: string[] = [f.name.padEnd(34)];
  for (const profile of ['l4s', 'classic'] as const) {
    const r = replay(trace, { profile });
    const m = computeMetrics(r);
    row.push(`${profile}: cost ${qualityCost(m).toFixed(1).padStart(6)} lat ${m.meanAddedLatencyMs.toFixed(1).padStart(6)} conc ${(m.concealmentRatio*100).toFixed(2)}% late ${m.lateLost} acc ${(m.accelerateRatio*100).toFixed(1)}% dec ${(m.decelerateRatio*100).toFixed(1)}% rt ${m.realtimeFactor.toFixed(0)}`);
  }
  console.log(row.join(' | '));
}
