// The live comparison as a markdown table: one row per player per trace,
// the figures the README quotes, with the run's method in the header lines.

import type { LiveComparison } from './live_comparison.js';

const fixed = (value: number | null | undefined, digits: number) => (value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));

/** One row per trace: each player's concealment, events, buffer and end-to-end delay, then the costs (the README's table). */
export function comparisonSummary(runs: LiveComparison[]): string {
  const players = [...new Set(runs.flatMap((run) => run.players.map((p) => p.player)))];
  const ours = players.filter((p) => p !== 'NetEq');
  const lines = [
    `| trace (load) | ${players.map((p) => `${p}: conceal % · events/min · buffer ms · end-to-end ms`).join(' | ')} | cost ${players.join(' / ')} | stretched ms/min ${players.join(' / ')} | artefacts/min (episodes + stretches) ${ours.join(' / ')} |`,
    `|---|${players.map(() => '---|').join('')}---|---|---|`,
  ];
  for (const run of runs) {
    // NetEq twins of every stream agree (same frames, same moment): the first one stands for them.
    const byPlayer = players.map((name) => run.players.find((p) => p.player === name));
    const cells = byPlayer.map((p) => (p ? `${fixed(p.concealedPercent, 2)} · ${fixed(p.concealmentEventsPerMinute, 1)} · ${fixed(p.bufferDelayMs, 1)} · ${fixed(p.endToEnd?.medianMs, 0)}` : '—'));
    const artefacts = ours.map((name) => fixed(run.players.find((p) => p.player === name)?.artefacts?.artefactsPerMin, 1));
    lines.push(
      `| ${run.schedule.name} (${fixed(run.loadBefore[0], 1)}→${fixed(run.loadAfter[0], 1)}) | ${cells.join(' | ')} | ${byPlayer.map((p) => fixed(p?.cost, 1)).join(' / ')} | ${byPlayer.map((p) => fixed(p?.stretchedMsPerMinute, 0)).join(' / ')} | ${artefacts.join(' / ')} |`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Markdown for the runs of one invocation: `title`, the summary, then every player of every trace, then the relay's figures. */
export function comparisonMarkdown(title: string, runs: LiveComparison[]): string {
  const lines = [
    `# ${title}`,
    '',
    comparisonSummary(runs),
    '| trace | player | conceal % | concealment events / min | stretched ms / min | episodes · stretches · artefacts / min (flight replay) | buffer delay ms | cost | end-to-end ms (p10–p90) | end-to-end − buffer − network ms | level dB | FEC recovered | load (1 min) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const run of runs) {
    // What the end-to-end delay holds besides the buffer and the emulated network: capture, Opus,
    // decoding and the way back into WebAudio. About constant for a player whose stats are right.
    // The network is the schedule's mean delay plus the relay's pacing (the same for every player).
    const rest = (p: (typeof run.players)[number]) => (p.endToEnd ? p.endToEnd.medianMs - p.bufferDelayMs - run.schedule.meanDelayMs - (run.paceMs ?? 0) : null);
    for (const p of run.players) {
      const e2e = p.endToEnd ? `${fixed(p.endToEnd.medianMs, 1)} (${fixed(p.endToEnd.p10Ms, 0)}–${fixed(p.endToEnd.p90Ms, 0)})` : '—';
      const a = p.artefacts;
      const heard = a ? `${fixed(a.concealmentEpisodesPerMin, 1)} · ${fixed(a.stretchesPerMin, 1)} · ${fixed(a.artefactsPerMin, 1)}${p.flightMatches ? '' : ' (replay differs)'}` : '—';
      lines.push(
        `| ${run.schedule.name} | ${p.player} | ${fixed(p.concealedPercent, 2)} | ${fixed(p.concealmentEventsPerMinute, 1)} | ${fixed(p.stretchedMsPerMinute, 0)} | ${heard} | ${fixed(p.bufferDelayMs, 1)} | ${fixed(p.cost, 1)} | ${e2e} | ${fixed(rest(p), 1)} | ${fixed(p.levelDb, 1)} | ${p.fecRecovered ?? '—'} | ${fixed(run.loadBefore[0], 2)}→${fixed(run.loadAfter[0], 2)} |`,
      );
    }
  }
  lines.push('', '| trace | emulated packets lost % | reordered | release lateness p50 / p99 / max ms | pace ms · sender lateness p50 / p99 / max ms · sent late | measured s |', '|---|---|---|---|---|---|');
  for (const run of runs) {
    const streams = run.relay.streams;
    const packets = streams.reduce((n, s) => n + s.packets, 0);
    const lost = streams.reduce((n, s) => n + s.lost, 0);
    const reordered = streams.reduce((n, s) => n + s.reordered, 0);
    const l = run.relay.lateness;
    const s = streams.find((x) => x.senderLatenessMs);
    const pacing = s?.senderLatenessMs ? `${run.paceMs} · ${fixed(s.senderLatenessMs.p50Ms, 1)} / ${fixed(s.senderLatenessMs.p99Ms, 1)} / ${fixed(s.senderLatenessMs.maxMs, 1)} · ${s.senderLate}` : 'off';
    lines.push(`| ${run.schedule.name} | ${fixed((100 * lost) / Math.max(1, packets), 2)} | ${reordered} | ${fixed(l.p50Ms, 1)} / ${fixed(l.p99Ms, 1)} / ${fixed(l.maxMs, 1)} | ${pacing} | ${fixed(run.seconds, 1)} |`);
  }
  return lines.join('\n') + '\n';
}
