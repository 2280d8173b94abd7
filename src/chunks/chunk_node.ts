// JitterlaneChunkNode: the chunk-stream player (chunk_player.ts) in an
// AudioWorklet, for AI-voice clients whose server sends audio chunks, not RTP.
// pushChunk() with a response id as chunks arrive; done() at a response's end;
// interrupt() on barge-in (it resolves to what of the response played, for a
// truncate call); marks fire a 'mark' event when playout reaches them.

import { JitterlaneError, validateProfile, type ProfileName, type ProfileRecord } from '../engine/index.js';
import { addModuleOnce, compileOnce, wasmForProcessor } from '../worklet_assets.js';
import { checkOpusChunk, chunkFormat, type ChunkEncoding } from './chunk_format.js';
import type { ChunkNodeStats, ChunkProcessorOptions, ChunkProcessorToMain, MainToChunkProcessor } from './chunk_messages.js';
import type { ChunkEvent } from './chunk_player.js';

/** Options of JitterlaneChunkNode.create. */
export interface ChunkNodeOptions {
  /** What the chunks carry: 'pcm16' (little-endian), 'f32' (little-endian), 'mulaw', 'alaw', or 'opus' (each chunk one Opus packet). */
  encoding: ChunkEncoding;
  /** Their rate: 8000, 16000, 22050, 24000, 44100 or 48000 (G.711: 8000; Opus: its encoder's rate, 8000–48000, decoded at 48 kHz). */
  sampleRate: number;
  profile?: ProfileName | ProfileRecord;
  /** Seconds of audio held ahead of playout (default 180). */
  storeSeconds?: number;
  processorUrl?: string | URL;
  wasmUrl?: string | URL;
  /** libopus (build/libopus.wasm), loaded for 'opus' chunks only. */
  opusWasmUrl?: string | URL;
}

/** How often the node asks the worklet for events (marks, response ends): 20 ms, a tenth of a syllable. */
const POLL_MS = 20;

const WHO = 'JitterlaneChunkNode.create';

/** A chunk player in an AudioWorklet (see the file comment). Events: 'mark', 'responsestart', 'responseend', 'error'. */
export class JitterlaneChunkNode extends EventTarget {
  readonly context: BaseAudioContext;
  readonly encoding: ChunkEncoding;
  private readonly node: AudioWorkletNode;
  private nextId = 1;
  private readonly pending = new Map<number, (value: never) => void>();
  private readonly poll: ReturnType<typeof setInterval>;
  private closed = false;

  private constructor(context: BaseAudioContext, node: AudioWorkletNode, encoding: ChunkEncoding) {
    super();
    this.context = context;
    this.encoding = encoding;
    this.node = node;
    this.node.port.onmessage = (event: MessageEvent<ChunkProcessorToMain>) => this.onMessage(event.data);
    this.poll = setInterval(() => this.post({ type: 'poll' }), POLL_MS);
  }

