// The AudioWorkletProcessor: glue only. It instantiates the engine from the
// module passed in processorOptions, drains the packet ring at the start of
// every process(), pulls exactly the quantum it is given, and writes it out.
// process() never allocates, awaits or throws: a bad packet or a decoder
// error is counted by the engine and concealed; anything unexpected is
// counted here and the block is silence.
//
// Registered by ./processor.ts, the entry of the bundle
// dist/worklet/jitterlane-processor.js (one classic script, so that it also
// runs under audioworklet-polyfill, which evaluates the module as a script);
// the replay tool's processor (src/replay/replay_processor.ts) extends it.

import { LibOpus } from '../codecs/libopus.js';
import { MAX_PULL_FRAMES, PROFILE_FIELDS, PROFILE_IDS, SAMPLE_RATE, STAT_NOW_FRAMES } from '../engine/contract.js';
import { EngineModule, JitterlaneError, insertFlags, type Engine } from '../engine/index.js';
import { FlightRecorder } from '../flight/recording.js';
import { AudioClockPublisher } from '../transport/audio_clock.js';
import { PacketRing, appendBatchToRing, READ_EMPTY, HEADER_FIELDS, HEADER_SEQUENCE, HEADER_TIMESTAMP, HEADER_SSRC, HEADER_ARRIVAL, HEADER_MARKER, HEADER_COMFORT_NOISE, HEADER_REDUNDANT_COPY } from '../transport/index.js';
import type { MainToProcessor, ProcessorOptions } from './messages.js';
import { OutputResampler } from './output_resampler.js';
import { toModule } from './wasm_source.js';

declare const sampleRate: number;
declare const currentFrame: number;
declare function registerProcessor(name: string, processor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: unknown);
}

/** Packets drained per quantum at most, so a flood cannot stall one render call. */
const MAX_PACKETS_PER_QUANTUM = 512;

/**
 * One way packets reach the engine: a ring (the node's own, or one a producer
 * such as the takeover worker writes straight into), and the packet read from
 * it that is not due yet, kept in this source's own bytes until its arrival.
 */
class PacketSource {
  readonly ring: PacketRing;
  readonly header = new Float64Array(HEADER_FIELDS);
  readonly held: Uint8Array;
  /** `held` as 32-bit words: packets are copied a word at a time. */
  readonly heldWords: Int32Array;
  heldLength = -1;

  constructor(ring: PacketRing, payloadBytes: number) {
    this.ring = ring;
    this.held = new Uint8Array(payloadBytes);
    this.heldWords = new Int32Array(this.held.buffer, 0, payloadBytes >> 2);
  }

  /** True when nothing is waiting in this source. */
  empty(): boolean {
    return this.ring.unreadBytes() === 0 && this.heldLength < 0;
  }
}

/** Registers a processor class under the name JitterlaneNode creates its AudioWorkletNode with. */
export function registerJitterlaneProcessor(processor: typeof JitterlaneProcessor): void {
  registerProcessor('jitterlane', processor);
}

/** The product processor: the engine, fed from the packet ring, pulled once per render quantum. */
export class JitterlaneProcessor extends AudioWorkletProcessor {
  protected readonly engine: Engine;
  /** The node's own ring (shared, or fed by port batches). */
  private readonly ring: PacketRing;
  /** Every source drained at each quantum: the node's ring first, then those producers attached. */
  private readonly sources: PacketSource[] = [];
  /** Publishes the frames rendered so far, for producers that stamp arrivals on the audio clock. */
  private readonly clock: AudioClockPublisher | null;
  private readonly resampler: OutputResampler | null;
  private readonly pullEngine: (frames: number) => Float32Array[];
  private readonly scratch: Float32Array[];
  /** Engine frames (48 kHz) per context frame. */
  private readonly engineFramesPerContextFrame: number;
  /**
   * The context frame this quantum starts at. Arrival stamps (context frames)
   * are mapped onto the engine's clock relative to it, not to the first
   * quantum: Chromium calls process() only for quanta in which the node is
   * pulled, so a node not yet (or no longer) connected toward the destination
   * skips quanta and its engine clock falls behind the context's for good.
   * Mapped from the first quantum, every stamp then lay that far in the
   * future and its packet waited that long in the ring, a delay no buffer
   * figure showed (measured live: 40 ms on a cross-origin isolated page).
   */
  private quantumStartFrame = 0;
  protected renderErrors = 0;
  private closed = false;

