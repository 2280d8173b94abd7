// group: what one stream costs inside the group processor, the code that runs
// in the AudioWorklet (src/group/group_processor.ts), with N = 1, 8 and 32
// streams of Opus (decoded by the scope's one libopus: 20 ms speech at
// 32 kbps, the committed fixture) and of PCM16LE, mixed into one output; and
// beside them the single-stream processor (src/worklet/jitterlane_processor.ts)
// with one stream. A timed call renders 15 quanta (two packets of every
// stream, their phases staggered): the streams' producers write each packet
// into its ring just before the quantum it is due in, as another thread
// would, and that write (about 0.1 µs) is in the figure. Streams per core in
// real time = 2.667 ms / time per stream-quantum.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readOpusFrames } from '../../src/codecs/opus_frames_file.js';
import { buildFile } from '../../src/engine/build_files.js';
import { wasmPath } from '../../src/engine/node_loader.js';
import { PacketRing } from '../../src/transport/index.js';
import { atLeast, type Figure, type Suite } from '../suite.js';
import { timeTasks } from '../timing.js';
import { PACKET_FRAMES, SAMPLE_RATE, voicedPayloads } from '../voiced_signal.js';

const QUANTUM = 128;
const QUANTUM_NS = (QUANTUM / SAMPLE_RATE) * 1e9;
/** One whole 7/8 cycle of quanta per call: every call holds each stream's two packets. */
const ROUNDS_PER_CALL = 15;
const RING_BYTES = 1 << 18;

interface Processor {
  port: { onmessage: ((event: { data: unknown }) => void) | null; postMessage(message: unknown): void };
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean;
}
type ProcessorClass = new (options: { processorOptions: unknown }) => Processor;

/** The processor classes, imported once the AudioWorkletGlobalScope names they use exist here. */
async function processorClasses(): Promise<{ group: ProcessorClass; single: ProcessorClass }> {
  const scope = globalThis as Record<string, unknown>;
  scope.AudioWorkletProcessor ??= class {
    port = { onmessage: null, postMessage: () => undefined };
  };
  scope.sampleRate = SAMPLE_RATE;
  const { JitterlaneGroupProcessor } = await import('../../src/group/group_processor.js');
  const { JitterlaneProcessor } = await import('../../src/worklet/jitterlane_processor.js');
  return { group: JitterlaneGroupProcessor as unknown as ProcessorClass, single: JitterlaneProcessor as unknown as ProcessorClass };
}

function opusPayloads(): Uint8Array[] {
  const path = fileURLToPath(new URL('../../../test/fixtures/opus/speech-20ms-fec.jlop', import.meta.url));
  return readOpusFrames(readFileSync(path)).packets;
}

/** A producer writing one stream's 20 ms packets into its ring on the 7/8-quantum cadence. */
class RingProducer {
  private k = 0;
  private dueQuantum: number;

  constructor(
    readonly ring: PacketRing,
    private readonly payloads: Uint8Array[],
    phase: number,
  ) {
    this.dueQuantum = phase;
  }

  /** Writes the packet due at quantum `q`, if any. */
  beforeQuantum(q: number): void {
    if (q < this.dueQuantum) return;
    const k = this.k++;
    this.ring.write(this.payloads[k % this.payloads.length], k & 0xffff, (k * PACKET_FRAMES) % 0x1_0000_0000, 1, false, Number.NaN);
    this.dueQuantum += k % 2 === 0 ? 7 : 8;
  }
}

/** Renders ROUNDS_PER_CALL quanta of `processor`, its producers writing before each. */
function renderer(processor: Processor, producers: RingProducer[]): () => void {
  const outputs = [[new Float32Array(QUANTUM)]];
  let q = 0;
  return () => {
    for (let r = 0; r < ROUNDS_PER_CALL; r++, q++) {
      for (let i = 0; i < producers.length; i++) producers[i].beforeQuantum(q);
      processor.process([], outputs);
    }
    sink += outputs[0][0][q & 127];
  };
}

let sink = 0;

export const groupSuite: Suite = {
  name: 'group',
  title: 'N streams in one group processor (the worklet code), Opus with decode and PCM, mixed: cost per stream-quantum, streams per core',
  async run(options) {
    const { group, single } = await processorClasses();
    const wasm = new WebAssembly.Module(readFileSync(wasmPath()));
    const opusWasm = new WebAssembly.Module(readFileSync(buildFile('libopus.wasm')));
    const payloads = { opus: opusPayloads(), PCM16LE: voicedPayloads() };
    const counts = options.quick ? [8] : [1, 8, 32];
    const tasks: { name: string; ops: number; fn: () => void; codec: string; n: number }[] = [];
    for (const codec of ['opus', 'PCM16LE'] as const) {
      const ring = PacketRing.create(RING_BYTES, true);
      const alone = new single({ processorOptions: { wasm, opusWasm, codec, channels: 1, clockRate: 48000, payloadRate: 48000, profile: 'classic', ring: ring.buffer, ringBytes: 0, sampleRate: SAMPLE_RATE } });
      tasks.push({ name: `${codec}: single-stream processor, 1 stream`, ops: ROUNDS_PER_CALL, fn: renderer(alone, [new RingProducer(ring, payloads[codec], 0)]), codec, n: 0 });
      for (const n of counts) {
        const processor = new group({ processorOptions: { wasm, opusWasm, outputs: 1, sampleRate: SAMPLE_RATE } });
        const producers: RingProducer[] = [];
        for (let s = 0; s < n; s++) {
          const streamRing = PacketRing.create(RING_BYTES, true);
          const stream = { key: s + 1, codec, channels: 1, clockRate: 48000, payloadRate: 48000, profile: 'classic', ring: streamRing.buffer, ringBytes: 0, output: 0, gain: 1 / n };
          processor.port.onmessage!({ data: { type: 'add-stream', id: s, stream } });
          producers.push(new RingProducer(streamRing, payloads[codec], s % 15));
        }
        tasks.push({ name: `${codec}: group processor, N = ${n}`, ops: n * ROUNDS_PER_CALL, fn: renderer(processor, producers), codec, n });
      }
    }
    const timings = timeTasks(tasks, options, options.quick ? 8 : 64);
    const figures: Figure[] = [];
    for (const task of tasks) {
      const t = timings.get(task.name)!;
      const label = task.n === 0 ? `${task.codec}: single-stream processor` : `${task.codec}: N = ${task.n}`;
      figures.push({ name: `${label}: time per stream-quantum`, value: t.nsPerOp / 1000, unit: 'µs', spreadPercent: t.spreadPercent });
      const goal = task.codec === 'opus' ? atLeast(300, '≥ 300') : atLeast(5000, '≥ 5000');
      figures.push({ name: `${label}: streams per core in real time`, value: QUANTUM_NS / t.nsPerOp, unit: '', goal });
    }
    const notes = [
      'Per stream-quantum: one stream\'s ring drain, engine pull (Opus: decode at playout, 20 ms every 7.5 quanta), and mix into the output, plus its producer\'s ring write.',
      'Calls spread over cores with worker_threads: every call\'s engines and decoders are its own, nothing to coordinate (README, "Many streams").',
    ];
    return { figures, notes, details: { sink } };
  },
};
