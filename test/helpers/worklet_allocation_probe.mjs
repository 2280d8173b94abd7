// Run by test/unit/worklet_allocation.test.ts as `node --expose-gc` so that the
// warm-up's garbage can be collected before the measurement starts. Loads the
// worklet bundle Chromium runs (dist/worklet/jitterlane-processor.js) in a vm
// with the AudioWorkletGlobalScope names it uses, feeds its shared ring like a
// main thread, calls process() for 30 s of realtime quanta, and prints JSON.
// `node --expose-gc worklet_allocation_probe.mjs opus` streams the Opus fixture
// with 5 % of its packets lost instead of PCM, so libopus decode, its
// concealment and FEC recovery run inside process().

import { readFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { PacketRing } from '../../dist/src/transport/index.js';
import { buildFile, packageFile } from '../../dist/src/engine/build_files.js';
import { wasmPath } from '../../dist/src/engine/node_loader.js';
import { readOpusFrames } from '../../dist/src/codecs/opus_frames_file.js';

const opus = process.argv[2] === 'opus';

const bundle = readFileSync(packageFile('dist/worklet/jitterlane-processor.js'), 'utf8');
let Processor = null;
class AudioWorkletProcessor {
  port = { onmessage: null, postMessage: () => {} };
}
vm.runInNewContext(bundle, {
  AudioWorkletProcessor,
  registerProcessor: (_name, processor) => (Processor = processor),
  sampleRate: 48000,
  currentFrame: 0,
  WebAssembly, Atomics, SharedArrayBuffer, Object, Math, Number, Map, Float32Array, Float64Array, Int32Array,
  Uint8Array, Uint32Array, DataView, ArrayBuffer, Error, TypeError, RangeError, String, Array, Symbol, Promise, JSON,
});
const ring = PacketRing.create(1 << 20, true);
const processor = new Processor({
  processorOptions: {
    wasm: new WebAssembly.Module(readFileSync(wasmPath())),
    opusWasm: opus ? new WebAssembly.Module(readFileSync(buildFile('libopus.wasm'))) : undefined,
    codec: opus ? 'opus' : 'PCM16LE', channels: 1, clockRate: 48000, payloadRate: 48000, profile: 'l4s', ring: ring.buffer, ringBytes: 0, sampleRate: 48000,
  },
});
const inputs = [];
const outputs = [[new Float32Array(128)]];
const fixture = opus ? readOpusFrames(readFileSync(new URL('../fixtures/opus/speech-20ms-fec.jlop', import.meta.url))).packets : null;
const pcmPayloads = Array.from({ length: 50 }, (_, k) => {
  const bytes = new Uint8Array(1920);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 960; i++) view.setInt16(i * 2, Math.round(8000 * Math.sin((2 * Math.PI * 440 * (k * 960 + i)) / 48000)), true);
  return bytes;
});
const payloads = fixture ?? pcmPayloads;
let packet = 0;
/** Writes the packets due in `quanta` quanta into the ring (the main thread's part, measured apart). */
function feed(quanta, from) {
  for (let q = from; q < from + quanta; q++) {
    // A 20 ms packet every 7.5 quanta of 128 frames.
    if ((q * 2) % 15 < 2) {
      // Opus: every 20th packet is lost (the one after it carries its FEC).
      if (!opus || packet % 20 !== 7) ring.write(payloads[packet % payloads.length], packet & 0xffff, (packet * 960) >>> 0, 1234, false, Number.NaN);
      packet++;
    }
  }
}
/** The loudest sample rendered: the output is real audio, not silence from an error path (a typed array: a module-level double would be boxed on every store, an allocation). */
const peak = new Float64Array(1);
/** The audio thread's part: process() once per quantum. */
function render(quanta) {
  const out = outputs[0][0];
  for (let q = 0; q < quanta; q++) {
    processor.process(inputs, outputs);
    for (let i = 0; i < out.length; i++) if (Math.abs(out[i]) > peak[0]) peak[0] = Math.abs(out[i]);
  }
}
/** Bytes allocated in V8's young generation so far (exact between collections). */
function youngBytes() {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_used_size;
}
function run(quanta) {
  // Feed and render in steps of 75 quanta (200 ms), so packets flow while rendering.
  for (let q = 0; q < quanta; q += 75) {
    feed(75, q);
    render(75);
  }
}

run(30000); // warm-up: V8 tiers the code up
globalThis.gc();
globalThis.gc();
const collections = { minor: 0, major: 0, incremental: 0 };
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = entry.detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) collections.minor++;
    else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) collections.major++;
    else collections.incremental++;
  }
});
observer.observe({ entryTypes: ['gc'] });
// 30 s at 375 quanta per second: the young generation is measured around the
// render() calls only; the feeding in between is the main thread's work.
// youngBytes() allocates its own report; a step that renders nothing measures that
// overhead, which is taken off.
let renderBytes = 0;
let overheadBytes = 0;
const before = process.memoryUsage().heapUsed;
for (let q = 0; q < 11250; q += 75) {
  feed(75, q);
  let start = youngBytes();
  render(75);
  renderBytes += youngBytes() - start;
  start = youngBytes();
  render(0);
  overheadBytes += youngBytes() - start;
}
const after = process.memoryUsage().heapUsed;
setTimeout(() => {
  observer.disconnect();
  const stats = processor.engine.stats();
  console.log(JSON.stringify({ quanta: 11250, fecRecovered: stats.fecRecovered, concealmentEvents: stats.concealmentEvents, packetsPlayed: stats.packetsPlayed, renderAllocatedBytes: renderBytes - overheadBytes, measurementOverheadBytes: overheadBytes, heapGrowthBytes: after - before, collections, peak: peak[0], renderErrors: processor.renderErrors }));
}, 100);
