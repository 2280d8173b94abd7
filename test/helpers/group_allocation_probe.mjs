// Run by test/unit/group_allocation.test.ts as `node --expose-gc`: loads the
// group worklet bundle Chromium runs (dist/worklet/jitterlane-group-processor.js)
// in a vm with the AudioWorkletGlobalScope names it uses, adds 8 streams (6
// Opus with 5 % of packets lost, 2 PCM), feeds each stream's shared ring like
// a main thread, calls process() for 30 s of realtime quanta, and prints JSON
// (the method of worklet_allocation_probe.mjs, for the single-stream bundle).

import { readFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { PacketRing } from '../../dist/src/transport/index.js';
import { buildFile, packageFile } from '../../dist/src/engine/build_files.js';
import { wasmPath } from '../../dist/src/engine/node_loader.js';
import { readOpusFrames } from '../../dist/src/codecs/opus_frames_file.js';

const STREAMS = 8;
const bundle = readFileSync(packageFile('dist/worklet/jitterlane-group-processor.js'), 'utf8');
let Processor = null;
const posted = [];
class AudioWorkletProcessor {
  port = { onmessage: null, postMessage: (message) => posted.push(message) };
}
// Only the AudioWorkletGlobalScope's own names are given: the vm has its own
// builtins, as a worklet scope does. Builtins handed in from this realm would
// be called across realms, which V8 does not inline: Number.isNaN(x) from
// here boxes its argument, 16 bytes per packet that Chromium never allocates.
vm.runInNewContext(bundle, {
  AudioWorkletProcessor,
  registerProcessor: (_name, processor) => (Processor = processor),
  sampleRate: 48000,
  currentFrame: 0,
});
const processor = new Processor({
  processorOptions: {
    wasm: new WebAssembly.Module(readFileSync(wasmPath())),
    opusWasm: new WebAssembly.Module(readFileSync(buildFile('libopus.wasm'))),
    outputs: 1, sampleRate: 48000,
  },
});
const rings = [];
for (let s = 0; s < STREAMS; s++) {
  const ring = PacketRing.create(1 << 20, true);
  rings.push(ring);
  const codec = s % 4 === 3 ? 'PCM16LE' : 'opus';
  processor.port.onmessage({ data: { type: 'add-stream', id: s, stream: { key: s + 1, codec, channels: 1, clockRate: 48000, payloadRate: 48000, profile: 'l4s', ring: ring.buffer, ringBytes: 0, output: 0, gain: 0.2 } } });
}
const opus = readOpusFrames(readFileSync(new URL('../fixtures/opus/speech-20ms-fec.jlop', import.meta.url))).packets;
const pcm = Array.from({ length: 50 }, (_, k) => {
  const bytes = new Uint8Array(1920);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 960; i++) view.setInt16(i * 2, Math.round(8000 * Math.sin((2 * Math.PI * 440 * (k * 960 + i)) / 48000)), true);
  return bytes;
});
let packet = 0;
/** Writes the packets due in `quanta` quanta into every stream's ring (the main thread's part, measured apart). */
function feed(quanta, from) {
  for (let q = from; q < from + quanta; q++) {
    // A 20 ms packet every 7.5 quanta of 128 frames, per stream.
    if ((q * 2) % 15 < 2) {
      for (let s = 0; s < STREAMS; s++) {
        const isPcm = s % 4 === 3;
        // Opus: every 20th packet is lost (the one after it carries its FEC), each stream at its own phase.
        if (!isPcm && (packet + s) % 20 === 7) continue;
        rings[s].write(isPcm ? pcm[packet % pcm.length] : opus[(packet + 37 * s) % opus.length], packet & 0xffff, (packet * 960) >>> 0, 1000 + s, false, Number.NaN);
      }
      packet++;
    }
  }
}
const peak = new Float64Array(1);
const inputs = [];
const outputs = [[new Float32Array(128)]];
function render(quanta) {
  const out = outputs[0][0];
  for (let q = 0; q < quanta; q++) {
    processor.process(inputs, outputs);
    for (let i = 0; i < out.length; i++) if (Math.abs(out[i]) > peak[0]) peak[0] = Math.abs(out[i]);
  }
}
function youngBytes() {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_used_size;
}
function run(quanta) {
  for (let q = 0; q < quanta; q += 75) {
    feed(75, q);
    render(75);
  }
}

run(30000); // warm-up: V8 tiers the code up
globalThis.gc();
globalThis.gc();
// Collections are counted where the render ran: the feed (the main thread's part, which builds
// packets) and the measurement itself allocate between render windows, and a scavenge they set
// off there, more likely when other processes crowd the machine, says nothing about process().
const gcEntries = [];
const observer = new PerformanceObserver((list) => gcEntries.push(...list.getEntries()));
observer.observe({ entryTypes: ['gc'] });
const renderWindows = new Float64Array((11250 / 75) * 2);
let renderBytes = 0;
let overheadBytes = 0;
for (let q = 0; q < 11250; q += 75) {
  feed(75, q);
  renderWindows[(q / 75) * 2] = performance.now();
  let start = youngBytes();
  render(75);
  renderBytes += youngBytes() - start;
  renderWindows[(q / 75) * 2 + 1] = performance.now();
  start = youngBytes();
  render(0);
  overheadBytes += youngBytes() - start;
}
function collectionsIn(windows) {
  const counts = { minor: 0, major: 0, incremental: 0 };
  for (const entry of gcEntries) {
    let inside = false;
    for (let w = 0; w < windows.length && !inside; w += 2) inside = entry.startTime < windows[w + 1] && entry.startTime + entry.duration > windows[w];
    if (!inside) continue;
    const kind = entry.detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) counts.minor++;
    else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) counts.major++;
    else counts.incremental++;
  }
  return counts;
}
setTimeout(() => {
  observer.disconnect();
  processor.port.onmessage({ data: { type: 'stats', id: 1 } });
  const reply = posted.find((m) => m.type === 'stats').reply;
  console.log(JSON.stringify({
    quanta: 11250,
    packetsPlayed: reply.streams.map((s) => s.stats.packetsPlayed),
    fecRecovered: reply.streams.map((s) => s.stats.fecRecovered),
    renderAllocatedBytes: renderBytes - overheadBytes,
    collections: collectionsIn(renderWindows),
    collectionsOutsideRender: gcEntries.length - Object.values(collectionsIn(renderWindows)).reduce((a, b) => a + b, 0),
    peak: peak[0],
    renderErrors: reply.playout.renderErrors,
  }));
}, 100);