  /** Loads the worklet and creates the node; rejects with a JitterlaneError on a bad option or when the processor cannot start. */
  static async create(context: BaseAudioContext, options: ChunkNodeOptions): Promise<JitterlaneChunkNode> {
    if (!context || typeof context !== 'object' || !('audioWorklet' in context)) throw new JitterlaneError('JitterlaneChunkNode.create: the first argument must be an AudioContext or OfflineAudioContext');
    if (options === null || typeof options !== 'object') throw new JitterlaneError('JitterlaneChunkNode.create: options must be an object');
    chunkFormat(options.encoding, options.sampleRate);
    const profile = validateProfile(options.profile ?? 'l4s', 'JitterlaneChunkNode.create');
    const storeSeconds = options.storeSeconds ?? 180;
    if (!(storeSeconds > 0 && storeSeconds <= 3600)) throw new JitterlaneError(`JitterlaneChunkNode.create: storeSeconds must be in (0, 3600], got ${storeSeconds}`);
    const processorUrl = String(options.processorUrl ?? new URL('../../worklet/jitterlane-chunk-processor.js', import.meta.url));
    const wasmUrl = String(options.wasmUrl ?? new URL('../../../build/jitterlane.wasm', import.meta.url));
    const opusWasmUrl = options.encoding === 'opus' ? String(options.opusWasmUrl ?? new URL('../../../build/libopus.wasm', import.meta.url)) : null;
    const [, wasm, opusWasm] = await Promise.all([addModuleOnce(context, processorUrl, WHO), compileOnce(wasmUrl, WHO), opusWasmUrl ? compileOnce(opusWasmUrl, WHO) : undefined]);
    const processorOptions: ChunkProcessorOptions = {
      wasm: await wasmForProcessor(wasmUrl, wasm, WHO),
      opusWasm: opusWasmUrl && opusWasm ? await wasmForProcessor(opusWasmUrl, opusWasm, WHO) : undefined,
      encoding: options.encoding,
      chunkRate: options.sampleRate,
      profile,
      storeSeconds,
      sampleRate: context.sampleRate,
    };
    const node = new AudioWorkletNode(context, 'jitterlane-chunks', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1], processorOptions });
    const self = new JitterlaneChunkNode(context, node, options.encoding);
    await new Promise<void>((resolve, reject) => {
      self.started = { resolve, reject };
      node.addEventListener('processorerror', () => reject(new JitterlaneError('JitterlaneChunkNode.create: the processor failed to start')));
    });
    return self;
  }

  private started: { resolve: () => void; reject: (e: Error) => void } | null = null;

  private onMessage(m: ChunkProcessorToMain): void {
    if (m.type === 'ready') {
      this.started?.resolve();
      this.started = null;
    } else if (m.type === 'events') {
      for (const e of m.events) this.dispatch(e);
    } else if (m.type === 'interrupted' || m.type === 'stats') {
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.((m.type === 'stats' ? m.stats : { responseId: m.responseId, playedMs: m.playedMs }) as never);
    } else if (m.type === 'error') {
      if (this.started) this.started.reject(new JitterlaneError(`JitterlaneChunkNode.create: the processor failed to start: ${m.message}`));
      else this.dispatchEvent(new CustomEvent('error', { detail: m.message }));
    }
  }

  private dispatch(e: ChunkEvent): void {
    const name = e.kind === 'mark' ? 'mark' : e.kind === 'response-start' ? 'responsestart' : 'responseend';
    this.dispatchEvent(new CustomEvent(name, { detail: e }));
  }

  private post(message: MainToChunkProcessor, transfer: Transferable[] = []): void {
    if (this.closed) throw new JitterlaneError('JitterlaneChunkNode used after close()');
    this.node.port.postMessage(message, transfer);
  }

  connect(destination: AudioNode): AudioNode {
    return this.node.connect(destination);
  }

  /** Queues a chunk (bytes of the node's encoding; for 'opus', one Opus packet) for `responseId` (default: the response still open). */
  pushChunk(bytes: Uint8Array | ArrayBuffer, responseId?: string): void {
    const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
    if (!(view instanceof Uint8Array)) throw new JitterlaneError('pushChunk: bytes must be a Uint8Array or an ArrayBuffer');
    if (this.encoding === 'opus') checkOpusChunk(view);
    const copy = view.slice();
    this.post({ type: 'chunk', bytes: copy.buffer, responseId }, [copy.buffer]);
  }

  /** The response's last chunk came: it ends when its audio has played (no concealment after it). */
  done(responseId?: string): void {
    this.post({ type: 'done', responseId });
  }

  /** A mark after what was pushed so far: a 'mark' event when playout reaches it. */
  mark(name: string, responseId?: string): void {
    this.post({ type: 'mark', name: String(name), responseId });
  }

  /** Drops everything queued; marks not reached never fire. */
  clear(): void {
    this.post({ type: 'clear' });
  }

  /** Barge-in: fades out within 5 ms, drops what is queued and what comes later for the response; resolves to what of it played. */
  interrupt(): Promise<{ responseId: string | null; playedMs: number }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (value: never) => void);
      this.post({ type: 'interrupt', id });
    });
  }

  /** The engine's webrtc-stats counters and every response's figures. */
  getStats(): Promise<ChunkNodeStats> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (value: never) => void);
      this.post({ type: 'stats', id });
    });
  }

  close(): void {
    if (this.closed) return;
    clearInterval(this.poll);
    this.post({ type: 'close' });
    this.closed = true;
    this.node.disconnect();
  }
}
