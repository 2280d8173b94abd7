// scale: how many streams one core plays in real time. N engines share one
// module (one WASM memory, as a server or a many-party client would hold
// them) and are pulled round-robin, each on the steady cadence with its packet
// phase staggered; a timed call pulls 15 quanta (two packets' worth) from all N. A stream-quantum
// must fit 2.667 ms / streams, so streams per core = 2.667 ms / (time per
// stream-quantum). Memory per stream comes from memory.buffer growing as the
// engines are created (see bench/memory_growth.ts).

import { loadEngineModule } from '../../src/engine/node_loader.js';
import { memoryGrowth } from '../memory_growth.js';
import { SteadyFeed, QUANTUM } from '../steady_feed.js';
import { atLeast, atMost, type Figure, type Suite } from '../suite.js';
import { timeTasks } from '../timing.js';
import { SAMPLE_RATE, voicedPayloads } from '../voiced_signal.js';

const QUANTUM_NS = (QUANTUM / SAMPLE_RATE) * 1e9;
/**
 * Rounds per timed call: one whole 7/8 cycle, so that every call holds each
 * stream's two packets. With fewer, the median call would be one without an
 * insert and leave the decoding out.
 */
const ROUNDS_PER_CALL = 15;
const KIB = 1024;

let sink = 0;

export const scaleSuite: Suite = {
  name: 'scale',
  title: 'N engines in one module pulled round-robin on steady input: streams per core, memory per stream',
  async run(options) {
    const counts = options.quick ? [100] : [1, 100, 1000];
    const figures: Figure[] = [];
    const notes: string[] = [];
    const details: Record<string, unknown> = {};
    let singleNs = NaN;
    for (const n of counts) {
      // A fresh module per N: its memory starts empty, so its growth is these engines'.
      const module = loadEngineModule();
      const memory = module.exports.memory;
      const startBytes = memory.buffer.byteLength;
      const sizes: number[] = [];
      const feeds: SteadyFeed[] = [];
      for (let i = 0; i < n; i++) {
        feeds.push(new SteadyFeed(module.createEngine({ codec: 'PCM16LE' }), voicedPayloads(), i % 15));
        sizes.push(memory.buffer.byteLength);
      }
      // Creations that grew memory detached the earlier engines' views, and pullInto does not
      // rebuild views (it would copy from the detached buffer: NaN); any getter such as inputView does.
      for (const feed of feeds) void feed.engine.inputView;
      const growth = memoryGrowth(startBytes, sizes);
      const out = [new Float32Array(QUANTUM)];
      const name = `N = ${n}: pull ${ROUNDS_PER_CALL} quanta from each`;
      const t = timeTasks(
        [
          {
            name,
            ops: n * ROUNDS_PER_CALL,
            fn: () => {
              for (let r = 0; r < ROUNDS_PER_CALL; r++) {
                for (let i = 0; i < feeds.length; i++) feeds[i].quantum(out);
              }
              sink += out[0][sink & 127];
            },
          },
        ],
        options,
        options.quick ? 8 : 64,
      ).get(name)!;
      const perStream = t.nsPerOp;
      if (n === 1) singleNs = perStream;
      figures.push(
        { name: `N = ${n}: time per quantum, all streams`, value: (perStream * n) / 1000, unit: 'µs', spreadPercent: t.spreadPercent },
        { name: `N = ${n}: time per stream-quantum`, value: perStream, unit: 'ns' },
        { name: `N = ${n}: streams per core`, value: QUANTUM_NS / perStream, unit: '', goal: atLeast(5000, '≥ 5000') },
      );
      if (n > 1 && Number.isFinite(singleNs)) figures.push({ name: `N = ${n}: stream-quantum / one engine alone`, value: perStream / singleNs, unit: '×' });
      if (n > 1) {
        figures.push(
          { name: `N = ${n}: memory growth per engine (raw)`, value: growth.rawBytesPerEngine / KIB, unit: 'KiB' },
          { name: `N = ${n}: memory per engine (marginal)`, value: growth.marginalBytesPerEngine / KIB, unit: 'KiB', goal: atMost(512, '≤ 512 KiB') },
        );
        notes.push(`N = ${n}: memory ${(growth.startBytes / KIB / KIB).toFixed(2)} → ${(growth.endBytes / KIB / KIB).toFixed(0)} MiB; the allocator doubles memory when full, so the raw figure carries unused headroom`);
      }
      const concealed = feeds.reduce((sum, feed) => sum + feed.engine.stats().concealedSamples, 0);
      const emitted = feeds.reduce((sum, feed) => sum + feed.engine.stats().totalSamplesEmitted, 0);
      notes.push(`N = ${n}: ${((100 * concealed) / Math.max(1, emitted)).toFixed(3)} % of all output concealed (steady input should conceal nothing)`);
      details[`N=${n}`] = { timing: t, memory: growth };
    }
    return { figures, notes, details };
  },
};
