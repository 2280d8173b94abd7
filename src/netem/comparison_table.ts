// The live comparison as a markdown table: one row per player per trace,
// the figures the README quotes, with the run's method in the header lines.

import type { LiveComparison } from './live_comparison.js';

const fixed = (value: number | null | undefined, digits: number) => (value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));

/** Markdown for the runs of one invocation (`title` first, then one table). */
export function comparisonMarkdown(title: string, runs: LiveComparison[]): string {
  const lines = [
    `# ${title}`,
    '',
    '| trace | player | conceal % | concealment events / min | buffer delay ms | cost | end-to-end ms (p10–p90) | level dB | FEC recovered | load (1 min) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const run of runs) {
    for (const p of run.players) {
      const e2e = p.endToEnd ? `${fixed(p.endToEnd.medianMs, 1)} (${fixed(p.endToEnd.p10Ms, 0)}–${fixed(p.endToEnd.p90Ms, 0)})` : '—';
      lines.push(
        `| ${run.schedule.name} | ${p.player} | ${fixed(p.concealedPercent, 2)} | ${fixed(p.concealmentEventsPerMinute, 1)} | ${fixed(p.bufferDelayMs, 1)} | ${fixed(p.cost, 1)} | ${e2e} | ${fixed(p.levelDb, 1)} | ${p.fecRecovered ?? '—'} | ${fixed(run.loadBefore[0], 2)}→${fixed(run.loadAfter[0], 2)} |`,
      );
    }
  }
  lines.push('', '| trace | emulated packets lost % | reordered | release lateness p50 / p99 / max ms | measured s |', '|---|---|---|---|---|');
  for (const run of runs) {
    const streams = run.relay.streams;
    const packets = streams.reduce((n, s) => n + s.packets, 0);
    const lost = streams.reduce((n, s) => n + s.lost, 0);
    const reordered = streams.reduce((n, s) => n + s.reordered, 0);
    const l = run.relay.lateness;
    lines.push(`| ${run.schedule.name} | ${fixed((100 * lost) / Math.max(1, packets), 2)} | ${reordered} | ${fixed(l.p50Ms, 1)} / ${fixed(l.p99Ms, 1)} / ${fixed(l.maxMs, 1)} | ${fixed(run.seconds, 1)} |`);
  }
  return lines.join('\n') + '\n';
}
