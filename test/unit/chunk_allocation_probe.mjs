// Run by test/unit/chunk_allocation.test.ts as `node --expose-gc`: loads the
// chunk worklet bundle Chromium runs (dist/worklet/jitterlane-chunk-processor.js)
// in a vm with the AudioWorkletGlobalScope names it uses, and plays bursty
// AI-voice responses through it: each response's first 3 s at once, then
// 100 ms chunks at generation pace with a 250 ms stall every second, a mark
// every 500 ms, done, a second of silence, the next response; every fourth
// response is interrupted mid-way. Messages go to the processor's port between
// render calls, as Chromium delivers them; the young generation is measured
// around the process() calls only. With the argument `opus`, the chunks are
// Opus packets (five 20 ms packets a 100 ms chunk) decoded by libopus in the
// same scope. Prints JSON.

import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { packageFile } from '../../dist/src/engine/build_files.js';
import { buildFile } from '../../dist/src/engine/build_files.js';
import { sharedLibOpus, wasmPath } from '../../dist/src/engine/node_loader.js';

const opus = process.argv[2] === 'opus';

const bundle = readFileSync(packageFile('dist/worklet/jitterlane-chunk-processor.js'), 'utf8');
let Processor = null;
const posted = [];
class AudioWorkletProcessor {
  port = { onmessage: null, postMessage: (m) => posted.push(m) };
}
const scope = vm.createContext({
  AudioWorkletProcessor,
  registerProcessor: (_name, processor) => (Processor = processor),
  sampleRate: 48000,
  currentFrame: 0,
  WebAssembly, Atomics, SharedArrayBuffer, Object, Math, Number, Map, Set, Float32Array, Float64Array, Int32Array, Int16Array,
  Uint8Array, Uint32Array, DataView, ArrayBuffer, Error, TypeError, RangeError, String, Array, Symbol, Promise, JSON,
});
vm.runInContext(bundle, scope);
const processor = new Processor({
  processorOptions: {
    wasm: new WebAssembly.Module(readFileSync(wasmPath())),
    opusWasm: opus ? new WebAssembly.Module(readFileSync(buildFile('libopus.wasm'))) : undefined,
    encoding: opus ? 'opus' : 'pcm16',
    chunkRate: opus ? 48000 : 24000,
    profile: 'l4s',
    storeSeconds: 60,
    sampleRate: 48000,
  },
});
const send = (data) => processor.port.onmessage({ data });

/** A voiced signal (220 Hz and harmonics, away from denormals) at `rate`, sample `i`. */
const voiced = (i, rate) => Math.round(6000 * Math.sin((2 * Math.PI * 220 * i) / rate) + 2000 * Math.sin((2 * Math.PI * 660 * i) / rate) + 800 * Math.sin((2 * Math.PI * 1540 * i) / rate));
/** 100 ms of it: one PCM16LE chunk at 24 kHz, or five 20 ms Opus packets (encoded outside the scope). */
const chunkPayloads = [];
if (opus) {
  const encoder = sharedLibOpus().createEncoder({ channels: 1 });
  for (let k = 0; k < 5; k++) chunkPayloads.push(encoder.encode(Int16Array.from({ length: 960 }, (_, i) => voiced(k * 960 + i, 48000))));
  encoder.destroy();
} else {
  const bytes = new Uint8Array(2 * 2400);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 2400; i++) view.setInt16(2 * i, voiced(i, 24000), true);
  chunkPayloads.push(bytes);
}

/** One response's messages, in quanta from its start: 30 chunks at once, then 50 more one per 100 ms, each second's last one 250 ms late. */
function responseSchedule(id, interruptAt) {
  const messages = [];
  const at = (ms, message) => messages.push({ quantum: Math.round((ms * 48) / 128), message });
  for (let k = 0; k < 30; k++) {
    at(0, { type: 'chunk', responseId: id });
    if (k % 5 === 4) at(0, { type: 'mark', name: `${id}-${k}`, responseId: id });
  }
  for (let k = 30; k < 80; k++) {
    const ms = (k - 29) * 100 + (k % 10 === 9 ? 250 : 0);
    at(ms, { type: 'chunk', responseId: id });
    if (k % 5 === 4) at(ms, { type: 'mark', name: `${id}-${k}`, responseId: id });
  }
  at(5100, { type: 'done', responseId: id });
  if (interruptAt !== null) at(interruptAt, { type: 'interrupt', id: 1 });
  return { messages, quanta: Math.round((9000 * 48) / 128) };
}

