// The engine's JavaScript face, shared by Node and the AudioWorklet: it
// instantiates the WebAssembly module, answers the codec hooks, and wraps one
// engine handle. It imports nothing from Node or the browser. Hot-path calls
// (insert, pull) pass numbers only and reuse views made once over WASM memory.

import type { LibOpus } from './codecs/libopus.js';
import type { EngineStats } from './replay/types.js';

/** Built-in codecs; 'opus' (decoded by libopus, see EngineOptions.opus); 'host' for any codec decoded through a HostCodec. */
export type CodecName = 'L16' | 'PCMU' | 'PCMA' | 'PCM16LE' | 'F32LE' | 'opus' | 'host';
/** Built-in target profiles. */
export type ProfileName = 'classic' | 'l4s';

/** A custom target profile (times in ms; rates as shares of played audio). */
export interface ProfileRecord {
  floorMs: number;
  ceilingMs: number;
  quantile?: number;
  memoryPackets?: number;
  deadbandMs?: number;
  stretchRate?: number;
  fastStretchRate?: number;
  fastAboveMs?: number;
  /** How long recurring delay peaks hold the target up; 0 turns the peak detector off. */
  peakHoldMs?: number;
}

/** The parameters of the built-in profiles, as the engine defines them (assembly/profile.ts). */
export const BUILT_IN_PROFILES: Record<ProfileName, Required<ProfileRecord>> = {
  classic: { floorMs: 40, ceilingMs: 500, quantile: 0.97, memoryPackets: 500, deadbandMs: 2, stretchRate: 0.1, fastStretchRate: 0.25, fastAboveMs: 60, peakHoldMs: 0 },
  l4s: { floorMs: 10, ceilingMs: 300, quantile: 0.97, memoryPackets: 500, deadbandMs: 2, stretchRate: 0.1, fastStretchRate: 0.25, fastAboveMs: 60, peakHoldMs: 0 },
};

/**
 * Engine memory as a host codec sees it: two views of the same buffer, so a
 * codec reads payload bytes and writes planar float output in place. The views
 * are replaced only when the memory grows (while engines are created).
 */
export interface EngineHeap {
  u8: Uint8Array;
  f32: Float32Array;
}

/**
 * A codec the host decodes (Opus and others). Calls come synchronously from
 * inside pull() on the audio thread: they must not allocate, and they take
 * numbers only. `payload` is a byte offset into `heap.u8`; `out` is the float
 * index of channel 0's first output sample in `heap.f32`, channel c starting
 * at `out + c * stride`. Output is 48 kHz. A throw is caught and counted as a
 * decoder error (decode) or as no result (the others), never propagated.
 */
export interface HostCodec {
  /** Decodes one payload; returns frames per channel, or < 0 on error. */
  decode(heap: EngineHeap, payload: number, length: number, out: number, stride: number): number;
  /**
   * The codec's own concealment: writes at least `frames` frames, at most
   * `frames` + 960 (codecs conceal in steps), and returns how many; 0 when it has none.
   */
  conceal?(heap: EngineHeap, out: number, frames: number, stride: number): number;
  /** Frames of the preceding audio this payload's in-band FEC covers; 0 when it carries none. */
  fecFrames?(heap: EngineHeap, payload: number, length: number): number;
  /** Writes exactly `frames` frames of the preceding audio recovered from this payload's in-band FEC; returns `frames`, or 0. */
  decodeFec?(heap: EngineHeap, payload: number, length: number, out: number, frames: number, stride: number): number;
  /** Frames (48 kHz, per channel) the payload decodes to; ≤ 0 when it is not a valid payload. */
  duration(heap: EngineHeap, payload: number, length: number): number;
  /** The stream changed: forget decoder state. */
  reset?(): void;
}

/** Options of Engine creation. */
export interface EngineOptions {
  codec: CodecName;
  /** 1 or 2. Default 1. */
  channels?: number;
  /** RTP clock rate. Default: 8000 for G.711, 48000 otherwise. */
  clockRate?: number;
  /** Audio rate inside PCM payloads. Default: the clock rate. */
  payloadRate?: number;
  profile?: ProfileName | ProfileRecord;
  /** Packet slots (default 128) and their size in bytes (default 2048). */
  slots?: number;
  slotBytes?: number;
  /** Required when codec is 'host'. */
  hostCodec?: HostCodec;
  /** Required when codec is 'opus': the libopus instance the engine's decoder is made in (loadLibOpus() in Node). */
  opus?: LibOpus;
  /** Record events (played packets, operations) for drainEvents(). Default false. */
  eventLog?: boolean;
}

