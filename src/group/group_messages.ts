// Messages between JitterlaneGroupNode (main thread) and its processor (audio
// thread). Streams are added and removed by request and reply: the processor
// reserves a stream's engine, decoder and ring when the request arrives,
// between render calls, and answers once it is in the mix. Packets travel in
// each stream's own ring (shared when the page is cross-origin isolated) or in
// batches over the port, addressed by the stream's key.

import type { CodecName, ProfileName, ProfileRecord } from '../engine/index.js';
import type { WasmSource } from '../worklet/wasm_source.js';

/** processorOptions of the 'jitterlane-group' AudioWorkletProcessor. */
export interface GroupProcessorOptions {
  /** The compiled engine, or its bytes (the polyfill's realm cannot take a Module). */
  wasm: WasmSource;
  /** libopus, compiled or as bytes; instantiated (once per worklet scope) at the first Opus stream. */
  opusWasm?: WasmSource;
  /** Outputs of the node; a stream plays into one of them (several streams on one output are mixed). */
  outputs: number;
  /** Channels of every output (the node's outputChannelCount); 1 when absent. */
  channels?: 1 | 2;
  /** The context's rate, for scopes that lack the global sampleRate (the polyfill). */
  sampleRate: number;
  /** Where the processor publishes the frames it has rendered (src/transport/audio_clock.ts); shared pages only. */
  clock?: SharedArrayBuffer;
}

/** One stream as the processor creates it. */
export interface StreamSpec {
  /** The processor's name for the stream: unique over the node's life (ids may be reused by the app). */
  key: number;
  codec: CodecName;
  channels: 1 | 2;
  clockRate: number;
  payloadRate: number;
  profile: ProfileName | ProfileRecord;
  slots?: number;
  slotBytes?: number;
  /** The stream's ring: shared (isolated pages) or absent, when the processor makes one of ringBytes for port batches. */
  ring?: SharedArrayBuffer;
  ringBytes: number;
  output: number;
  gain: number;
}

export type GroupToProcessor =
  | { type: 'add-stream'; id: number; stream: StreamSpec }
  | { type: 'remove-stream'; id: number; key: number }
  | { type: 'packets'; key: number; batch: ArrayBuffer }
  | { type: 'add-source'; key: number; ring?: SharedArrayBuffer; port?: MessagePort; ringBytes: number }
  | { type: 'gain'; key: number; gain: number }
  | { type: 'profile'; key: number; profile: ProfileName | ProfileRecord }
  | { type: 'stats'; id: number }
  | { type: 'close' };

/** The mix's own figures: what the node rendered, whatever the streams did. */
export interface GroupPlayoutFigures {
  /** Render quanta rendered since the node started. */
  quanta: number;
  /** Frames per output rendered (webrtc-stats media-playout's totalSamplesCount). */
  totalSamplesCount: number;
  /** Mixed samples beyond ±1 (clipped by the destination): a gain too high for the streams at once. */
  clippedSamples: number;
  /** Quanta in which something threw: the node's outputs were silence then. */
  renderErrors: number;
  /** Packet batches (port transport) that reached the processor after their stream was removed, dropped. */
  batchesDropped: number;
  /** Streams in the mix now. */
  streams: number;
  /** The engine module's WebAssembly memory (every stream's engine), bytes. */
  wasmMemoryBytes: number;
  /** The worklet scope's libopus memory (shared with other nodes of the context), bytes; 0 before the first Opus stream. */
  opusMemoryBytes: number;
  /** Opus decoders alive in that libopus (every node of the context). */
  opusDecoders: number;
}

/** The stats reply: the engine's stats block per stream (by key), and the mix's figures. */
export interface GroupStatsReply {
  streams: { key: number; stats: Record<string, number> }[];
  playout: GroupPlayoutFigures;
}

export type GroupFromProcessor =
  | { type: 'ready' }
  | { type: 'stream-added'; id: number; key: number }
  | { type: 'stream-removed'; id: number; key: number }
  | { type: 'stats'; id: number; reply: GroupStatsReply }
  /** A request the processor refused (id of the request), or an unexpected failure (id −1). */
  | { type: 'error'; id: number; message: string };
