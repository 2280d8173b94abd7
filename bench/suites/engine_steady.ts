// engine steady: one engine on a healthy stream — PCM16LE 48 kHz mono, a
// 20 ms packet per 7.5 pulls, 128-frame pulls copied out with pullInto (the
// worklet's call). Timed in one bench with the floor and the naive player, so
// the ratios come from the same minute of the same machine.

import type { Engine } from '../../src/engine/index.js';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import { SteadyFeed, QUANTUM } from '../steady_feed.js';
import { atMost, type Suite } from '../suite.js';
import { timeTasks, type TimedTask } from '../timing.js';
import { voicedPayloads } from '../voiced_signal.js';
import { floorCopyTask } from './floor.js';
import { naivePlayerTask } from './naive_player.js';

/** Pulls per task call: whole 7/8 cycles. */
const PULLS_PER_CALL = 300;

let sink = 0;

function engineTask(name: string, engine: Engine, copy: boolean): TimedTask {
  const feed = new SteadyFeed(engine, voicedPayloads());
  const out = copy ? [new Float32Array(QUANTUM)] : null;
  return {
    name,
    ops: PULLS_PER_CALL,
    fn: () => {
      for (let i = 0; i < PULLS_PER_CALL; i++) feed.quantum(out);
      if (out) sink += out[0][sink & 127];
    },
  };
}

export const engineSteadySuite: Suite = {
  name: 'steady',
  title: 'one engine, PCM16LE 48 kHz mono, a 20 ms packet per 7.5 pulls of 128 frames',
  async run(options) {
    const module = loadEngineModule();
    const engine = module.createEngine({ codec: 'PCM16LE' });
    const other = module.createEngine({ codec: 'PCM16LE' });
    // Creating the second engine grew memory and detached the first one's views, and pullInto
    // does not rebuild views (it would copy from the detached buffer: NaN); any getter such as inputView does.
    void engine.inputView;
    const floor = floorCopyTask();
    const naive = naivePlayerTask();
    const steady = engineTask('engine: insert share + pull + copy out', engine, true);
    const alone = engineTask('engine: insert share + pull, no copy', other, false);
    const t = timeTasks([floor, naive, steady, alone], options);
    const [f, n, s, a] = [floor, naive, steady, alone].map((task) => t.get(task.name)!);
    const stats = engine.stats();
    const stretched = stats.removedSamplesForAcceleration + stats.insertedSamplesForDeceleration;
    return {
      figures: [
        { name: floor.name, value: f.nsPerOp, unit: 'ns', spreadPercent: f.spreadPercent },
        { name: naive.name, value: n.nsPerOp, unit: 'ns', spreadPercent: n.spreadPercent },
        { name: steady.name, value: s.nsPerOp, unit: 'ns', spreadPercent: s.spreadPercent },
        { name: alone.name, value: a.nsPerOp, unit: 'ns', spreadPercent: a.spreadPercent },
        { name: 'engine / floor', value: s.nsPerOp / f.nsPerOp, unit: '×', goal: atMost(5, '≤ 5×') },
        { name: 'engine / naive player', value: s.nsPerOp / n.nsPerOp, unit: '×', goal: atMost(1, '≤ 1×') },
      ],
      notes: [
        `the timed engine played ${(stats.totalSamplesEmitted / 48000).toFixed(0)} s: ` +
          `${((100 * stats.concealedSamples) / Math.max(1, stats.totalSamplesEmitted)).toFixed(3)} % concealed, ` +
          `${((100 * stretched) / Math.max(1, stats.totalSamplesEmitted)).toFixed(3)} % stretched, ` +
          `buffer ${stats.bufferedMs.toFixed(1)} ms at the end (target ${stats.targetDelayMs.toFixed(0)} ms)`,
      ],
      details: { pullsPerCall: PULLS_PER_CALL, timings: Object.fromEntries(t), engineStats: stats },
    };
  },
};