/** RTP header fields of one packet, plus its arrival on the output clock. */
export interface PacketInfo {
  sequenceNumber: number;
  timestamp: number;
  ssrc?: number;
  /** Arrival in frames on the output clock; default: now (the engine's clock). */
  arrivalFrame?: number;
}

/** What insert() did with a packet. */
export type InsertResult = 'ok' | 'duplicate' | 'late' | 'resync' | 'overflow' | 'invalid';

/** One event from the engine's log. */
export interface EngineEvent {
  kind: EngineEventKind;
  frame: number;
  a: number;
  b: number;
}

export type EngineEventKind =
  | 'played' | 'late' | 'dropped' | 'overflow' | 'expand' | 'merge' | 'accelerate' | 'accelerate-fast'
  | 'preemptive-expand' | 'dtx' | 'reset' | 'profile' | 'duplicate' | 'fec';

/** f64 fields of one raw event record: kind, output frame, a, b (assembly/events.ts). */
export const EVENT_FIELDS = 4;

/** Raw event records (as drainEventsInto writes them) to event objects. */
export function decodeEvents(records: Float64Array, count: number): EngineEvent[] {
  const out: EngineEvent[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * EVENT_FIELDS;
    out.push({ kind: EVENT_KINDS[records[at]] ?? 'played', frame: records[at + 1], a: records[at + 2], b: records[at + 3] });
  }
  return out;
}

const EVENT_KINDS: EngineEventKind[] = [
  'played', 'played', 'late', 'dropped', 'overflow', 'expand', 'merge', 'accelerate', 'accelerate-fast',
  'preemptive-expand', 'dtx', 'reset', 'profile', 'duplicate', 'fec',
];

const CODEC_IDS: Record<CodecName, number> = { L16: 0, PCMU: 1, PCMA: 2, PCM16LE: 3, F32LE: 4, opus: 5, host: 5 };
const PROFILE_IDS: Record<ProfileName, number> = { classic: 0, l4s: 1 };
const INSERT_RESULTS: Record<number, InsertResult> = { 0: 'ok', 1: 'duplicate', 2: 'late', 3: 'resync', 4: 'overflow', [-3]: 'invalid' };

/** Stats block order: must match assembly/stats.ts. */
type StatName = keyof EngineStats | 'eventsLost' | 'nowFrames' | 'packetsBuffered' | 'delayEstimateMs';
const STAT_NAMES: StatName[] = [
  'packetsReceived', 'packetsDiscarded', 'packetsDuplicated', 'packetsLate', 'packetsDroppedForLatency',
  'packetsOverflow', 'packetsInvalid', 'packetsPlayed', 'totalSamplesReceived', 'totalSamplesEmitted',
  'concealedSamples', 'silentConcealedSamples', 'concealmentEvents', 'insertedSamplesForDeceleration',
  'removedSamplesForAcceleration', 'jitterBufferDelay', 'jitterBufferTargetDelay', 'jitterBufferMinimumDelay',
  'jitterBufferEmittedCount', 'fecPacketsReceived', 'fecPacketsDiscarded', 'fecRecovered', 'streamResets',
  'decoderErrors', 'profileSwitches', 'targetDelayMs', 'currentDelayMs', 'bufferedMs', 'packetsBuffered',
  'nowFrames', 'eventsLost', 'delayEstimateMs',
];

/** Index of each counter in the raw stats block (statsView), for readers that must not allocate. */
export const STAT_INDEX = Object.fromEntries(STAT_NAMES.map((name, i) => [name, i])) as Record<StatName, number>;

/** Named counters from a raw stats block (assembly/stats.ts order). */
export function statsFromBlock(block: ArrayLike<number>): EngineStats {
  const out: Record<string, number> = {};
  STAT_NAMES.forEach((name, i) => (out[name] = block[i]));
  return out as unknown as EngineStats;
}

