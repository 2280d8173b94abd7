// One test stream through the single-stream processor bundle alone, in Node:
// the reference each stream of a group must equal (the browser tests check
// Chromium's renders against it too).

import { encodeBatch } from '../../src/transport/index.js';
import type { TestStream } from './group_streams.js';
import { engineWasm, opusWasm, send, workletScope } from './worklet_bundles.js';

const QUANTUM = 128;

/** The packets of a stream as one port batch. */
export function batchOf(stream: TestStream): ArrayBuffer {
  return encodeBatch(stream.packets.map((p) => ({ ...p, marker: false })));
}

/** The single-stream processor's render of `stream` alone (profile classic, a context at `rate`), `frames` frames. */
export function soloRender(stream: TestStream, frames: number, rate = 48000): Float32Array {
  return soloRun(stream, frames, rate).output;
}

/** The single-stream processor's render of `stream` alone and its engine's stats after it. */
export function soloRun(stream: TestStream, frames: number, rate = 48000): { output: Float32Array; stats: Record<string, number> } {
  const scope = workletScope('jitterlane-processor.js', rate);
  const solo = scope.create({ wasm: engineWasm, opusWasm, codec: stream.codec, channels: 1, clockRate: 48000, payloadRate: 48000, profile: 'classic', ringBytes: 4 << 20, sampleRate: rate });
  send(solo, { type: 'packets', batch: batchOf(stream) });
  const output = new Float32Array(frames);
  const block = [[new Float32Array(QUANTUM)]];
  for (let at = 0; at < frames; at += QUANTUM) {
    scope.scope.currentFrame = at;
    solo.processor.process([], block);
    output.set(block[0][0].subarray(0, Math.min(QUANTUM, frames - at)), at);
  }
  const reply = send(solo, { type: 'stats', id: 1 }) as { stats: Record<string, number> }[];
  return { output, stats: reply[0]!.stats };
}
