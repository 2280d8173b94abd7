// The group AudioWorkletProcessor: many streams in one processor. One engine
// module holds every stream's engine; the scope's one libopus holds every Opus
// stream's decoder (LibOpus.forScope: shared with every node of the context).
// Glue only, as the single-stream processor: at each process() every stream
// drains its own rings, renders its quantum, and is added, times its gain,
// into the output it was given. Streams are added and removed by messages,
// which run between render calls: that is where memory is reserved and freed.
// process() never allocates, awaits or throws.
//
// Registered as 'jitterlane-group' by ./group_processor_entry.ts, the entry of
// the bundle dist/worklet/jitterlane-group-processor.js.

import { LibOpus } from '../codecs/libopus.js';
import { MAX_PULL_FRAMES } from '../engine/contract.js';
import { EngineModule } from '../engine/index.js';
import { AudioClockPublisher } from '../transport/audio_clock.js';
import { PacketRing, appendBatchToRing } from '../transport/index.js';
import type { GroupFromProcessor, GroupProcessorOptions, GroupStatsReply, GroupToProcessor, StreamSpec } from './group_messages.js';
import { StreamPlayer } from './stream_player.js';
import { toModule } from '../worklet/wasm_source.js';

declare const sampleRate: number;
declare const currentFrame: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: unknown);
}

/** Many streams, one processor. */
export class JitterlaneGroupProcessor extends AudioWorkletProcessor {
  private readonly module: EngineModule;
  /** Makes (once per scope) or finds the scope's libopus; null when the node was given none. */
  private readonly opus: (() => LibOpus) | null;
  /** The scope's libopus once an Opus stream was added here. */
  private opusInUse: LibOpus | null = null;
  private readonly contextRate: number;
  private readonly outputCount: number;
  /** Streams in the order they were added: the order they are mixed in. */
  private readonly streams: StreamPlayer[] = [];
  /** Where each stream renders, by its channel count (1 or 2): shared, as streams render one at a time. */
  private readonly scratch: Float32Array[][];
  private readonly clock: AudioClockPublisher | null;
  /** Per output, whether a stream has written it this quantum (the first one sets, the others add). */
  private readonly written: Uint8Array;
  private quanta = 0;
  private framesRendered = 0;
  private clippedSamples = 0;
  private renderErrors = 0;
  private batchesDropped = 0;
  private closed = false;

  constructor(options: { processorOptions: GroupProcessorOptions }) {
    super(options);
    const o = options.processorOptions;
    this.module = EngineModule.fromModule(toModule(o.wasm));
    const opusWasm = o.opusWasm;
    this.opus = opusWasm ? () => LibOpus.forScope(() => toModule(opusWasm)) : null;
    this.contextRate = typeof sampleRate === 'number' && sampleRate > 0 ? sampleRate : o.sampleRate;
    this.outputCount = o.outputs;
    this.written = new Uint8Array(o.outputs);
    const plane = () => new Float32Array(MAX_PULL_FRAMES);
    this.scratch = [[], [plane()], [plane(), plane()]];
    this.clock = o.clock ? new AudioClockPublisher(o.clock, this.contextRate) : null;
    this.port.onmessage = (event: MessageEvent<GroupToProcessor>) => this.onMessage(event.data);
    this.post({ type: 'ready' });
  }

  private post(message: GroupFromProcessor): void {
    this.port.postMessage(message);
  }

  private find(key: number): StreamPlayer | null {
    for (const stream of this.streams) if (stream.key === key) return stream;
    return null;
  }

  /** Rare commands; they run between render calls, where allocation is fine. */
  private onMessage(message: GroupToProcessor): void {
    const id = 'id' in message ? message.id : -1;
    try {
      if (message.type === 'packets') {
        const stream = this.find(message.key);
        if (stream) appendBatchToRing(message.batch, stream.ring);
        else this.batchesDropped++; // posted before the stream's removal reached the page's side
      } else if (message.type === 'add-stream') this.addStream(message.id, message.stream);
      else if (message.type === 'remove-stream') this.removeStream(message.id, message.key);
      else if (message.type === 'add-source') this.addSource(message.key, message.ring, message.port, message.ringBytes);
      else if (message.type === 'gain') {
        const stream = this.find(message.key);
        if (stream) stream.gain = message.gain;
      } else if (message.type === 'profile') this.find(message.key)?.engine.setProfile(message.profile);
      else if (message.type === 'stats') this.post({ type: 'stats', id: message.id, reply: this.statsReply() });
      else if (message.type === 'close') {
        this.closed = true;
        for (const stream of this.streams) stream.engine.destroy();
        this.streams.length = 0;
      }
    } catch (error) {
      this.post({ type: 'error', id, message: String((error as Error)?.message ?? error) });
    }
  }