let response = 0;
let schedule = responseSchedule('r0', null);
let quantumInResponse = 0;
let next = 0;
/** Delivers the messages due before this quantum (the main thread's part, measured apart), and a poll every 20 ms. */
function deliver(globalQuantum) {
  while (next < schedule.messages.length && schedule.messages[next].quantum <= quantumInResponse) {
    const { message } = schedule.messages[next++];
    if (message.type === 'chunk') for (const p of chunkPayloads) send({ ...message, bytes: p.slice().buffer });
    else send(message);
  }
  if (globalQuantum % 8 === 0) send({ type: 'poll' });
  if (++quantumInResponse === schedule.quanta) {
    response++;
    schedule = responseSchedule(`r${response}`, response % 4 === 3 ? 2000 : null);
    schedule.messages.sort((a, b) => a.quantum - b.quantum);
    quantumInResponse = 0;
    next = 0;
  }
}
// The output arrays of the worklet's own realm, as Chromium hands them to process() (arrays of another realm have
// other maps, and code optimized for one deoptimizes on the other).
const inputs = vm.runInContext('[]', scope);
const outputs = vm.runInContext('[[new Float32Array(128)]]', scope);
const peak = new Float64Array(1);
function render(quanta) {
  const out = outputs[0][0];
  for (let q = 0; q < quanta; q++) {
    processor.process(inputs, outputs);
    for (let i = 0; i < out.length; i++) if (Math.abs(out[i]) > peak[0]) peak[0] = Math.abs(out[i]);
  }
}
let quantum = 0;
/**
 * Quanta are rendered in steps of 8 (about 21 ms) after the messages due in
 * them are delivered. When measuring, a minor collection first empties the
 * young generation of the message handler's garbage, so a collection during
 * the render (the young generation shrinking) could only be the render's own.
 */
let collectionsDuringRender = 0;
let stepBytes = [];
function step(measure) {
  for (let q = 0; q < 8; q++) deliver(quantum + q);
  if (measure) globalThis.gc({ type: 'minor' });
  const start = measure ? youngBytes() : 0;
  render(8);
  quantum += 8;
  if (!measure) return 0;
  const grown = youngBytes() - start;
  if (grown < 0) collectionsDuringRender++;
  stepBytes.push(grown);
  return Math.max(0, grown);
}
function youngBytes() {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_used_size;
}

for (let i = 0; i < 30000 / 8; i++) step(false); // warm-up (80 s): V8 tiers the code up
// The measuring itself warmed up too: the first ~200 measured steps after the switch showed ~100 bytes a quantum of
// the switch's own (gone after it whatever the player did: idle, bursts, stalls); they are not counted.
for (let i = 0; i < 400; i++) step(true);
collectionsDuringRender = 0;
stepBytes = [];
const overheadReadings = [];
// 30 s at 375 quanta per second. youngBytes() allocates its own report: a step that renders nothing measures that overhead.
let renderBytes = 0;
let overheadBytes = 0;
const responsesBefore = response;
const interruptsBefore = posted.filter((m) => m.type === 'interrupted').length;
send({ type: 'stats', id: 1 });
const memoryBefore = posted.at(-1).stats.wasmMemoryBytes;
const opusMemoryBefore = posted.at(-1).stats.opusMemoryBytes;
for (let i = 0; i < 11256 / 8; i++) {
  renderBytes += step(true);
  const start = youngBytes();
  render(0);
  const overhead = youngBytes() - start;
  overheadBytes += overhead;
  overheadReadings.push(overhead);
}
{
  const events = posted.filter((m) => m.type === 'events').flatMap((m) => m.events);
  send({ type: 'stats', id: 2 });
  const stats = posted.at(-1).stats;
  console.log(JSON.stringify({
    quanta: 11256, responses: response - responsesBefore, marks: events.filter((e) => e.kind === 'mark').length,
    underruns: stats.responses.reduce((n, r) => n + r.underruns, 0), interrupted: posted.filter((m) => m.type === 'interrupted').length - interruptsBefore,
    renderAllocatedBytes: renderBytes - overheadBytes,
    // The largest step against the readings' own largest: one interrupt's cold fade was 12 KB.
    largestStepOverReadingBytes: Math.max(...stepBytes) - Math.max(...overheadReadings), measurementOverheadBytes: overheadBytes, collectionsDuringRender, peak: peak[0],
    renderErrors: processor.renderErrors, wasmMemoryBytes: stats.wasmMemoryBytes, wasmMemoryGrowthBytes: stats.wasmMemoryBytes - memoryBefore, droppedEvents: stats.droppedEvents,
    opusMemoryBytes: stats.opusMemoryBytes, opusMemoryGrowthBytes: stats.opusMemoryBytes - opusMemoryBefore, decoderErrors: stats.engine.decoderErrors,
  }));
}
