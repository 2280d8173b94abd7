// The group AudioWorkletProcessor: many streams in one processor. One engine
// module holds every stream's engine; the scope's one libopus holds every Opus
// stream's decoder (LibOpus.forScope: shared with every node of the context).
// Glue only, as the single-stream processor: at each process() every stream
// drains its own rings, then each output's streams are pulled and mixed, times
// their gains, into that output's planes in engine memory (the engine's SIMD
// mix: MixPlanes), which are copied out once; when the context does not run
// at 48 kHz, one resampler per output converts the mix, not one per stream.
// Streams are added and removed by messages,
// which run between render calls: that is where memory is reserved and freed.
// process() never allocates, awaits or throws.
//
// Registered as 'jitterlane-group' by ./group_processor_entry.ts, the entry of
// the bundle dist/worklet/jitterlane-group-processor.js.

import { LibOpus } from '../codecs/libopus.js';
import { OK, SAMPLE_RATE } from '../engine/contract.js';
import { EngineModule, type MixPlanes } from '../engine/index.js';
import { OutputResampler } from '../worklet/output_resampler.js';
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
  /** Every output's sums, in engine memory. */
  private readonly mix: MixPlanes;
  /** Per output, its resampler (48 kHz mix to the context's rate), or none at 48 kHz. */
  private readonly resamplers: OutputResampler[] | null;
  /** Per output, the resampler's source: that output's mix of `n` frames (bound once: no closure made in process()). */
  private readonly mixedOutput: ((n: number) => Float32Array[])[];
  private readonly clock: AudioClockPublisher | null;
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
    const channels = o.channels ?? 1;
    this.mix = this.module.reserveMix(o.outputs, channels);
    this.resamplers = this.contextRate === SAMPLE_RATE ? null : Array.from({ length: o.outputs }, () => new OutputResampler(SAMPLE_RATE, this.contextRate, channels));
    this.mixedOutput = Array.from({ length: o.outputs }, (_, output) => (n: number) => {
      if (!this.mixOutput(output, n)) for (const plane of this.mix.wholePlanes(output)) plane.fill(0, 0, n);
      return this.mix.wholePlanes(output);
    });
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
    const stream = new StreamPlayer(spec, this.module, this.opusInUse ?? undefined, this.contextRate);
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
      const now = typeof currentFrame === 'number' ? currentFrame : 0;
      for (let i = 0; i < this.streams.length; i++) {
        const stream = this.streams[i];
        stream.quantumStartFrame = now;
        stream.drain();
      }
      for (let o = 0; o < outputs.length; o++) {
        const out = outputs[o];
        if (o >= this.outputCount) for (let c = 0; c < out.length; c++) out[c].fill(0, 0, frames);
        else if (this.resamplers) this.resamplers[o].render(out, frames, this.mixedOutput[o]);
        else if (!this.mixOutput(o, frames)) for (let c = 0; c < out.length; c++) out[c].fill(0, 0, frames);
        else {
          const planes = this.mix.quantumPlanes(o, frames);
          for (let c = 0; c < out.length; c++) out[c].set(planes[c < planes.length ? c : planes.length - 1]);
        }
      }
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
   * Pulls `frames` frames of every stream of output `o` and mixes them, times
   * their gains, into its planes: a mono stream into every channel, a stereo
   * one channel by channel (its mean into a mono output). The output's first
   * stream is written, not added to zero, so that with gain 1 an output of its
   * own carries the stream's samples bit for bit (0 + −0 would be +0). False
   * when no stream plays into it (its planes untouched).
   */
  private mixOutput(o: number, frames: number): boolean {
    const mix = this.mix;
    const channels = mix.channels;
    let wrote = false;
    for (let i = 0; i < this.streams.length; i++) {
      const stream = this.streams[i];
      if (stream.output !== o) continue;
      const engine = stream.engine;
      if (engine.pullOnly(frames) !== OK) continue;
      const gain = stream.gain;
      for (let c = 0; c < channels; c++) {
        const plane = mix.plane(o, c);
        if (engine.channels === 2 && channels === 1) {
          engine.mixInto(0, plane, frames, gain * 0.5, wrote);
          engine.mixInto(1, plane, frames, gain * 0.5, true);
        } else engine.mixInto(c < engine.channels ? c : engine.channels - 1, plane, frames, gain, wrote);
      }
      wrote = true;
    }
    return wrote;
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