/** Raw exports of build/jitterlane.wasm (see assembly/index.ts). */
export interface EngineExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  sampleRate(): number;
  maxPullFrames(): number;
  statCount(): number;
  eventFields(): number;
  create(codec: number, channels: number, clockRate: number, payloadRate: number, profile: number, slots: number, slotBytes: number): number;
  destroy(h: number): number;
  inputPtr(h: number): number;
  inputCapacity(h: number): number;
  insert(h: number, seq: number, ts: number, ssrc: number, arrivalFrame: number, length: number): number;
  countInvalid(h: number): number;
  pull(h: number, frames: number): number;
  outputPtr(h: number): number;
  outputStride(): number;
  statsPtr(h: number): number;
  setProfile(h: number, profile: number): number;
  setCustomProfile(h: number, floorMs: number, ceilingMs: number, quantile: number, memoryPackets: number, deadbandMs: number, stretchRate: number, fastStretchRate: number, fastAboveMs: number, peakHoldMs: number): number;
  profileId(h: number): number;
  setEventLog(h: number, on: number): number;
  drainEvents(h: number): number;
  eventsPtr(h: number): number;
  reset(h: number): number;
}

/** An error at the API edge: a bad argument, said clearly, before anything reaches the engine. */
export class JitterlaneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JitterlaneError';
  }
}

/** Extra imports, e.g. the allocation tracer of the debug build. */
export type ExtraImports = Record<string, Record<string, WebAssembly.ImportValue>>;

/** One instantiated engine module; creates engines. */
export class EngineModule {
  readonly exports: EngineExports;
  /** Host codecs by engine handle, for the decode hooks. */
  private readonly hostCodecs = new Map<number, HostCodec>();