  constructor(options: { processorOptions: ProcessorOptions; outputChannelCount?: number[] }) {
    super(options);
    const o = options.processorOptions;
    const module = EngineModule.fromModule(toModule(o.wasm));
    const rate = typeof sampleRate === 'number' && sampleRate > 0 ? sampleRate : o.sampleRate;
    if (o.codec === 'opus' && !o.opusWasm) throw new JitterlaneError("codec 'opus' needs processorOptions.opusWasm");
    // One libopus for the whole worklet scope: every node's decoders are made in it.
    const opusWasm = o.opusWasm;
    this.opus = opusWasm ? LibOpus.forScope(() => toModule(opusWasm)) : null;
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
    this.sources.push(new PacketSource(this.ring, this.engine.inputView.length));
    this.clock = o.clock ? new AudioClockPublisher(o.clock, rate) : null;
    this.resampler = rate === SAMPLE_RATE ? null : new OutputResampler(SAMPLE_RATE, rate, o.channels);
    this.engineFramesPerContextFrame = SAMPLE_RATE / rate;
    this.scratch = [];
    for (let c = 0; c < o.channels; c++) this.scratch.push(new Float32Array(MAX_PULL_FRAMES));
    this.flight = o.flightRecorderBytes ? new FlightRecorder(o.flightRecorderBytes) : null;
    // Bound once: the resampler calls it inside process() without allocating a closure.
    this.pullEngine = (frames: number) => {
      this.engine.pullInto(this.scratch, frames);
      this.flight?.pull(frames, this.scratch, this.engine.channels);
      return this.scratch;
    };
    this.port.onmessage = (event: MessageEvent<MainToProcessor>) => this.onMessage(event.data);
    this.port.postMessage({ type: 'ready' });
  }

  /** The scope's libopus, for codec 'opus' (shared with every node of the context): its memory is reported with the engine's. */
  private readonly opus: LibOpus | null;
  /** Every call on the engine, when the page asked for a flight recording (off by default). */
  private readonly flight: FlightRecorder | null;

  /** Rare commands; runs between render calls, where allocation is fine. */
  protected onMessage(message: MainToProcessor): void {
    try {
      if (message.type === 'packets') appendBatchToRing(message.batch, this.ring);
      else if (message.type === 'add-source') this.addSource(message.ring, message.port, message.ringBytes);
      else if (message.type === 'profile') {
        this.engine.setProfile(message.profile);
        const p = message.profile;
        if (this.flight) this.flight.profile(typeof p === 'string' ? PROFILE_IDS[p] : 0, typeof p === 'string' ? null : PROFILE_FIELDS.map((f) => (p as Record<string, number>)[f]));
      } else if (message.type === 'reset') {
        this.engine.reset();
        this.flight?.reset();
      } else if (message.type === 'flight') {
        const f = this.flight;
        this.port.postMessage({
          type: 'flight',
          id: message.id,
          records: f ? f.bytes.slice(0, f.length) : new Uint8Array(0),
          dropped: f ? f.dropped : 0,
          outputFnv1a: f ? f.hash : 0,
          stats: { ...this.engine.stats() },
        });
      }
      else if (message.type === 'stats') {
        const stats = {
          ...this.engine.stats(),
          ringOverflow: this.sources.reduce((n, source) => n + source.ring.overflowCount, 0),
          ringOversize: this.sources.reduce((n, source) => n + source.ring.oversizeCount, 0),
          renderErrors: this.renderErrors,
          wasmMemoryBytes: this.engine.memoryBytes,
          opusMemoryBytes: this.opus ? this.opus.exports.memory.buffer.byteLength : 0,
        } as Record<string, number>;
        this.port.postMessage({ type: 'stats', id: message.id, stats });
      } else if (message.type === 'close') {
        this.closed = true;
        this.engine.destroy();
      }
    } catch (error) {
      this.port.postMessage({ type: 'error', message: String((error as Error)?.message ?? error) });
    }
  }

