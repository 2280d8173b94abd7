// build/libopus.wasm is @evan/opus's libopus with a 512 KiB stack and a small
// initial memory (scripts/build-libopus.mjs). These tests hold the rewrite to
// what it claims: the same output as the shipped module, a stack that the
// deepest call fits in with room, and memory that grows with decoders.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { LibOpus } from '../../src/codecs/libopus.js';
import { buildFile } from '../../src/engine/build_files.js';
import { opusFixture } from '../helpers/opus_fixtures.js';
// A build script in plain JavaScript (tests are not type-checked by tsc).
import { smallLayout, STACK_BYTES } from '../../scripts/build-libopus.mjs';

const require = createRequire(import.meta.url);
const originalBytes = readFileSync(require.resolve('@evan/opus/wasm/simd.wasm'));
const original = new WebAssembly.Module(originalBytes);
const small = new WebAssembly.Module(readFileSync(buildFile('libopus.wasm')));
/** Where the build put the stack: [stackEnd, stackTop), growing down. */
const { stackEnd: STACK_END, stackTop: STACK_TOP } = smallLayout(originalBytes);
const STACK_PATTERN = 0xa5;

/** Every packet of a fixture decoded, then 40 ms concealed and one FEC decode, as int16 bytes. */
function decodeAll(lib: LibOpus): Uint8Array {
  const heap = { u8: new Uint8Array(8192), f32: new Float32Array(5760) };
  const decoder = lib.createDecoder(1);
  const out: number[] = [];
  const { packets } = opusFixture('speech-20ms-fec');
  for (const packet of packets) {
    heap.u8.set(packet, 0);
    const n = decoder.decode(heap, 0, packet.length, 0, 5760);
    for (let i = 0; i < n; i++) out.push(Math.round(heap.f32[i] * 32768));
  }
  const made = decoder.conceal(heap, 0, 1920, 5760);
  for (let i = 0; i < made; i++) out.push(Math.round(heap.f32[i] * 32768));
  heap.u8.set(packets[10], 0);
  const fec = decoder.decodeFec(heap, 0, packets[10].length, 0, 960, 5760);
  for (let i = 0; i < fec; i++) out.push(Math.round(heap.f32[i] * 32768));
  decoder.destroy();
  return new Uint8Array(Int16Array.from(out).buffer);
}

describe('build/libopus.wasm (small layout)', () => {
  it('decodes, conceals and recovers FEC to the same samples as the module @evan/opus ships', () => {
    const a = decodeAll(LibOpus.fromModule(original));
    const b = decodeAll(LibOpus.fromModule(small));
    expect(a.length).toBeGreaterThan(6 * 48000 * 2);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
  });

  it('starts with 640 KiB of memory instead of 16 MiB', () => {
    expect(LibOpus.fromModule(original).memoryBytes).toBe(16 * 1024 * 1024);
    expect(LibOpus.fromModule(small).memoryBytes).toBe(10 * 65536);
  });

  it('runs its deepest calls (510 kbps 60 ms stereo encodes, PLC, FEC) in under a quarter of its stack', () => {
    const lib = LibOpus.fromModule(small);
    const stackTop: number = STACK_TOP;
    expect(STACK_TOP - STACK_END).toBeGreaterThanOrEqual(STACK_BYTES);
    new Uint8Array(lib.exports.memory.buffer).fill(STACK_PATTERN, STACK_END, stackTop - 256);
    const heap = { u8: new Uint8Array(8192), f32: new Float32Array(5760 * 2) };
    let seed = 1;
    const noise = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 12000;
    for (const channels of [1, 2] as const) {
      const encoders = [lib.createEncoder({ channels, bitrate: 510000 }), lib.createEncoder({ channels, bitrate: 24000 })];
      const decoder = lib.createDecoder(channels);
      for (const frames of [120, 480, 960, 1920, 2880]) {
        for (let k = 0; k < 10; k++) {
          const pcm = Int16Array.from({ length: frames * channels }, (_, i) => Math.round(8000 * Math.sin(i * 0.05 * (k + 1)) + noise()));
          for (const encoder of encoders) {
            const packet = encoder.encode(pcm);
            heap.u8.set(packet, 0);
            expect(decoder.decode(heap, 0, packet.length, 0, 5760)).toBe(frames);
            decoder.conceal(heap, 0, 960, 5760);
            decoder.decodeFec(heap, 0, packet.length, 0, Math.max(480, frames), 5760);
          }
        }
      }
    }
    const memory = new Uint8Array(lib.exports.memory.buffer);
    let low = STACK_END;
    while (low < stackTop && memory[low] === STACK_PATTERN) low++;
    const used = stackTop - low;
    // Measured 107 968 bytes (README, "Many streams"): the bound leaves the stack 4 times that.
    expect(used).toBeGreaterThan(50_000);
    expect(used).toBeLessThan(STACK_BYTES / 4);
  });

  it('grows its memory by two decoder states per decoder (the state and its checkpoint) and reuses what destroy() frees', () => {
    const lib = LibOpus.fromModule(small);
    const before = lib.memoryBytes;
    const decoders = Array.from({ length: 64 }, () => lib.createDecoder(1));
    const perDecoder = (lib.memoryBytes - before) / 64;
    // opus_decoder_get_size(1) is 18 172 bytes, reserved twice (the copy checkpoint() keeps); memory grows in 64 KiB pages.
    expect(lib.exports.opus_decoder_get_size(1)).toBe(18172);
    expect(perDecoder).toBeGreaterThanOrEqual(2 * 18172 * 0.9);
    expect(perDecoder).toBeLessThan(2 * 24 * 1024);
    expect(lib.decoders).toBe(64);
    const grown = lib.memoryBytes;
    for (const d of decoders) d.destroy();
    for (let i = 0; i < 64; i++) lib.createDecoder(1);
    expect(lib.memoryBytes).toBe(grown);
  });

  it('is one instance per scope: forScope() returns the same LibOpus every time', () => {
    const a = LibOpus.forScope(() => small);
    const b = LibOpus.forScope(() => {
      throw new Error('not called again');
    });
    expect(b).toBe(a);
  });
});
