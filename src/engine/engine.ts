// One stream's engine: a handle on an engine inside an EngineModule. Hot-path
// calls (insert, pull) pass numbers only and reuse views made once over WASM
// memory.

import { decodeEvents, statsFromBlock } from './blocks.js';
import { EVENT_CAPACITY, EVENT_FIELDS, INSERT_FLAG_COMFORT_NOISE, INSERT_FLAG_MARKER, INSERT_FLAG_REDUNDANT_COPY, MAX_PULL_FRAMES, DUPLICATE, ERR_PAYLOAD, LATE, OK, OVERFLOW, PROFILE_FIELDS, PROFILE_IDS, RESYNC, SAMPLE_RATE, STAT_COUNT, STAT_NOW_FRAMES } from './contract.js';
import { JitterlaneError } from './errors.js';
import { checkPacketFields, checkPayload } from './packet_fields.js';
import { validateProfile } from './profile.js';
import type { EngineEvent, EngineExports, EngineMemory, EngineStats, InsertResult, PacketInfo, ProfileName, ProfileRecord } from './types.js';

/** What insert() did, by the engine's result code. */
const INSERT_RESULTS: Readonly<Record<number, InsertResult>> = { [OK]: 'ok', [DUPLICATE]: 'duplicate', [LATE]: 'late', [RESYNC]: 'resync', [OVERFLOW]: 'overflow', [ERR_PAYLOAD]: 'invalid' };

/** The INSERT_FLAG_* bits of insert()'s flags argument (assembly/abi.ts) for a packet's marker bit and kind. */
export function insertFlags(marker: boolean, comfortNoise = false, redundantCopy = false): number {
  return (marker ? INSERT_FLAG_MARKER : 0) | (comfortNoise ? INSERT_FLAG_COMFORT_NOISE : 0) | (redundantCopy ? INSERT_FLAG_REDUNDANT_COPY : 0);
}

/** One stream's engine. */
export class Engine {
  readonly sampleRate: number;
  readonly channels: number;
  private readonly x: EngineExports;
  private handle: number;
  private views!: { buffer: ArrayBuffer; input: Uint8Array; inputWords: Int32Array; output: Float32Array[]; stats: Float64Array };
  private readonly onDestroy: () => void;

  constructor(module: EngineMemory, handle: number, channels: number, onDestroy: () => void) {
    this.module = module;
    this.x = module.exports;
    this.handle = handle;
    this.channels = channels;
    this.sampleRate = SAMPLE_RATE;
    this.onDestroy = onDestroy;
    this.refreshViews();
  }

  private readonly module: EngineMemory;
  /** The module's memoryGeneration when the views were last checked. */
  private viewsGeneration = -1;

  /** Views over WASM memory; rebuilt only if the memory grew (which it does only while engines are created). */
  private refreshViews(): void {
    if (this.viewsGeneration === this.module.memoryGeneration) return;
    this.viewsGeneration = this.module.memoryGeneration;
    const buffer = this.x.memory.buffer as ArrayBuffer;
    if (this.views && this.views.buffer === buffer) return;
    const h = this.handle;
    const stride = this.x.outputStride();
    const output: Float32Array[] = [];
    for (let c = 0; c < this.channels; c++) output.push(new Float32Array(buffer, this.x.outputPtr(h) + c * stride * 4, stride));
    // The engine reserves its input area word-aligned (an AssemblyScript StaticArray: 16 bytes), so
    // it can be seen as words too; a misaligned one would throw here, at create, never later.
    const inputPtr = this.x.inputPtr(h);
    const inputBytes = this.x.inputCapacity(h);
    this.views = {
      buffer,
      input: new Uint8Array(buffer, inputPtr, inputBytes),
      inputWords: new Int32Array(buffer, inputPtr, inputBytes >> 2),
      output,
      stats: new Float64Array(buffer, this.x.statsPtr(h), STAT_COUNT),
    };
  }

  private live(): void {
    if (this.handle < 0) throw new JitterlaneError('engine used after destroy()');
  }

  /** Largest payload insert() accepts, in bytes. */
  get inputCapacity(): number {
    this.live();
    return this.views.input.length;
  }

  /** Size of the module's WASM memory, bytes (it grows only while engines are created). */
  get memoryBytes(): number {
    return this.x.memory.buffer.byteLength;
  }

  /** Output clock: frames pulled so far. */
  get nowFrames(): number {
    this.live();
    this.refreshViews();
    return this.views.stats[STAT_NOW_FRAMES];
  }