  /**
   * A producer's own path to the engine: a shared ring it writes into, or a
   * port it posts packet batches to (written into a ring of this thread's).
   */
  private addSource(shared: SharedArrayBuffer | undefined, port: MessagePort | undefined, ringBytes: number): void {
    const ring = shared ? new PacketRing(shared) : PacketRing.create(ringBytes, false);
    if (port) port.onmessage = (event: MessageEvent<{ batch: ArrayBuffer }>) => appendBatchToRing(event.data.batch, ring);
    this.sources.push(new PacketSource(ring, this.engine.inputView.length));
  }

  /**
   * Moves packets from every source into the engine. A packet stamped with an
   * arrival still in the future (a replay, or a producer stamping on the
   * audio clock between render bursts) is held in its source until the clock
   * passes it: packets enter the engine when the audio clock passes their
   * arrival, as in the Node replay.
   */
  private drain(): void {
    // Read straight from the stats block (a view, no allocation): a getter returning a double would box it.
    const now = this.engine.statsView[STAT_NOW_FRAMES];
    for (let i = 0; i < this.sources.length; i++) this.drainSource(this.sources[i], now);
  }

  private drainSource(source: PacketSource, now: number): void {
    const h = source.header;
    for (let i = 0; i < MAX_PACKETS_PER_QUANTUM; i++) {
      if (source.heldLength < 0) {
        const length = source.ring.read(source.held, h, source.heldWords);
        if (length === READ_EMPTY) return;
        if (length < 0) continue; // too large for the engine: the ring counted it
        source.heldLength = length;
      }
      // An arrival stamp is in context frames: its age against this quantum, on the engine clock.
      // Unstamped packets pass −1 (the engine takes its own clock): a Smi, where passing a
      // double to a call that is not inlined would box it, an allocation per packet.
      const stamped = h[HEADER_ARRIVAL];
      const arrival = Number.isNaN(stamped) ? -1 : Math.max(0, now + (stamped - this.quantumStartFrame) * this.engineFramesPerContextFrame);
      if (arrival > now) return;
      const input = this.engine.inputView;
      const length = source.heldLength;
      const held = source.held;
      const inputWords = this.engine.inputWords;
      const heldWords = source.heldWords;
      const whole = length >> 2;
      for (let w = 0; w < whole; w++) inputWords[w] = heldWords[w];
      for (let b = whole << 2; b < length; b++) input[b] = held[b];
      // The marker bit goes in (it ends a pause, or starts a restarted stream), and whether the payload is comfort noise or a RED copy.
      const flags = insertFlags(h[HEADER_MARKER] === 1, h[HEADER_COMFORT_NOISE] === 1, h[HEADER_REDUNDANT_COPY] === 1);
      this.engine.insertWritten(length, h[HEADER_SEQUENCE], h[HEADER_TIMESTAMP], h[HEADER_SSRC], arrival, flags);
      this.flight?.insert(input, length, h[HEADER_SEQUENCE], h[HEADER_TIMESTAMP], h[HEADER_SSRC], arrival, flags);
      source.heldLength = -1;
    }
  }

  /** True when every packet the sources held has entered the engine (none unread, none held for its arrival). */
  protected allInserted(): boolean {
    for (let i = 0; i < this.sources.length; i++) if (!this.sources[i].empty()) return false;
    return true;
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.closed) return false;
    const out = outputs[0];
    if (!out || out.length === 0) return true;
    const frames = out[0].length;
    try {
      this.quantumStartFrame = typeof currentFrame === 'number' ? currentFrame : 0;
      this.drain();
      if (this.resampler) this.resampler.render(out, frames, this.pullEngine);
      else {
        this.engine.pullInto(out, frames);
        this.flight?.pull(frames, out, this.engine.channels);
      }
      this.clock?.publish(this.quantumStartFrame + frames);
    } catch {
      this.renderErrors++;
      for (const channel of out) channel.fill(0);
    }
    return true;
  }
}