  private addStream(id: number, spec: StreamSpec): void {
    if (this.closed) throw new Error('the group node was closed');
    if (spec.output < 0 || spec.output >= this.outputCount) throw new Error(`output ${spec.output} is not one of the node's ${this.outputCount} outputs`);
    if (spec.codec === 'opus' && !this.opus) throw new Error("codec 'opus' needs libopus: the node was created without opusWasm");
    // Reserved here, not in process(): the engine (the module's memory may grow), the decoder
    // (libopus's may), the ring. The views taken over engine memory are refreshed by the engines.
    if (spec.codec === 'opus') this.opusInUse = this.opus!();
    const stream = new StreamPlayer(spec, this.module, this.opusInUse ?? undefined, this.contextRate, this.scratch[spec.channels]);
    this.streams.push(stream);
    this.post({ type: 'stream-added', id, key: spec.key });
  }

  private removeStream(id: number, key: number): void {
    const at = this.streams.findIndex((stream) => stream.key === key);
    if (at >= 0) {
      this.streams[at].engine.destroy();
      this.streams.splice(at, 1);
    }
    this.post({ type: 'stream-removed', id, key });
  }

  /** A producer's own path into one stream: a shared ring it writes into, or a port it posts batches to. */
  private addSource(key: number, shared: SharedArrayBuffer | undefined, port: MessagePort | undefined, ringBytes: number): void {
    const stream = this.find(key);
    if (!stream) throw new Error(`no stream ${key} to attach a producer to`);
    const ring = shared ? new PacketRing(shared) : PacketRing.create(ringBytes, false);
    if (port) port.onmessage = (event: MessageEvent<{ batch: ArrayBuffer }>) => appendBatchToRing(event.data.batch, ring);
    stream.addSource(ring);
  }

  private statsReply(): GroupStatsReply {
    const lib = this.opusInUse;
    return {
      streams: this.streams.map((stream) => ({
        key: stream.key,
        stats: { ...stream.engine.stats(), ...stream.ringCounts() } as Record<string, number>,
      })),
      playout: {
        quanta: this.quanta,
        totalSamplesCount: this.framesRendered,
        clippedSamples: this.clippedSamples,
        renderErrors: this.renderErrors,
        batchesDropped: this.batchesDropped,
        streams: this.streams.length,
        wasmMemoryBytes: this.module.exports.memory.buffer.byteLength,
        opusMemoryBytes: lib ? lib.memoryBytes : 0,
        opusDecoders: lib ? lib.decoders : 0,
      },
    };
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.closed) return false;
    const first = outputs[0];
    if (!first || first.length === 0) return true;
    const frames = first[0].length;
    try {
      this.written.fill(0);
      const now = typeof currentFrame === 'number' ? currentFrame : 0;
      for (let i = 0; i < this.streams.length; i++) {
        const stream = this.streams[i];
        stream.quantumStartFrame = now;
        stream.drain();
        stream.render(frames);
        this.mixInto(outputs[stream.output], stream, frames, this.written[stream.output] === 0);
        this.written[stream.output] = 1;
      }
      for (let o = 0; o < outputs.length; o++) if (o >= this.written.length || this.written[o] === 0) for (let c = 0; c < outputs[o].length; c++) outputs[o][c].fill(0, 0, frames);
      this.countClipped(outputs, frames);
      this.quanta++;
      this.framesRendered += frames;
      this.clock?.publish(now + frames);
    } catch {
      this.renderErrors++;
      for (let o = 0; o < outputs.length; o++) for (let c = 0; c < outputs[o].length; c++) outputs[o][c].fill(0);
    }
    return true;
  }

  /**
   * Writes (`first`: the output's first stream this quantum) or adds the
   * stream's quantum, times its gain, into an output: a mono stream into every
   * channel, a stereo one channel by channel (its mean into a mono output).
   * The first stream is written, not added to zero, so that with gain 1 an
   * output of its own carries the stream's samples bit for bit (0 + −0 would
   * be +0).
   */
  private mixInto(out: Float32Array[] | undefined, stream: StreamPlayer, frames: number, first: boolean): void {
    if (!out || out.length === 0) return;
    const source = this.scratch[stream.engine.channels];
    const gain = stream.gain;
    const stereoToMono = source.length === 2 && out.length === 1;
    for (let c = 0; c < out.length; c++) {
      const target = out[c];
      const from = source[c < source.length ? c : source.length - 1];
      if (stereoToMono) {
        const right = source[1];
        const g = gain * 0.5;
        if (first) for (let i = 0; i < frames; i++) target[i] = g * (from[i] + right[i]);
        else for (let i = 0; i < frames; i++) target[i] += g * (from[i] + right[i]);
      } else if (first) for (let i = 0; i < frames; i++) target[i] = gain * from[i];
      else for (let i = 0; i < frames; i++) target[i] += gain * from[i];
    }
  }

  private countClipped(outputs: Float32Array[][], frames: number): void {
    let clipped = 0;
    for (let o = 0; o < outputs.length; o++) {
      for (let c = 0; c < outputs[o].length; c++) {
        const channel = outputs[o][c];
        for (let i = 0; i < frames; i++) if (channel[i] > 1 || channel[i] < -1) clipped++;
      }
    }
    this.clippedSamples += clipped;
  }
}