  /**
   * Files one packet. Returns what the engine did with it; a payload that is
   * empty or larger than inputCapacity is counted as invalid, not thrown.
   * Throws JitterlaneError only for arguments that are not numbers/bytes at all.
   */
  insert(payload: Uint8Array, info: PacketInfo): InsertResult {
    this.live();
    checkPayload('insert', payload);
    if (info === null || typeof info !== 'object') throw new JitterlaneError('insert: the second argument must be { sequenceNumber, timestamp, ... }');
    const { sequenceNumber, timestamp } = info;
    const ssrc = info.ssrc ?? -1;
    const arrival = info.arrivalFrame ?? -1;
    const marker = info.marker ?? false;
    const comfortNoise = info.comfortNoise ?? false;
    const redundantCopy = info.redundantCopy ?? false;
    checkPacketFields('insert', sequenceNumber, timestamp, ssrc, marker, arrival);
    if (typeof comfortNoise !== 'boolean') throw new JitterlaneError(`insert: comfortNoise must be a boolean, got ${typeof comfortNoise}`);
    if (typeof redundantCopy !== 'boolean') throw new JitterlaneError(`insert: redundantCopy must be a boolean, got ${typeof redundantCopy}`);
    this.refreshViews();
    if (payload.length === 0 || payload.length > this.views.input.length) {
      this.x.countInvalid(this.handle);
      return 'invalid';
    }
    this.views.input.set(payload);
    const code = this.x.insert(this.handle, sequenceNumber, timestamp >>> 0, ssrc, arrival, payload.length, insertFlags(marker, comfortNoise, redundantCopy));
    return INSERT_RESULTS[code] ?? 'invalid';
  }

  /**
   * The engine's payload input area (a view onto WASM memory). A transport may
   * copy a payload straight into it and call insertWritten(): no copy, no allocation.
   */
  get inputView(): Uint8Array {
    this.live();
    this.refreshViews();
    return this.views.input;
  }

  /**
   * The input area as 32-bit words (inputView's memory): a transport copies
   * a payload in a word at a time (PacketRing.read's payloadWordsOut).
   */
  get inputWords(): Int32Array {
    this.live();
    this.refreshViews();
    return this.views.inputWords;
  }

  /**
   * Files a packet whose `length` payload bytes are already in inputView.
   * Numbers only, no validation beyond the engine's own (which counts bad
   * packets): for the audio thread. Returns the engine's result code (OK,
   * DUPLICATE, LATE, RESYNC, OVERFLOW; < 0 refused: assembly/abi.ts).
   * `flags` are the INSERT_FLAG_* bits (insertFlags() makes them).
   */
  insertWritten(length: number, sequenceNumber: number, timestamp: number, ssrc: number, arrivalFrame: number, flags = 0): number {
    // Bytes written through an inputView taken before the memory grew would be lost: the caller
    // takes inputView again after creating engines (the worklet creates one, once).
    return this.x.insert(this.handle, sequenceNumber, timestamp, ssrc, arrivalFrame, length, flags);
  }

  /**
   * Emits `frames` frames into the engine's output block and copies nothing
   * (for a host that mixes it with mixInto). Returns the engine's result code:
   * OK, or < 0 when `frames` is outside 1..MAX_PULL_FRAMES. No allocation.
   */
  pullOnly(frames: number): number {
    return this.x.pull(this.handle, frames);
  }

  /**
   * Mixes channel `channel` of the last pull (its first `frames` frames) into
   * mix plane `plane` (EngineModule.reserveMix): plane = gain·x, or with
   * `add` plane + gain·x, in float32. Numbers only, no allocation; returns the
   * engine's result code (OK, or < 0 for an argument out of range).
   */
  mixInto(channel: number, plane: number, frames: number, gain: number, add: boolean): number {
    return this.x.mixInto(this.handle, channel, plane, frames, gain, add ? 1 : 0);
  }

  /** Pulls `frames` frames and copies them into `out` (one array per channel, mono duplicated): no allocation. */
  pullInto(out: Float32Array[], frames: number, offset = 0): void {
    if (this.x.pull(this.handle, frames) !== OK) {
      for (const channel of out) channel.fill(0, offset, offset + frames);
      return;
    }
    // Another engine created in this module may have grown the memory since the last call.
    this.refreshViews();
    const views = this.quantumViews(frames);
    for (let c = 0; c < out.length; c++) out[c].set(views[c < views.length ? c : views.length - 1], offset);
  }

  private cachedQuantum: { buffer: ArrayBuffer; frames: number; views: Float32Array[] } | null = null;