  private constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as EngineExports;
    this.exports._initialize();
  }

  /** Instantiates synchronously (allowed in an AudioWorklet and in Node for a module or small bytes). */
  static fromModule(module: WebAssembly.Module, extra: ExtraImports = {}): EngineModule {
    let self: EngineModule | null = null;
    const imports = EngineModule.imports(() => self!, extra);
    const instance = new WebAssembly.Instance(module, imports);
    self = new EngineModule(instance);
    return self;
  }

  /** Compiles and instantiates from bytes. */
  static fromBytes(bytes: BufferSource, extra: ExtraImports = {}): EngineModule {
    return EngineModule.fromModule(new WebAssembly.Module(bytes), extra);
  }

  private static imports(self: () => EngineModule, extra: ExtraImports): WebAssembly.Imports {
    return {
      ...extra,
      env: {
        abort(_message: number, _file: number, line: number, column: number): never {
          throw new Error(`jitterlane engine aborted at ${line}:${column}`);
        },
        ...(extra.env ?? {}),
      },
      jitterlane: {
        decode: (h: number, payload: number, length: number, out: number, stride: number) => self().hostDecode(h, payload, length, out, stride),
        conceal: (h: number, out: number, frames: number, stride: number) => self().hostConceal(h, out, frames, stride),
        duration: (h: number, payload: number, length: number) => self().hostDuration(h, payload, length),
        fecFrames: (h: number, payload: number, length: number) => self().hostFecFrames(h, payload, length),
        decodeFec: (h: number, payload: number, length: number, out: number, frames: number, stride: number) => self().hostDecodeFec(h, payload, length, out, frames, stride),
        reset: (h: number) => self().hostReset(h),
      },
    };
  }

  /**
   * Bumped by every call that may allocate in the module (creating an engine,
   * turning an event log on): only then can the memory have grown, so views
   * compare this number instead of reading `memory.buffer` (a costly getter)
   * on every call.
   */
  memoryGeneration = 0;

  private heapViews: EngineHeap | null = null;
  private heapGeneration = -1;

  /** The heap views, rebuilt only when the memory has grown. */
  private heap(): EngineHeap {
    if (this.heapGeneration === this.memoryGeneration && this.heapViews !== null) return this.heapViews;
    const buffer = this.exports.memory.buffer;
    if (this.heapViews === null || this.heapViews.u8.buffer !== buffer) this.heapViews = { u8: new Uint8Array(buffer), f32: new Float32Array(buffer) };
    this.heapGeneration = this.memoryGeneration;
    return this.heapViews;
  }

  // The hooks below pass byte addresses on to the codec as they are, and output
  // addresses as float indices (4-byte aligned: the engine's buffers are).

  private hostDecode(h: number, payload: number, length: number, out: number, stride: number): number {
    const codec = this.hostCodecs.get(h);
    if (!codec) return -1;
    try {
      return codec.decode(this.heap(), payload, length, out >>> 2, stride) | 0;
    } catch {
      return -1; // a throwing decoder is a decoder error: counted and concealed, never propagated
    }
  }

  private hostConceal(h: number, out: number, frames: number, stride: number): number {
    const codec = this.hostCodecs.get(h);
    if (!codec?.conceal) return 0;
    try {
      return codec.conceal(this.heap(), out >>> 2, frames, stride) | 0;
    } catch {
      return 0;
    }
  }

  private hostDuration(h: number, payload: number, length: number): number {
    const codec = this.hostCodecs.get(h);
    if (!codec) return -1;
    try {
      return codec.duration(this.heap(), payload, length) | 0;
    } catch {
      return -1;
    }
  }

  private hostFecFrames(h: number, payload: number, length: number): number {
    const codec = this.hostCodecs.get(h);
    if (!codec?.fecFrames) return 0;
    try {
      return codec.fecFrames(this.heap(), payload, length) | 0;
    } catch {
      return 0;
    }
  }

  private hostDecodeFec(h: number, payload: number, length: number, out: number, frames: number, stride: number): number {
    const codec = this.hostCodecs.get(h);
    if (!codec?.decodeFec) return 0;
    try {
      return codec.decodeFec(this.heap(), payload, length, out >>> 2, frames, stride) | 0;
    } catch {
      return 0;
    }
  }

  private hostReset(h: number): void {
    try {
      this.hostCodecs.get(h)?.reset?.();
    } catch {
      // a codec that cannot reset keeps its state; the next packets still decode or are counted
    }
  }

  /** Creates an engine. Throws JitterlaneError on bad options (API edge). */
  createEngine(options: EngineOptions): Engine {
    if (options === null || typeof options !== 'object') throw new JitterlaneError(`createEngine: options must be an object, got ${options === null ? 'null' : typeof options}`);
    const codecId = CODEC_IDS[options.codec];
    if (codecId === undefined) throw new JitterlaneError(`unknown codec ${JSON.stringify(options.codec)}; expected one of ${Object.keys(CODEC_IDS).join(', ')}`);
    const channels = options.channels ?? 1;
    if (channels !== 1 && channels !== 2) throw new JitterlaneError(`channels must be 1 or 2, got ${channels}`);
    const clockRate = options.clockRate ?? (options.codec === 'PCMU' || options.codec === 'PCMA' ? 8000 : 48000);
    const payloadRate = options.payloadRate ?? clockRate;
    if (options.codec === 'host' && !options.hostCodec) throw new JitterlaneError("codec 'host' needs a hostCodec");
    if (options.codec === 'opus' && !options.opus) throw new JitterlaneError("codec 'opus' needs the libopus instance in options.opus (loadLibOpus() in Node)");
    const profile = options.profile ?? 'classic';
    this.memoryGeneration++;
    const h = this.exports.create(codecId, channels, clockRate, payloadRate, typeof profile === 'string' ? (PROFILE_IDS[profile] ?? -1) : 0, options.slots ?? 0, options.slotBytes ?? 0);
    if (h < 0) throw new JitterlaneError(`engine create refused (code ${h}): codec ${options.codec} at ${payloadRate} Hz, ${channels} channel(s), clock ${clockRate} Hz, profile ${JSON.stringify(profile)}`);
    // Opus decodes in libopus memory: a decoder per engine, freed with it.
    const opusDecoder = options.codec === 'opus' ? options.opus!.createDecoder(channels) : null;
    const hostCodec = opusDecoder ?? options.hostCodec;
    if (hostCodec) this.hostCodecs.set(h, hostCodec);
    const engine = new Engine(this, h, channels, () => {
      this.hostCodecs.delete(h);
      opusDecoder?.destroy();
    });
    if (typeof profile !== 'string') engine.setProfile(profile);
    if (options.eventLog) engine.setEventLog(true);
    return engine;
  }
}

/** One stream's engine. */
export class Engine {
  readonly sampleRate: number;
  readonly channels: number;
  private readonly x: EngineExports;
  private handle: number;
  private views!: { buffer: ArrayBuffer; input: Uint8Array; output: Float32Array[]; stats: Float64Array };
  private readonly onDestroy: () => void;

  constructor(module: EngineModule, handle: number, channels: number, onDestroy: () => void) {
    this.module = module;
    this.x = module.exports;
    this.handle = handle;
    this.channels = channels;
    this.sampleRate = this.x.sampleRate();
    this.onDestroy = onDestroy;
    this.refreshViews();
  }

  private readonly module: EngineModule;
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
    this.views = {
      buffer,
      input: new Uint8Array(buffer, this.x.inputPtr(h), this.x.inputCapacity(h)),
      output,
      stats: new Float64Array(buffer, this.x.statsPtr(h), this.x.statCount()),
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
    return this.views.stats[STAT_INDEX.nowFrames];
  }

