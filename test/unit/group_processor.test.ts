// The group processor (dist/worklet/jitterlane-group-processor.js, the bundle
// Chromium runs) in Node: each stream of a group renders exactly what the
// single-stream processor renders for it alone, whatever the other streams do
// (bursts, outages, a flood); the mix is the sum of the streams times their
// gains; streams added and removed at run time reserve and free their memory.
// The same checks run in Chromium in test/browser/group.test.ts.

import { describe, expect, it } from 'vitest';
import { testStream, type TestStream } from '../helpers/group_streams.js';
import { batchOf, soloRender } from '../helpers/solo_render.js';
import { engineWasm, opusWasm, send, workletScope, type BundleProcessor, type Posted } from '../helpers/worklet_bundles.js';

const QUANTUM = 128;
const RING_BYTES = 1 << 20;

type Target = { processor: BundleProcessor; posted: Posted };

function addStream(group: Target, key: number, stream: TestStream, output: number, gain = 1): void {
  const reply = send(group, { type: 'add-stream', id: key, stream: { key, codec: stream.codec, channels: 1, clockRate: 48000, payloadRate: 48000, profile: 'classic', ringBytes: RING_BYTES, output, gain } });
  expect(reply).toEqual([{ type: 'stream-added', id: key, key }]);
}

/** Renders `quanta` quanta of a group processor; returns every output's samples (mono outputs). */
function renderGroup(scope: { currentFrame: number }, group: Target, outputs: number, quanta: number, between?: (q: number) => void): Float32Array[] {
  const out = Array.from({ length: outputs }, () => new Float32Array(quanta * QUANTUM));
  const block = Array.from({ length: outputs }, () => [new Float32Array(QUANTUM)]);
  for (let q = 0; q < quanta; q++) {
    between?.(q);
    scope.currentFrame = q * QUANTUM;
    group.processor.process([], block);
    for (let o = 0; o < outputs; o++) out[o].set(block[o][0], q * QUANTUM);
  }
  return out;
}

function stats(group: Target): { streams: { key: number; stats: Record<string, number> }[]; playout: Record<string, number> } {
  return (send(group, { type: 'stats', id: 99 })[0] as { reply: never }).reply;
}

const SECONDS = 6;
const QUANTA = Math.ceil((SECONDS + 1) * 375);

