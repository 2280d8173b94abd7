// The AudioWorkletProcessor: glue only. It instantiates the engine from the
// module passed in processorOptions, drains the packet ring at the start of
// every process(), pulls exactly the quantum it is given, and writes it out.
// process() never allocates, awaits or throws: a bad packet or a decoder
// error is counted by the engine and concealed; anything unexpected is
// counted here and the block is silence.
//
// Bundled into one classic script (dist/worklet/jitterlane-processor.js) so
// that it also runs under audioworklet-polyfill, which evaluates the module
// as a script.

import { LibOpus } from '../codecs/libopus.js';
import { EngineModule, JitterlaneError, STAT_INDEX, type Engine } from '../engine.js';
import { replayStopsHere } from '../replay/stopping.js';
import { PacketRing, appendBatchToRing, READ_EMPTY, HEADER_FIELDS, HEADER_SEQUENCE, HEADER_TIMESTAMP, HEADER_SSRC, HEADER_ARRIVAL } from '../transport/index.js';
import type { MainToProcessor, ProcessorOptions, ReplayRecording } from './messages.js';
import { OutputResampler } from './output_resampler.js';

declare const sampleRate: number;
declare const currentFrame: number;
declare function registerProcessor(name: string, processor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: unknown);
}

/** Engine rate (assembly/engine.ts SAMPLE_RATE). */
const ENGINE_RATE = 48000;
/** Packets drained per quantum at most, so a flood cannot stall one render call. */
const MAX_PACKETS_PER_QUANTUM = 512;

/** Bytes from a Module, an ArrayBuffer or a typed array (maybe from another realm: no instanceof). */
function toModule(wasm: NonNullable<ProcessorOptions['opusWasm']>): WebAssembly.Module {
  if (Object.prototype.toString.call(wasm) === '[object WebAssembly.Module]') return wasm as WebAssembly.Module;
  const view = ArrayBuffer.isView(wasm) ? new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength) : new Uint8Array(wasm as ArrayBuffer);
  return new WebAssembly.Module(new Uint8Array(view));
}

class JitterlaneProcessor extends AudioWorkletProcessor {
  private readonly engine: Engine;
  private readonly ring: PacketRing;
  private readonly header = new Float64Array(HEADER_FIELDS);
  private readonly resampler: OutputResampler | null;
  private readonly pullEngine: (frames: number) => Float32Array[];
  private readonly scratch: Float32Array[];
  /** Engine frames (48 kHz) per context frame. */
  private readonly engineFramesPerContextFrame: number;
  /** The context frame of the first process(): the engine clock starts there. */
  private startFrame = -1;
  private renderErrors = 0;
  /** Length of a packet read from the ring but not yet due (its bytes wait in the engine's input), or −1. */
  private heldLength = -1;
  private closed = false;

  constructor(options: { processorOptions: ProcessorOptions; outputChannelCount?: number[] }) {
    super(options);
    const o = options.processorOptions;
    const module = EngineModule.fromModule(toModule(o.wasm));
    const rate = typeof sampleRate === 'number' && sampleRate > 0 ? sampleRate : o.sampleRate;
    if (o.codec === 'opus' && !o.opusWasm) throw new JitterlaneError("codec 'opus' needs processorOptions.opusWasm");
    this.opus = o.opusWasm ? LibOpus.fromModule(toModule(o.opusWasm)) : null;
    this.engine = module.createEngine({
      codec: o.codec,
      opus: this.opus ?? undefined,
      channels: o.channels,
      clockRate: o.clockRate,
      payloadRate: o.payloadRate,
      profile: o.profile,
      slots: o.slots,
      slotBytes: o.slotBytes,
    });
    this.ring = o.ring ? new PacketRing(o.ring) : PacketRing.create(o.ringBytes, false);
    this.resampler = rate === ENGINE_RATE ? null : new OutputResampler(ENGINE_RATE, rate, o.channels);
    this.engineFramesPerContextFrame = ENGINE_RATE / rate;
    this.scratch = [];
    for (let c = 0; c < o.channels; c++) this.scratch.push(new Float32Array(8192));
    // Bound once: the resampler calls it inside process() without allocating a closure.
    this.pullEngine = (frames: number) => {
      this.engine.pullInto(this.scratch, frames);
      return this.scratch;
    };
    this.recording = o.replay ? new Recording(o.replay, this.engine) : null;
    // The engine's memory never grows after this (one engine per module), so the view stays valid.
    this.stats = this.engine.statsView;
    this.port.onmessage = (event: MessageEvent<MainToProcessor>) => this.onMessage(event.data);
    this.port.postMessage({ type: 'ready' });
  }

  private readonly recording: Recording | null;
  private readonly stats: Float64Array;
  /** libopus, for codec 'opus': its memory is reported with the engine's. */
  private readonly opus: LibOpus | null;

