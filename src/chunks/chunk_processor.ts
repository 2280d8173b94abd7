// The chunk player's AudioWorkletProcessor, registered as 'jitterlane-chunks'
// (bundled to dist/worklet/jitterlane-chunk-processor.js): glue only. The
// message handler puts chunks, marks and commands to the player; process()
// pulls it once per render quantum (converting to the context's rate when it
// is not 48 kHz) and never allocates, awaits or throws.

import { SAMPLE_RATE, MAX_PULL_FRAMES } from '../engine/contract.js';
import { EngineModule } from '../engine/index.js';
import { LibOpus } from '../codecs/libopus.js';
import { OutputResampler } from '../worklet/output_resampler.js';
import { toModule } from '../worklet/wasm_source.js';
import { ChunkPlayer } from './chunk_player.js';
import type { ChunkProcessorOptions, MainToChunkProcessor } from './chunk_messages.js';

declare const sampleRate: number;
declare function registerProcessor(name: string, processor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: unknown);
}

class ChunkProcessor extends AudioWorkletProcessor {
  private readonly player: ChunkPlayer;
  private readonly opus: LibOpus | undefined;
  private readonly resampler: OutputResampler | null;
  private readonly scratch = [new Float32Array(MAX_PULL_FRAMES)];
  private readonly pullPlayer: (frames: number) => Float32Array[];
  private renderErrors = 0;
  private closed = false;

  constructor(options: { processorOptions: ChunkProcessorOptions }) {
    super(options);
    const o = options.processorOptions;
    const module = EngineModule.fromModule(toModule(o.wasm));
    // Opus chunks decode in the scope's one libopus, shared with every node of the context.
    const opusWasm = o.opusWasm;
    this.opus = opusWasm ? LibOpus.forScope(() => toModule(opusWasm)) : undefined;
    this.player = new ChunkPlayer(module, { encoding: o.encoding, sampleRate: o.chunkRate, profile: o.profile, storeSeconds: o.storeSeconds }, this.opus);
    const rate = typeof sampleRate === 'number' && sampleRate > 0 ? sampleRate : o.sampleRate;
    this.resampler = rate === SAMPLE_RATE ? null : new OutputResampler(SAMPLE_RATE, rate, 1);
    this.pullPlayer = (frames: number) => {
      this.player.pull(frames, this.scratch);
      return this.scratch;
    };
    this.port.onmessage = (event: MessageEvent<MainToChunkProcessor>) => this.onMessage(event.data);
    this.port.postMessage({ type: 'ready' });
  }

  private onMessage(m: MainToChunkProcessor): void {
    try {
      if (m.type === 'chunk') this.player.pushChunk(new Uint8Array(m.bytes), m.responseId);
      else if (m.type === 'done') this.player.done(m.responseId);
      else if (m.type === 'mark') this.player.mark(m.name, m.responseId);
      else if (m.type === 'clear') this.player.clear();
      else if (m.type === 'interrupt') this.port.postMessage({ type: 'interrupted', id: m.id, ...this.player.interrupt() });
      else if (m.type === 'poll') {
        const events = this.player.drainEvents();
        if (events.length > 0) this.port.postMessage({ type: 'events', events });
      } else if (m.type === 'stats') {
        const s = this.player.stats();
        this.port.postMessage({ type: 'stats', id: m.id, stats: { ...s, engine: { ...s.engine }, renderErrors: this.renderErrors, wasmMemoryBytes: this.player.engine.memoryBytes, opusMemoryBytes: this.opus?.memoryBytes ?? 0 } });
      } else if (m.type === 'close') {
        this.closed = true;
        this.player.destroy();
      }
    } catch (error) {
      this.port.postMessage({ type: 'error', message: String((error as Error)?.message ?? error) });
    }
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.closed) return false;
    const out = outputs[0];
    if (!out || out.length === 0) return true;
    const frames = out[0].length;
    try {
      if (this.resampler) this.resampler.render(out, frames, this.pullPlayer);
      else this.player.pull(frames, out);
      // Mono chunk audio on every output channel.
      for (let c = 1; c < out.length; c++) out[c].set(out[0]);
    } catch {
      this.renderErrors++;
      for (const channel of out) channel.fill(0);
    }
    return true;
  }
}

registerProcessor('jitterlane-chunks', ChunkProcessor);
