// decode: what one 20 ms Opus frame costs to decode — libopus as jitterlane
// drives it (the @evan/opus SIMD build, buffers reserved once, no allocation),
// its concealment and its FEC recovery; and opus-decoder, the package the
// project first chose, both as shipped (decodeFrame(), which allocates its
// result) and driven through its own wasm exports without allocation. The
// speech fixture (6 s, 32 kbps, in-band FEC) is decoded in order, looped.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OpusDecoder } from 'opus-decoder';
import { readOpusFrames } from '../../src/codecs/opus_frames_file.js';
import { loadLibOpus } from '../../src/engine/node_loader.js';
import type { Figure, Suite } from '../suite.js';
import { timeTasks, type TimedTask } from '../timing.js';

/** The internals of opus-decoder 0.7 that its own decode() uses: the wasm exports and the buffers it reserved. */
interface OpusDecoderInternals {
  _common: { wasm: { opus_frame_decode_float_deinterleaved(decoder: number, input: number, length: number, output: number): number } };
  _decoder: number;
  _input: { ptr: number; buf: Uint8Array };
  _output: { ptr: number; buf: Float32Array };
}

/** Read after each batch so the decodes cannot be optimised away. */
let sink = 0;

function fixturePackets(): Uint8Array[] {
  const path = fileURLToPath(new URL('../../../test/fixtures/opus/speech-20ms-fec.jlop', import.meta.url));
  return readOpusFrames(readFileSync(path)).packets;
}

/** Tasks over jitterlane's libopus decoder: decode, conceal and FEC-decode one 20 ms frame per op. */
function libopusTasks(packets: Uint8Array[]): TimedTask[] {
  const lib = loadLibOpus();
  const decoder = lib.createDecoder(1);
  // A stand-in for engine memory: the payloads packed one after another, and an output area.
  const offsets: number[] = [];
  let size = 0;
  for (const p of packets) {
    offsets.push(size);
    size += p.length;
  }
  const out = Math.ceil(size / 4) + 1; // float index of the output area, after the payloads
  const u8 = new Uint8Array(4 * (out + 5760));
  packets.forEach((p, i) => u8.set(p, offsets[i]));
  const heap = { u8, f32: new Float32Array(u8.buffer) };
  const n = packets.length;
  return [
    {
      name: 'libopus (jitterlane): decode',
      ops: n,
      fn: () => {
        for (let i = 0; i < n; i++) sink += decoder.decode(heap, offsets[i]!, packets[i]!.length, out, 5760);
      },
    },
    {
      // Concealment right after real audio (a lone loss), the costly case: a long run of
      // concealment fades to silence, which libopus makes almost for free.
      name: 'libopus (jitterlane): decode, then conceal 20 ms',
      ops: n,
      fn: () => {
        for (let i = 0; i < n; i++) {
          sink += decoder.decode(heap, offsets[i]!, packets[i]!.length, out, 5760);
          sink += decoder.conceal(heap, out, 960, 5760);
        }
      },
    },
    {
      name: 'libopus (jitterlane): FEC-decode 20 ms',
      ops: n,
      fn: () => {
        for (let i = 0; i < n; i++) sink += decoder.decodeFec(heap, offsets[i]!, packets[i]!.length, out, 960, 5760);
      },
    },
  ];
}

/** Tasks over opus-decoder: as shipped, and through its wasm exports. */
async function opusDecoderTasks(packets: Uint8Array[]): Promise<TimedTask[]> {
  const shipped = new OpusDecoder({ channels: 1, sampleRate: 48000 });
  await shipped.ready;
  const raw = new OpusDecoder({ channels: 1, sampleRate: 48000 });
  await raw.ready;
  const inner = raw as unknown as OpusDecoderInternals;
  const wasm = inner._common.wasm;
  const n = packets.length;
  return [
    {
      name: 'opus-decoder: decodeFrame() as shipped',
      ops: n,
      fn: () => {
        for (let i = 0; i < n; i++) sink += shipped.decodeFrame(packets[i]!).samplesDecoded;
      },
    },
    {
      name: 'opus-decoder: its wasm exports, no allocation',
      ops: n,
      fn: () => {
        for (let i = 0; i < n; i++) {
          const p = packets[i]!;
          inner._input.buf.set(p);
          sink += wasm.opus_frame_decode_float_deinterleaved(inner._decoder, inner._input.ptr, p.length, inner._output.ptr);
        }
      },
    },
  ];
}

export const decodeSuite: Suite = {
  name: 'decode',
  title: 'decoding one 20 ms Opus frame of speech (32 kbps, in-band FEC): libopus as jitterlane drives it, and opus-decoder',
  async run(options) {
    const packets = fixturePackets();
    const tasks = [...libopusTasks(packets), ...(await opusDecoderTasks(packets))];
    const t = timeTasks(tasks, options, 16);
    const us = (name: string) => t.get(name)!.nsPerOp / 1000;
    const libopus = us('libopus (jitterlane): decode');
    const figures: Figure[] = tasks.map((task) => ({ name: `${task.name} (per 20 ms frame)`, value: us(task.name), unit: 'µs', spreadPercent: t.get(task.name)!.spreadPercent }));
    figures.push({ name: 'opus-decoder exports / libopus (jitterlane)', value: us('opus-decoder: its wasm exports, no allocation') / libopus, unit: '×' });
    return {
      figures,
      notes: [
        `a 20 ms frame is 20 000 µs of audio: libopus decodes it in ${((100 * libopus) / 20_000).toFixed(2)} % of its duration`,
        `concealment after real audio costs ${(us('libopus (jitterlane): decode, then conceal 20 ms') - libopus).toFixed(1)} µs per 20 ms (the pair less a decode)`,
      ],
      details: { frames: packets.length, timings: Object.fromEntries(t) },
    };
  },
};
