// engine stressed: one engine on bench/stressed_stream.ts (jitter, 5 % loss,
// reordering, a profile switch every second), amortised per 128-frame quantum
// over whole seconds, inserts and switches included. A separate pass with the
// event log on counts what the engine did; the timed engine runs without it,
// as in the worklet.

import type { EngineEventKind } from '../../src/engine/index.js';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import { QUANTUM } from '../steady_feed.js';
import { StressedStream, QUANTA_PER_SWITCH } from '../stressed_stream.js';
import { atMost, type Figure, type Suite } from '../suite.js';
import { timeTasks } from '../timing.js';
import { voicedPayloads, SAMPLE_RATE } from '../voiced_signal.js';

/** The operations the suite exists to exercise, as the event log names them. */
const COUNTED: { kinds: EngineEventKind[]; label: string }[] = [
  { kinds: ['accelerate', 'accelerate-fast'], label: 'accelerate' },
  { kinds: ['preemptive-expand'], label: 'preemptive expand' },
  { kinds: ['expand'], label: 'concealment (expand)' },
  { kinds: ['merge'], label: 'merge' },
  { kinds: ['late'], label: 'late packets' },
];

let sink = 0;

/** Plays `seconds` of the stream on an engine with the event log on, and counts events by kind. */
function countOperations(seconds: number): Record<string, number> {
  const engine = loadEngineModule().createEngine({ codec: 'PCM16LE', eventLog: true });
  const stream = new StressedStream(engine, voicedPayloads());
  const out = [new Float32Array(QUANTUM)];
  const counts: Record<string, number> = {};
  const quanta = Math.round((seconds * SAMPLE_RATE) / QUANTUM);
  for (let q = 0; q < quanta; q++) {
    stream.quantum(out);
    for (const event of engine.drainEvents()) counts[event.kind] = (counts[event.kind] ?? 0) + 1;
  }
  return counts;
}

export const engineStressedSuite: Suite = {
  name: 'stressed',
  title: 'one engine under jitter, 5 % loss and a profile switch every second, per quantum',
  async run(options) {
    const engine = loadEngineModule().createEngine({ codec: 'PCM16LE' });
    const stream = new StressedStream(engine, voicedPayloads());
    const out = [new Float32Array(QUANTUM)];
    const name = 'engine: quantum under stress';
    const t = timeTasks(
      [
        {
          name,
          ops: QUANTA_PER_SWITCH,
          fn: () => {
            for (let q = 0; q < QUANTA_PER_SWITCH; q++) stream.quantum(out);
            sink += out[0][sink & 127];
          },
        },
      ],
      options,
      16,
    ).get(name)!;

    const countSeconds = options.quick ? 2 : 60;
    const counts = countOperations(countSeconds);
    const perSecond = (kinds: EngineEventKind[]) => kinds.reduce((sum, kind) => sum + (counts[kind] ?? 0), 0) / countSeconds;
    const figures: Figure[] = [
      { name, value: t.nsPerOp / 1000, unit: 'µs', spreadPercent: t.spreadPercent, goal: atMost(20, '≤ 20 µs') },
      { name: 'share of the 2.667 ms quantum', value: (100 * t.nsPerOp) / ((QUANTUM / SAMPLE_RATE) * 1e9), unit: '%' },
      ...COUNTED.map(({ kinds, label }) => ({ name: `${label} per second`, value: perSecond(kinds), unit: '/s' })),
    ];
    const stats = engine.stats();
    return {
      figures,
      notes: [
        `operations counted over ${countSeconds} s of the same stream with the event log on (not timed)`,
        `the timed engine: ${((100 * stats.concealedSamples) / Math.max(1, stats.totalSamplesEmitted)).toFixed(1)} % of output concealed, ` +
          `${stats.packetsLate} late of ${stats.packetsReceived} received, ${stats.profileSwitches} profile switches`,
      ],
      details: { quantaPerCall: QUANTA_PER_SWITCH, timing: t, countSeconds, eventCounts: counts, engineStats: stats },
    };
  },
};