  /** Rare commands; runs between render calls, where allocation is fine. */
  private onMessage(message: MainToProcessor): void {
    try {
      if (message.type === 'packets') appendBatchToRing(message.batch, this.ring);
      else if (message.type === 'profile') this.engine.setProfile(message.profile);
      else if (message.type === 'reset') this.engine.reset();
      else if (message.type === 'stats') {
        const stats = {
          ...this.engine.stats(),
          ringOverflow: this.ring.overflowCount,
          ringOversize: this.ring.oversizeCount,
          renderErrors: this.renderErrors,
          wasmMemoryBytes: this.engine.memoryBytes,
          opusMemoryBytes: this.opus ? this.opus.exports.memory.buffer.byteLength : 0,
        } as Record<string, number>;
        this.port.postMessage({ type: 'stats', id: message.id, stats });
      } else if (message.type === 'replay-result' && this.recording) {
        this.port.postMessage({ type: 'replay-result', id: message.id, result: this.recording.result() });
      } else if (message.type === 'close') {
        this.closed = true;
        this.engine.destroy();
      }
    } catch (error) {
      this.port.postMessage({ type: 'error', message: String((error as Error)?.message ?? error) });
    }
  }

  /**
   * Moves packets from the ring into the engine (payload copied straight into
   * engine memory). A packet stamped with an arrival still in the future (a
   * replay, or a sender ahead of the audio clock) is held, its bytes left in
   * the engine's input area, until the clock passes it: packets enter the
   * engine when the audio clock passes their arrival, as in the Node replay.
   */
  private drain(): void {
    const input = this.engine.inputView;
    const h = this.header;
    // Read straight from the stats block: a getter returning a double would box it (an allocation).
    const now = this.stats[STAT_INDEX.nowFrames];
    for (let i = 0; i < MAX_PACKETS_PER_QUANTUM; i++) {
      if (this.heldLength < 0) {
        const length = this.ring.read(input, h);
        if (length === READ_EMPTY) return;
        if (length < 0) continue; // too large for the engine: the ring counted it
        this.heldLength = length;
      }
      // A main-thread arrival is in context frames; the engine clock starts at startFrame.
      // Unstamped packets pass −1 (the engine takes its own clock): a Smi, where passing a
      // double to a call that is not inlined would box it, an allocation per packet.
      const stamped = h[HEADER_ARRIVAL];
      const arrival = Number.isNaN(stamped) ? -1 : Math.max(0, (stamped - this.startFrame) * this.engineFramesPerContextFrame);
      if (arrival > now) return;
      this.engine.insertWritten(this.heldLength, h[HEADER_SEQUENCE], h[HEADER_TIMESTAMP], h[HEADER_SSRC], arrival);
      this.heldLength = -1;
    }
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.closed) return false;
    const out = outputs[0];
    if (!out || out.length === 0) return true;
    const frames = out[0].length;
    try {
      if (this.startFrame < 0) this.startFrame = typeof currentFrame === 'number' ? currentFrame : 0;
      this.drain();
      if (this.resampler) this.resampler.render(out, frames, this.pullEngine);
      else this.engine.pullInto(out, frames);
      if (this.recording) this.recording.afterQuantum(this.ring.unreadBytes() === 0 && this.heldLength < 0, frames);
    } catch {
      this.renderErrors++;
      for (const channel of out) channel.fill(0);
    }
    return true;
  }
}

/**
 * A worklet replay's recording: the engine's events, timeline points and the
 * point where the Node driver would stop (every packet in, buffer drained, or
 * the tail limit), with the stats at that point. Reserved at construction;
 * afterQuantum() allocates nothing.
 */
class Recording {
  private readonly options: ReplayRecording;
  private readonly engine: Engine;
  private readonly events: Float64Array;
  private eventCount = 0;
  private readonly timeline: Float64Array;
  private timelineCount = 0;
  private readonly stats: Float64Array;
  private stopFrame = -1;
  private quanta = 0;

  constructor(options: ReplayRecording, engine: Engine) {
    this.options = options;
    this.engine = engine;
    engine.setEventLog(true);
    this.events = new Float64Array(options.maxEvents * 4);
    this.timeline = new Float64Array(options.maxTimelinePoints * 4);
    this.stats = new Float64Array(engine.statsView.length);
  }

  afterQuantum(allInserted: boolean, frames: number): void {
    if (this.stopFrame >= 0) return;
    this.eventCount += this.engine.drainEventsInto(this.events, this.eventCount);
    const s = this.engine.statsView;
    this.quanta++;
    if (this.quanta % this.options.timelineEveryQuanta === 0 && this.timelineCount < this.options.maxTimelinePoints) {
      const at = this.timelineCount++ * 4;
      this.timeline[at] = (s[STAT_INDEX.nowFrames] * 1000) / ENGINE_RATE;
      this.timeline[at + 1] = s[STAT_INDEX.bufferedMs];
      this.timeline[at + 2] = s[STAT_INDEX.targetDelayMs];
      this.timeline[at + 3] = s[STAT_INDEX.currentDelayMs];
    }
    if (replayStopsHere(s, allInserted, frames, this.options.endLimitFrames, ENGINE_RATE)) {
      this.stopFrame = s[STAT_INDEX.nowFrames];
      this.stats.set(s);
    }
  }

  result() {
    return { events: this.events, eventCount: this.eventCount, timeline: this.timeline, timelineCount: this.timelineCount, stopFrame: this.stopFrame, stats: this.stats };
  }
}

registerProcessor('jitterlane', JitterlaneProcessor);