  /**
   * Files one packet. Returns what the engine did with it; a payload that is
   * empty or larger than inputCapacity is counted as invalid, not thrown.
   * Throws JitterlaneError only for arguments that are not numbers/bytes at all.
   */
  insert(payload: Uint8Array, info: PacketInfo): InsertResult {
    this.live();
    if (!(payload instanceof Uint8Array)) throw new JitterlaneError('payload must be a Uint8Array');
    const { sequenceNumber, timestamp } = info;
    if (!Number.isInteger(sequenceNumber) || sequenceNumber < 0 || sequenceNumber > 0xffff) throw new JitterlaneError(`sequenceNumber must be an integer 0..65535, got ${sequenceNumber}`);
    if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > 0xffffffff) throw new JitterlaneError(`timestamp must be an integer 0..2^32-1, got ${timestamp}`);
    if (info.ssrc !== undefined && (!Number.isInteger(info.ssrc) || info.ssrc < 0 || info.ssrc > 0xffffffff)) throw new JitterlaneError(`ssrc must be an integer 0..2^32-1, got ${info.ssrc}`);
    this.refreshViews();
    if (payload.length === 0 || payload.length > this.views.input.length) {
      this.x.countInvalid(this.handle);
      return 'invalid';
    }
    this.views.input.set(payload);
    const ssrc = info.ssrc ?? -1;
    const arrival = info.arrivalFrame ?? -1;
    const code = this.x.insert(this.handle, sequenceNumber, timestamp >>> 0, ssrc, arrival, payload.length);
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
   * Files a packet whose `length` payload bytes are already in inputView.
   * Numbers only, no validation beyond the engine's own (which counts bad
   * packets): for the audio thread. Returns the engine's result code (0 OK,
   * 1 duplicate, 2 late, 3 resync, 4 overflow, < 0 refused).
   */
  insertWritten(length: number, sequenceNumber: number, timestamp: number, ssrc: number, arrivalFrame: number): number {
    // Bytes written through an inputView taken before the memory grew would be lost: the caller
    // takes inputView again after creating engines (the worklet creates one, once).
    return this.x.insert(this.handle, sequenceNumber, timestamp, ssrc, arrivalFrame, length);
  }

  /** Pulls `frames` frames and copies them into `out` (one array per channel, mono duplicated): no allocation. */
  pullInto(out: Float32Array[], frames: number, offset = 0): void {
    if (this.x.pull(this.handle, frames) !== 0) {
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
    if (code !== 0) throw new JitterlaneError(`pull(${frames}) refused: frames must be 1..${this.x.maxPullFrames()}`);
    this.refreshViews();
    return this.views.output;
  }

  /** Switches the target profile; the buffer moves to the new target by time-stretching. */
  setProfile(profile: ProfileName | ProfileRecord): void {
    this.live();
    if (typeof profile === 'string') {
      const id = PROFILE_IDS[profile];
      if (id === undefined) throw new JitterlaneError(`unknown profile ${JSON.stringify(profile)}; expected 'classic', 'l4s' or a record`);
      this.x.setProfile(this.handle, id);
      return;
    }
    if (profile === null || typeof profile !== 'object') throw new JitterlaneError(`setProfile: expected 'classic', 'l4s' or a profile record, got ${profile === null ? 'null' : typeof profile}`);
    const base = BUILT_IN_PROFILES.classic;
    const p = { ...base, ...profile };
    const code = this.x.setCustomProfile(this.handle, p.floorMs, p.ceilingMs, p.quantile, p.memoryPackets, p.deadbandMs, p.stretchRate, p.fastStretchRate, p.fastAboveMs, p.peakHoldMs);
    if (code !== 0) throw new JitterlaneError(`invalid profile record ${JSON.stringify(profile)}`);
  }

  /** Copies the counters out (allocates: not for every quantum on the audio thread). */
  stats(): EngineStats {
    this.live();
    this.refreshViews();
    return statsFromBlock(this.views.stats);
  }

  /** The raw stats block (a view: read it without allocating). */
  get statsView(): Float64Array {
    this.live();
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
      this.eventSource = new Float64Array(buffer, this.x.eventsPtr(this.handle), 4096 * EVENT_FIELDS);
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
    this.module.memoryGeneration++; // the first call reserves the log
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
