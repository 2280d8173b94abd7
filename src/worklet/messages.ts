// Messages between JitterlaneNode (main thread) and its processor (audio
// thread). Request/reply only for rare commands; packets travel in a
// SharedArrayBuffer ring, or in batches over the port when the page is not
// cross-origin isolated.

import type { ProfileName, ProfileRecord } from '../engine/index.js';
import type { CodecName } from '../engine/index.js';
import type { WasmSource } from './wasm_source.js';

/** processorOptions of the 'jitterlane' AudioWorkletProcessor. */
export interface ProcessorOptions {
  /** The compiled engine, or its bytes (the polyfill's realm cannot take a Module). */
  wasm: WasmSource;
  /** libopus, compiled or as bytes, for codec 'opus'. */
  opusWasm?: WasmSource;
  codec: CodecName;
  channels: number;
  clockRate: number;
  payloadRate: number;
  profile: ProfileName | ProfileRecord;
  /** The shared packet ring (cross-origin isolated pages); absent: packets come in port batches. */
  ring?: SharedArrayBuffer;
  /** Size of the ring the processor makes for port batches. */
  ringBytes: number;
  /** The context's rate, for scopes that lack the global sampleRate (the polyfill). */
  sampleRate: number;
  /** Packet slots and their size (engine defaults when absent). */
  slots?: number;
  slotBytes?: number;
  /** Where the processor publishes the frames it has rendered (src/transport/audio_clock.ts); shared pages only. */
  clock?: SharedArrayBuffer;
  /** Bytes of the flight recorder (every engine call, for src/flight/replay.ts); absent or 0: off. */
  flightRecorderBytes?: number;
  /** Trace replay in an OfflineAudioContext: record events and the stopping point, as the Node driver does. */
  replay?: ReplayRecording;
}

/** What a worklet replay records (all reserved at construction). */
export interface ReplayRecording {
  /** Room for this many engine events. */
  maxEvents: number;
  /** A timeline point every this many quanta. */
  timelineEveryQuanta: number;
  /** Room for this many timeline points. */
  maxTimelinePoints: number;
  /** Stop at this engine frame at the latest (last arrival + the driver's tail limit). */
  endLimitFrames: number;
}

/** The recording, posted on request once rendering ended. */
export interface ReplayRecordingResult {
  events: Float64Array;
  eventCount: number;
  /** [timeMs, bufferMs, targetMs, delayMs] per point. */
  timeline: Float64Array;
  timelineCount: number;
  /** Engine frame at which the Node driver's stopping rule was met (−1: never). */
  stopFrame: number;
  /** The engine's stats block at stopFrame. */
  stats: Float64Array;
}

export type MainToProcessor =
  | { type: 'packets'; batch: ArrayBuffer }
  | { type: 'profile'; profile: ProfileName | ProfileRecord }
  | { type: 'stats'; id: number }
  | { type: 'replay-result'; id: number }
  | { type: 'flight'; id: number }
  | { type: 'add-source'; ring?: SharedArrayBuffer; port?: MessagePort; ringBytes: number }
  | { type: 'reset' }
  | { type: 'close' };

export type ProcessorToMain =
  | { type: 'ready' }
  | { type: 'stats'; id: number; stats: Record<string, number> }
  | { type: 'replay-result'; id: number; result: ReplayRecordingResult }
  | { type: 'flight'; id: number; records: Uint8Array; dropped: number; outputFnv1a: number; stats: Record<string, number> }
  | { type: 'error'; message: string };