describe('the group processor', () => {
  const streams = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => testStream(i, i % 4 === 3 ? 'PCM16LE' : 'opus', SECONDS));

  it('renders each of 8 streams (Opus and PCM, each its own timing) bit-exactly as the single-stream processor renders it alone', () => {
    const worklet = workletScope('jitterlane-group-processor.js');
    const group = worklet.create({ wasm: engineWasm, opusWasm, outputs: 8, sampleRate: 48000 });
    expect(group.posted).toEqual([{ type: 'ready' }]);
    streams.forEach((stream, i) => {
      addStream(group, i + 1, stream, i);
      send(group, { type: 'packets', key: i + 1, batch: batchOf(stream) });
    });
    const outputs = renderGroup(worklet.scope, group, 8, QUANTA);
    const reply = stats(group);
    streams.forEach((stream, i) => {
      const alone = soloRender(stream, QUANTA * QUANTUM);
      expect(Buffer.compare(Buffer.from(outputs[i].buffer), Buffer.from(alone.buffer)), `stream ${i}`).toBe(0);
      expect(reply.streams[i].stats.packetsPlayed).toBeGreaterThan(stream.packets.length * 0.9);
    });
    // Streams 0, 3 and 6 had a 400 ms outage released as a burst: they concealed, and the others did not wait for them.
    expect(reply.streams[0].stats.concealedSamples).toBeGreaterThan(0);
    expect(reply.playout).toMatchObject({ quanta: QUANTA, totalSamplesCount: QUANTA * QUANTUM, renderErrors: 0, streams: 8, opusDecoders: 6 });
  });

  it('keeps every other stream bit-exact while one stream is flooded with 3000 packets in one quantum', () => {
    const worklet = workletScope('jitterlane-group-processor.js');
    const group = worklet.create({ wasm: engineWasm, opusWasm, outputs: 3, sampleRate: 48000 });
    const flood: TestStream = { id: 'flood', codec: 'PCM16LE', packets: Array.from({ length: 3000 }, (_, k) => ({ payload: new Uint8Array(1920).fill(k & 0xff), sequenceNumber: k, timestamp: k * 960, ssrc: 9, arrivalFrame: 48000 })) };
    addStream(group, 1, streams[1], 0);
    addStream(group, 2, flood, 1);
    addStream(group, 3, streams[3], 2);
    send(group, { type: 'packets', key: 1, batch: batchOf(streams[1]) });
    send(group, { type: 'packets', key: 2, batch: batchOf(flood) });
    send(group, { type: 'packets', key: 3, batch: batchOf(streams[3]) });
    const outputs = renderGroup(worklet.scope, group, 3, QUANTA);
    expect(Buffer.compare(Buffer.from(outputs[0].buffer), Buffer.from(soloRender(streams[1], QUANTA * QUANTUM).buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(outputs[2].buffer), Buffer.from(soloRender(streams[3], QUANTA * QUANTUM).buffer))).toBe(0);
    // The flood overflowed its own 1 MiB ring (counted: nothing silently lost) and filled its engine.
    const flooded = stats(group).streams[1].stats;
    expect(flooded.packetsReceived).toBeGreaterThan(500);
    expect(flooded.packetsReceived + flooded.ringOverflow).toBe(3000);
  });

  it('mixes streams on one output as the sum of their solo renders times their gains', () => {
    const worklet = workletScope('jitterlane-group-processor.js');
    const group = worklet.create({ wasm: engineWasm, opusWasm, outputs: 1, sampleRate: 48000 });
    const gains = [0.5, 0.25, 1];
    const chosen = [streams[0], streams[3], streams[5]];
    chosen.forEach((stream, i) => {
      addStream(group, i + 1, stream, 0, gains[i]);
      send(group, { type: 'packets', key: i + 1, batch: batchOf(stream) });
    });
    const [mix] = renderGroup(worklet.scope, group, 1, QUANTA);
    const alone = chosen.map((stream) => soloRender(stream, QUANTA * QUANTUM));
    let worst = 0;
    for (let i = 0; i < mix.length; i++) {
      // The processor adds in float32, stream by stream, in the order they were added.
      let expected = Math.fround(gains[0] * alone[0][i]);
      for (let s = 1; s < chosen.length; s++) expected = Math.fround(expected + Math.fround(gains[s] * alone[s][i]));
      worst = Math.max(worst, Math.abs(mix[i] - expected));
    }
    expect(worst).toBe(0);
    expect(mix.reduce((peak, v) => Math.max(peak, Math.abs(v)), 0)).toBeGreaterThan(0.05);
  });

  it('renders at 44.1 kHz (one resampler per output, after the mix) each stream of its own output as the single-stream processor does', () => {
    const worklet = workletScope('jitterlane-group-processor.js', 44100);
    const group = worklet.create({ wasm: engineWasm, opusWasm, outputs: 2, sampleRate: 44100 });
    const chosen = [streams[0], streams[3]];
    chosen.forEach((stream, i) => {
      addStream(group, i + 1, stream, i);
      send(group, { type: 'packets', key: i + 1, batch: batchOf(stream) });
    });
    const outputs = renderGroup(worklet.scope, group, 2, QUANTA);
    chosen.forEach((stream, i) => {
      const alone = soloRender(stream, QUANTA * QUANTUM, 44100);
      expect(Buffer.compare(Buffer.from(outputs[i].buffer), Buffer.from(alone.buffer)), `stream ${i}`).toBe(0);
    });
    expect(outputs[0].reduce((peak, v) => Math.max(peak, Math.abs(v)), 0)).toBeGreaterThan(0.05);
  });

  it('plays a mono stream into both channels of a stereo output, each as it renders alone', () => {
    const worklet = workletScope('jitterlane-group-processor.js');
    const group = worklet.create({ wasm: engineWasm, opusWasm, outputs: 1, channels: 2, sampleRate: 48000 });
    addStream(group, 1, streams[1], 0);
    send(group, { type: 'packets', key: 1, batch: batchOf(streams[1]) });
    const left = new Float32Array(QUANTA * QUANTUM);
    const right = new Float32Array(QUANTA * QUANTUM);
    const block = [[new Float32Array(QUANTUM), new Float32Array(QUANTUM)]];
    for (let q = 0; q < QUANTA; q++) {
      worklet.scope.currentFrame = q * QUANTUM;
      group.processor.process([], block);
      left.set(block[0][0], q * QUANTUM);
      right.set(block[0][1], q * QUANTUM);
    }
    const alone = soloRender(streams[1], QUANTA * QUANTUM);
    expect(Buffer.compare(Buffer.from(left.buffer), Buffer.from(alone.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(right.buffer), Buffer.from(alone.buffer))).toBe(0);
  });

  it('adds and removes streams at run time with memory flat over 40 cycles, and reports what it costs per stream', () => {
    const worklet = workletScope('jitterlane-group-processor.js');
    const group = worklet.create({ wasm: engineWasm, opusWasm, outputs: 1, sampleRate: 48000 });
    const before = stats(group).playout;
    let key = 1;
    const add = (codec: 'opus' | 'PCM16LE') => {
      addStream(group, key, { ...streams[0], codec }, 0);
      key++;
    };
    add('opus');
    const oneOpus = stats(group).playout;
    for (let i = 0; i < 31; i++) add('opus');
    const manyOpus = stats(group).playout;
    for (let i = 0; i < 32; i++) add('PCM16LE');
    const withPcm = stats(group).playout;
    const opusPerStream = (manyOpus.wasmMemoryBytes + manyOpus.opusMemoryBytes - oneOpus.wasmMemoryBytes - oneOpus.opusMemoryBytes) / 31;
    const pcmPerStream = (withPcm.wasmMemoryBytes - manyOpus.wasmMemoryBytes) / 32;
    // Measured: 786 432 + ~18 600 bytes per extra Opus stream, 786 432 per PCM stream (README, "Many streams").
    expect(opusPerStream).toBeLessThanOrEqual(1024 * 1024);
    expect(pcmPerStream).toBeLessThanOrEqual(800 * 1024);
    expect(before.opusMemoryBytes).toBe(0); // no libopus before the first Opus stream
    renderGroup(worklet.scope, group, 1, 10);
    // Remove all, then add and remove 40 times: the engine frees into its heap and libopus reuses freed states.
    for (let k = 1; k < key; k++) expect(send(group, { type: 'remove-stream', id: k, key: k })).toEqual([{ type: 'stream-removed', id: k, key: k }]);
    expect(stats(group).playout).toMatchObject({ streams: 0, opusDecoders: 0 });
    const settled = stats(group).playout;
    for (let cycle = 0; cycle < 40; cycle++) {
      for (let i = 0; i < 8; i++) add(i % 2 ? 'opus' : 'PCM16LE');
      renderGroup(worklet.scope, group, 1, 2);
      for (let k = key - 8; k < key; k++) send(group, { type: 'remove-stream', id: k, key: k });
    }
    // A batch posted before the removal reached the page's side: dropped and counted.
    send(group, { type: 'packets', key: 1, batch: batchOf(streams[0]) });
    const after = stats(group).playout;
    expect(after.batchesDropped).toBe(1);
    expect(after.wasmMemoryBytes).toBe(settled.wasmMemoryBytes);
    expect(after.opusMemoryBytes).toBe(settled.opusMemoryBytes);
    expect(after.renderErrors).toBe(0);
  });

  it('resyncs only the stream whose SSRC changed; the others play on bit for bit', () => {
    const worklet = workletScope('jitterlane-group-processor.js');
    const group = worklet.create({ wasm: engineWasm, opusWasm, outputs: 2, sampleRate: 48000 });
    // Stream 2's sender restarts halfway: a new SSRC, a new sequence and timestamp origin.
    const changed: TestStream = {
      ...streams[2],
      packets: streams[2].packets.map((p) => (p.arrivalFrame < 3 * 48000 ? p : { ...p, ssrc: 0x7777, sequenceNumber: (p.sequenceNumber + 20000) & 0xffff, timestamp: (p.timestamp + 123456789) >>> 0 })),
    };
    addStream(group, 1, streams[1], 0);
    addStream(group, 2, changed, 1);
    send(group, { type: 'packets', key: 1, batch: batchOf(streams[1]) });
    send(group, { type: 'packets', key: 2, batch: batchOf(changed) });
    const outputs = renderGroup(worklet.scope, group, 2, QUANTA);
    expect(Buffer.compare(Buffer.from(outputs[0].buffer), Buffer.from(soloRender(streams[1], QUANTA * QUANTUM).buffer))).toBe(0);
    const [one, two] = stats(group).streams;
    expect(one.stats.streamResets).toBe(0);
    expect(two.stats.streamResets).toBe(1);
    expect(two.stats.packetsPlayed).toBeGreaterThan(changed.packets.length * 0.9);
  });

  it('shares one libopus between the group nodes of one worklet scope', () => {
    const worklet = workletScope('jitterlane-group-processor.js');
    const a = worklet.create({ wasm: engineWasm, opusWasm, outputs: 1, sampleRate: 48000 });
    const b = worklet.create({ wasm: engineWasm, opusWasm, outputs: 1, sampleRate: 48000 });
    addStream(a, 1, streams[0], 0);
    addStream(b, 1, streams[1], 0);
    addStream(b, 2, streams[2], 0);
    expect(stats(a).playout.opusDecoders).toBe(3);
    expect(stats(b).playout.opusMemoryBytes).toBe(stats(a).playout.opusMemoryBytes);
  });

  it('shares one libopus between the single-stream nodes of a scope too: 8 Opus nodes hold under 1 MiB of it, not 8 × 16 MiB', () => {
    const worklet = workletScope('jitterlane-processor.js');
    const options = { wasm: engineWasm, opusWasm, codec: 'opus', channels: 1, clockRate: 48000, payloadRate: 48000, profile: 'classic', ringBytes: 4096, sampleRate: 48000 };
    const nodes = Array.from({ length: 8 }, () => worklet.create(options));
    const reports = nodes.map((node) => (send(node, { type: 'stats', id: 1 })[0] as { stats: Record<string, number> }).stats);
    // Issue #16 measured 16 777 216 bytes of libopus on each of 8 nodes.
    for (const r of reports) expect(r.opusMemoryBytes).toBe(reports[0].opusMemoryBytes);
    expect(reports[0].opusMemoryBytes).toBeLessThan(1024 * 1024);
  });

  it('refuses a stream for an output it does not have, and one of a codec it cannot make, with a message', () => {
    const worklet = workletScope('jitterlane-group-processor.js');
    const group = worklet.create({ wasm: engineWasm, outputs: 2, sampleRate: 48000 });
    const spec = { codec: 'PCM16LE', channels: 1, clockRate: 48000, payloadRate: 48000, profile: 'classic', ringBytes: 4096, output: 2, gain: 1 };
    expect(send(group, { type: 'add-stream', id: 5, stream: { ...spec, key: 1 } })).toEqual([{ type: 'error', id: 5, message: "output 2 is not one of the node's 2 outputs" }]);
    expect(send(group, { type: 'add-stream', id: 6, stream: { ...spec, key: 2, output: 0, codec: 'opus' } })).toEqual([{ type: 'error', id: 6, message: "codec 'opus' needs libopus: the node was created without opusWasm" }]);
    expect(stats(group).playout.streams).toBe(0);
  });
});