  /** Output views exactly `frames` long, made once per quantum size (so set() copies without allocating). */
  private quantumViews(frames: number): Float32Array[] {
    const cached = this.cachedQuantum;
    if (cached && cached.frames === frames && cached.buffer === this.views.buffer) return cached.views;
    const views = this.views.output.map((view) => view.subarray(0, frames));
    this.cachedQuantum = { buffer: this.views.buffer, frames, views };
    return views;
  }

  /**
   * Emits `frames` frames. Returns one view per channel onto engine memory,
   * valid until the next call on this module (copy out what you keep).
   */
  pull(frames: number): Float32Array[] {
    this.live();
    const code = this.x.pull(this.handle, frames);
    if (code !== OK) throw new JitterlaneError(`pull(${frames}) refused: frames must be 1..${MAX_PULL_FRAMES}`);
    this.refreshViews();
    return this.views.output;
  }

  /** Switches the target profile; the buffer moves to the new target by time-stretching. */
  setProfile(profile: ProfileName | ProfileRecord): void {
    this.live();
    const checked = validateProfile(profile, 'setProfile');
    if (typeof checked === 'string') {
      this.x.setProfile(this.handle, PROFILE_IDS[checked]);
      return;
    }
    // Not the audio path: a view made per call is fine (the record's address never moves; the memory may have grown).
    const record = new Float64Array(this.x.memory.buffer, this.x.profileRecordPtr(), PROFILE_FIELDS.length);
    PROFILE_FIELDS.forEach((field, i) => (record[i] = checked[field]));
    const code = this.x.setCustomProfile(this.handle);
    if (code !== OK) throw new JitterlaneError(`setProfile: the engine refused the profile record ${JSON.stringify(profile)} (code ${code})`);
  }

  /** Copies the counters and the gauges out, the gauges computed now (allocates: not for every quantum on the audio thread). */
  stats(): EngineStats {
    return statsFromBlock(this.refreshStats());
  }

  /**
   * The raw stats block (a view: read it without allocating). Counters and
   * nowFrames are always current; the gauges (targetDelayMs, currentDelayMs,
   * bufferedMs, packetsBuffered, eventsLost, delayEstimateMs) are as of the
   * last refreshStats() or stats(): the engine computes them when asked, not
   * on every pull.
   */
  get statsView(): Float64Array {
    this.live();
    this.refreshViews();
    return this.views.stats;
  }

  /** Computes the gauges now and returns the stats block (the view statsView gives): no allocation. */
  refreshStats(): Float64Array {
    this.live();
    this.x.refreshStats(this.handle);
    this.refreshViews();
    return this.views.stats;
  }

  /** Drains the event log (allocates: for replays and tools). */
  drainEvents(): EngineEvent[] {
    this.live();
    const n = this.x.drainEvents(this.handle);
    const ev = new Float64Array(this.x.memory.buffer, this.x.eventsPtr(this.handle), n * EVENT_FIELDS);
    return decodeEvents(ev, n);
  }

  /**
   * Drains the event log as raw records (EVENT_FIELDS floats each) into
   * `target` from record `at`; returns how many were copied. Allocates nothing
   * once the log is on (a worklet replay records events this way); records
   * beyond the target's room are dropped.
   */
  drainEventsInto(target: Float64Array, at: number): number {
    const n = this.x.drainEvents(this.handle);
    const room = Math.max(0, Math.min(n, Math.floor(target.length / EVENT_FIELDS) - at));
    if (room === 0) return 0;
    const buffer = this.x.memory.buffer as ArrayBuffer;
    if (!this.eventSource || this.eventSource.buffer !== buffer) {
      this.eventSource = new Float64Array(buffer, this.x.eventsPtr(this.handle), EVENT_CAPACITY * EVENT_FIELDS);
    }
    const source = this.eventSource;
    const base = at * EVENT_FIELDS;
    for (let i = 0; i < room * EVENT_FIELDS; i++) target[base + i] = source[i];
    return room;
  }

  private eventSource: Float64Array | null = null;

  /** Records events for drainEvents() (reserves the log's memory the first time; not on the audio thread). */
  setEventLog(on: boolean): void {
    this.live();
    this.module.mayGrow(); // the first call reserves the log
    this.x.setEventLog(this.handle, on ? 1 : 0);
    this.refreshViews();
  }

  /** Forgets the stream; playout restarts at the next packet. */
  reset(): void {
    this.live();
    this.x.reset(this.handle);
  }

  /** Releases the engine and its memory. */
  destroy(): void {
    if (this.handle < 0) return;
    this.x.destroy(this.handle);
    this.onDestroy();
    this.handle = -1;
  }
}
