// Messages between JitterlaneChunkNode (main thread) and its processor. The
// chunks themselves cross in messages too: they arrive in bursts far ahead of
// playout, so the processor's message handler (between render calls, where
// allocation is fine) stores them; process() only reads the store.

import type { ProfileName, ProfileRecord } from '../engine/index.js';
import type { WasmSource } from '../worklet/wasm_source.js';
import type { ChunkEncoding } from './chunk_format.js';
import type { ChunkEvent, ResponseStats } from './chunk_player.js';

export interface ChunkProcessorOptions {
  wasm: WasmSource;
  /** libopus, for 'opus' chunks. */
  opusWasm?: WasmSource;
  encoding: ChunkEncoding;
  chunkRate: number;
  profile: ProfileName | ProfileRecord;
  storeSeconds: number;
  /** The context's rate, for scopes that lack the global sampleRate. */
  sampleRate: number;
}

/** What JitterlaneChunkNode.getStats() resolves to. */
export interface ChunkNodeStats {
  /** The engine's webrtc-stats counters. */
  engine: Record<string, number>;
  /** Every response's figures, oldest first. */
  responses: ResponseStats[];
  /** Chunks that arrived for a response already interrupted (counted, never played). */
  droppedChunks: number;
  /** Events (marks, response starts and ends) past the 256 that wait between two drains: dropped, counted. */
  droppedEvents: number;
  /** Audio held in the store, in ms. */
  storedMs: number;
  /** Render quanta that failed and played silence instead. */
  renderErrors: number;
  /** The engine's WASM memory: reserved at create, so it stays flat while chunks flow. */
  wasmMemoryBytes: number;
  /** The scope's libopus memory (0 when the node plays no Opus): it grows as decoders are made, never while chunks flow. */
  opusMemoryBytes: number;
}

export type MainToChunkProcessor =
  | { type: 'chunk'; bytes: ArrayBuffer; responseId?: string }
  | { type: 'done'; responseId?: string }
  | { type: 'mark'; name: string; responseId?: string }
  | { type: 'clear' }
  | { type: 'interrupt'; id: number }
  | { type: 'poll' }
  | { type: 'stats'; id: number }
  | { type: 'close' };

export type ChunkProcessorToMain =
  | { type: 'ready' }
  | { type: 'events'; events: ChunkEvent[] }
  | { type: 'interrupted'; id: number; responseId: string | null; playedMs: number }
  | { type: 'stats'; id: number; stats: ChunkNodeStats }
  | { type: 'error'; message: string };
