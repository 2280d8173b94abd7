// floor: what any player pays per quantum however clever it is — copying 128
// float32 frames out of a view over WASM memory into the worklet's output
// array. Every engine figure is read against it.

import type { Engine } from '../../src/engine/index.js';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import { SteadyFeed, QUANTUM } from '../steady_feed.js';
import type { Suite } from '../suite.js';
import { timeTasks, type TimedTask } from '../timing.js';
import { voicedPayloads } from '../voiced_signal.js';

/** Copies per task call: some tens of µs, well above timer resolution. */
const COPIES_PER_CALL = 1000;

/** Read after each batch so the copies cannot be optimised away. */
let sink = 0;

/** A 128-frame view onto an engine's output in WASM memory, holding voiced audio. */
function wasmOutputView(engine: Engine): Float32Array {
  const feed = new SteadyFeed(engine, voicedPayloads());
  for (let i = 0; i < 30; i++) feed.quantum(null);
  const view = engine.pull(QUANTUM)[0];
  return new Float32Array(view.buffer, view.byteOffset, QUANTUM);
}

/** The floor itself: TypedArray.set from the WASM view, the cheapest copy JavaScript has. */
export function floorCopyTask(name = 'floor: copy 128 frames (set)'): TimedTask {
  const source = wasmOutputView(loadEngineModule().createEngine({ codec: 'PCM16LE' }));
  const target = new Float32Array(QUANTUM);
  return {
    name,
    ops: COPIES_PER_CALL,
    fn: () => {
      for (let i = 0; i < COPIES_PER_CALL; i++) target.set(source);
      sink += target[sink & 127];
    },
  };
}

/** The same copy as an indexed loop, as worklets often write it: for comparison only. */
function loopCopyTask(): TimedTask {
  const source = wasmOutputView(loadEngineModule().createEngine({ codec: 'PCM16LE' }));
  const target = new Float32Array(QUANTUM);
  return {
    name: 'copy 128 frames (indexed loop)',
    ops: COPIES_PER_CALL,
    fn: () => {
      for (let i = 0; i < COPIES_PER_CALL; i++) {
        for (let f = 0; f < QUANTUM; f++) target[f] = source[f];
      }
      sink += target[sink & 127];
    },
  };
}

export const floorSuite: Suite = {
  name: 'floor',
  title: 'copying 128 float32 frames from a view over WASM memory into a Float32Array',
  async run(options) {
    const floor = floorCopyTask();
    const loop = loopCopyTask();
    const t = timeTasks([floor, loop], options);
    const set = t.get(floor.name)!;
    const indexed = t.get(loop.name)!;
    return {
      figures: [
        { name: floor.name, value: set.nsPerOp, unit: 'ns', spreadPercent: set.spreadPercent },
        { name: loop.name, value: indexed.nsPerOp, unit: 'ns', spreadPercent: indexed.spreadPercent },
        { name: 'indexed loop / set', value: indexed.nsPerOp / set.nsPerOp, unit: '×' },
      ],
      notes: [],
      details: { copiesPerCall: COPIES_PER_CALL, timings: Object.fromEntries(t) },
    };
  },
};
