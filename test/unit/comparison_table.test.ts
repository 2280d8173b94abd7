// The live comparison's markdown (npm run versus-neteq): the README's table
// comes from it, so every figure it promises must be in it, artefacts next to
// latency: concealment events, stretched audio for every player, and for
// jitterlane the episodes and stretches its flight recording's replay counted.

import { describe, expect, it } from 'vitest';
import { comparisonMarkdown } from '../../src/netem/comparison_table.js';
import type { LiveComparison, PlayerFigures } from '../../src/netem/live_comparison.js';

function player(name: string, overrides: Partial<PlayerFigures>): PlayerFigures {
  return {
    player: name,
    stream: 'l4s',
    concealedPercent: 0.01,
    concealmentEventsPerMinute: 1.5,
    stretchedMsPerMinute: 22.4,
    artefacts: null,
    flightMatches: null,
    bufferDelayMs: 11.7,
    targetDelayMs: 12,
    cost: 12.5,
    endToEnd: { medianMs: 42.5, p10Ms: 38, p90Ms: 48, windows: 50, matched: 50 } as unknown as PlayerFigures['endToEnd'],
    levelDb: -0.2,
    fecPacketsReceived: 0,
    fecRecovered: null,
    packetsReceived: 6000,
    ...overrides,
  };
}

const run = {
  schedule: { name: 'fq_codel', meanDelayMs: 0.8, lossPercent: 0, packets: 6250 },
  paceMs: 0,
  seconds: 120,
  busy: false,
  loadBefore: [0.1, 0, 0],
  loadAfter: [0.2, 0, 0],
  outputLatencyMs: 0,
  baseLatencyMs: 0,
  transport: 'port',
  players: [
    player('NetEq', { bufferDelayMs: 30.4, stretchedMsPerMinute: 3.6, cost: 31 }),
    player('jitterlane l4s', {
      fecRecovered: 0,
      flightMatches: true,
      artefacts: { minutes: 2, concealmentEpisodes: 3, concealmentEpisodesPerMin: 1.5, stretches: 9, stretchesPerMin: 4.5, stretchedMsPerMin: 22.4, merges: 3, artefactsPerMin: 6 },
    }),
  ],
  relay: { streams: [], lateness: { p50Ms: 0.8, p99Ms: 1.2, maxMs: 4.7 } },
} as unknown as LiveComparison;

describe('comparisonMarkdown', () => {
  it('puts artefacts next to latency: stretched ms a minute for both players, episodes + stretches for jitterlane', () => {
    const md = comparisonMarkdown('test', [run]);
    const summary = md.split('\n').find((l) => l.startsWith('| fq_codel (0.1→0.2)'))!;
    expect(summary).toContain('| 31.0 / 12.5 | 4 / 22 | 6.0 |');
    const ours = md.split('\n').find((l) => l.startsWith('| fq_codel | jitterlane l4s'))!;
    expect(ours).toContain('| 1.5 | 22 | 1.5 · 4.5 · 6.0 | 11.7 |');
    const neteq = md.split('\n').find((l) => l.startsWith('| fq_codel | NetEq'))!;
    expect(neteq).toContain('| 1.5 | 4 | — | 30.4 |');
  });

  it('says so when a flight recording did not replay to the live output', () => {
    const differs = { ...run, players: [run.players[0], { ...run.players[1], flightMatches: false }] } as LiveComparison;
    expect(comparisonMarkdown('test', [differs])).toContain('1.5 · 4.5 · 6.0 (replay differs)');
  });
});
