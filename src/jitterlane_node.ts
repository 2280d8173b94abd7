// JitterlaneNode: where an app takes over playout. Main thread. It loads the
// worklet bundle and the engine (both found next to this file with
// import.meta.url, so the package works unbundled and in Vite / webpack apps),
// creates the AudioWorkletNode, and carries packets to it: through a
// SharedArrayBuffer ring when the page is cross-origin isolated, otherwise in
// batches over the node's MessagePort.

import { StartLatch } from './start_latch.js';
import { addModuleOnce, compileOnce, errorText, wasmForProcessor } from './worklet_assets.js';
import { DEFAULT_SLOT_BYTES } from './engine/contract.js';
import { JitterlaneError, checkPacketFields, checkPayload, validateProfile, type EngineStats, type ProfileName, type ProfileRecord } from './engine/index.js';
import { flightFile, type FlightHeader } from './flight/recording.js';
import { createAudioClockBuffer } from './transport/audio_clock.js';
import { PacketBatcher, PacketRing } from './transport/index.js';
import { checkNodeOptions, type NodeCodec } from './node_options.js';
import { feedPacketRole, TelephoneEventTracker, type PayloadTypeOptions } from './rtp/payload_type_rule.js';
import type { MainToProcessor, ProcessorOptions, ProcessorToMain, ReplayRecording, ReplayRecordingResult } from './worklet/messages.js';

/** Options of JitterlaneNode.create. */
export interface JitterlaneNodeOptions {
  codec?: NodeCodec;
  channels?: 1 | 2;
  clockRate?: number;
  payloadRate?: number;
  profile?: ProfileName | ProfileRecord;
  /** 'auto' (default): the shared ring when crossOriginIsolated, else the port. */
  transport?: 'auto' | 'shared-ring' | 'port';
  /** Ring size in bytes (default 256 KiB: seconds of packets). */
  ringBytes?: number;
  /** Where the worklet bundle and the wasm are (defaults: next to this module). */
  processorUrl?: string | URL;
  wasmUrl?: string | URL;
  /** libopus for codec 'opus' (default: build/libopus.wasm next to this module). */
  opusWasmUrl?: string | URL;
  /** Packet slots and their size (engine defaults: 128 × 2048 bytes). */
  slots?: number;
  slotBytes?: number;
  /** For tools: record a trace replay in an OfflineAudioContext (see replayResult()). */
  replay?: ReplayRecording;
  /**
   * Bytes for a flight recording of every engine call (see flightRecording()); default 0, off.
   * An Opus call takes about 10 KiB a second (its payloads, plus 8 bytes a render quantum).
   */
  flightRecorderBytes?: number;
  /**
   * The audio codec's RTP payload type (from the SDP). With it, push() refuses
   * and counts (`packetsForeignPayloadType`) packets of any other type that is
   * neither comfort noise (PT 13, played as comfort noise) nor telephone-events.
   * Default: not checked.
   */
  payloadType?: number;
  /** The RFC 4733 telephone-event payload type (the SDP's, usually 101): push() reports its packets as 'telephoneevent' events, never audio. */
  telephoneEventPayloadType?: number;
}

/**
 * A producer's own path into the worklet, from attachProducer(): a shared ring
 * to write records into (cross-origin isolated pages), or a port to post
 * packet batches to; and the audio clock to stamp arrivals with (shared pages).
 */
export interface ProducerChannel {
  ring?: SharedArrayBuffer;
  port?: MessagePort;
  /** Frames rendered so far, published by the worklet (src/transport/audio_clock.ts). */
  clock?: SharedArrayBuffer;
  /** The largest payload the engine takes. */
  maxPayloadBytes: number;
}

/** RTP fields of a pushed packet. */
export interface PushInfo {
  sequenceNumber: number;
  timestamp: number;
  ssrc?: number;
  marker?: boolean;
  /** The RTP payload type: sorted by the node's payloadType / telephoneEventPayloadType options (PT 13 is comfort noise); default: audio. */
  payloadType?: number;
  /** Arrival on the context's clock, in seconds (e.g. context.currentTime when received); default: when the worklet takes it. */
  arrivalTime?: number;
  /** The same in context frames, for tools that have frame-exact arrivals (replays). */
  arrivalFrame?: number;
}

/** The engine counters that are RTCInboundRtpStreamStats fields (same names, same units); the group node reports them too. */
export const WEBRTC_FIELDS = [
  'packetsReceived', 'packetsDiscarded', 'packetsDuplicated', 'totalSamplesReceived', 'concealedSamples',
  'silentConcealedSamples', 'concealmentEvents', 'insertedSamplesForDeceleration', 'removedSamplesForAcceleration',
  'jitterBufferDelay', 'jitterBufferTargetDelay', 'jitterBufferMinimumDelay', 'jitterBufferEmittedCount',
  'fecPacketsReceived', 'fecPacketsDiscarded',
] as const;

/** getStats() result: RTCInboundRtpStreamStats field names and units (seconds for delays). */
export type JitterlaneInboundStats = {
  type: 'inbound-rtp';
  kind: 'audio';
  id: string;
  timestamp: number;
  /** jitterlane's own, outside webrtc-stats. */
  jitterlane: Record<string, number>;
} & Pick<EngineStats, (typeof WEBRTC_FIELDS)[number]>;

/**
 * The delays after the buffer, next to its own (issue #13): the context's
 * baseLatency and outputLatency (seconds, as AudioContext names them; 0 where
 * the context has none, as an OfflineAudioContext), `currentDelayMs` as what
 * is buffered (decoded and encoded audio ahead of the playout point) plus that
 * output path, so an app sees its end-to-end figure less the network's; and
 * the engine's own steered delay (above the fastest recent packet, the figure
 * it moves to its target) as `steeredDelayMs`.
 */
function outputPathDelays(context: BaseAudioContext, raw: Record<string, number>): Record<string, number> {
  const realtime = context as Partial<AudioContext>;
  const baseLatency = typeof realtime.baseLatency === 'number' ? realtime.baseLatency : 0;
  const outputLatency = typeof realtime.outputLatency === 'number' ? realtime.outputLatency : 0;
  return { baseLatency, outputLatency, steeredDelayMs: raw.currentDelayMs, currentDelayMs: raw.bufferedMs + 1000 * (baseLatency + outputLatency) };
}

/** The product processor, or for a node recording a replay the replay tool's (both register as 'jitterlane'). */
function defaultProcessorUrl(replay: boolean): URL {
  return replay ? new URL('../worklet/jitterlane-replay-processor.js', import.meta.url) : new URL('../worklet/jitterlane-processor.js', import.meta.url);
}

/** Who the loading errors name. */
const WHO = 'JitterlaneNode.create';

function defaultWasmUrl(): URL {
  return new URL('../../build/jitterlane.wasm', import.meta.url);
}

function defaultOpusWasmUrl(): URL {
  return new URL('../../build/libopus.wasm', import.meta.url);
}

/**
 * True when `context` is a realtime context that was closed: it renders no more and its node is
 * done. An OfflineAudioContext also reads 'closed' once it finished rendering, but its processor
 * still answers (replays read their stats and recording then), so it does not count.
 */
function realtimeContextClosed(context: BaseAudioContext): boolean {
  if (context.state !== 'closed') return false;
  const Offline = (globalThis as { OfflineAudioContext?: new (...args: never[]) => BaseAudioContext }).OfflineAudioContext;
  return !(typeof Offline === 'function' && context instanceof Offline);
}

/**
 * True when `context` is a realtime context that is not rendering (suspended
 * before a user gesture, suspended by the app or the browser, or 'interrupted'
 * in Safari): its audio clock stands still, so a packet pushed now could only
 * play late. An OfflineAudioContext is 'suspended' until startRendering(),
 * and replays push every packet before that: it does not count.
 */
function realtimeContextStopped(context: BaseAudioContext): boolean {
  if (context.state === 'running' || context.state === 'closed') return false;
  const Offline = (globalThis as { OfflineAudioContext?: new (...args: never[]) => BaseAudioContext }).OfflineAudioContext;
  return !(typeof Offline === 'function' && context instanceof Offline);
}

/** Odd multiplier (2^32 / golden ratio) that spreads epochs over the SSRC space, so an epoch's SSRCs never meet another's by accident. */
const EPOCH_SSRC_SPREAD = 0x9e3779b1;

/** The SSRC the engine sees for a packet of `ssrc` (−1: none given) in stream epoch `epoch`: unchanged in epoch 0. */
function ssrcForEngine(ssrc: number, epoch: number): number {
  if (epoch === 0) return ssrc < 0 ? 0 : ssrc;
  return ((ssrc < 0 ? 0 : ssrc) ^ Math.imul(epoch, EPOCH_SSRC_SPREAD)) >>> 0;
}

export class JitterlaneNode extends EventTarget {
  readonly node: AudioWorkletNode;
  readonly context: BaseAudioContext;
  readonly transport: 'shared-ring' | 'port';
  private readonly ring: PacketRing | null;
  private readonly batcher: PacketBatcher | null;
  private readonly pending = new Map<number, { resolve: (stats: Record<string, number>) => void; reject: (error: Error) => void }>();
  private nextRequest = 1;
  private closed = false;
  private profileName: string;
  private lastCounters = { concealmentEvents: 0, streamResets: 0 };
  /** Largest payload the worklet's engine takes (its slot size); push() refuses and counts larger ones. */
  private readonly maxPayloadBytes: number;
  /** Payloads push() refused as larger than maxPayloadBytes. */
  private packetsTooLarge = 0;
  /** Packets push() dropped because the realtime context was not running (they could only have played late). */
  private packetsDroppedSuspended = 0;
  /** The payload-type rule of push() (create's payloadType and telephoneEventPayloadType). */
  private payloadTypes: PayloadTypeOptions = {};
  /** Packets push() refused as neither the codec's payload type nor comfort noise nor telephone-events. */
  private packetsForeignPayloadType = 0;
  /** Telephone-event packets push() took (reported as events, not played). */
  private telephoneEventPackets = 0;
  private readonly telephoneEvents = new TelephoneEventTracker();
  /** The realtime context was not rendering when it last changed state. */
  private contextStopped = false;
  /**
   * Stream epoch: bumped each time the realtime context stops rendering. The
   * audio clock then stands still while the sender's goes on, so the stream
   * comes back after resume() ahead of where playout stopped, and what the
   * engine held, or what waits in the processor's ring for its stamped arrival,
   * would play that much late while the delay gauges read small. Every packet
   * carries its epoch in the SSRC the engine sees (ssrcForEngine), so the first
   * packet pushed after resume() is a new stream to the engine: it resyncs at
   * once, counting what it held as discarded. Timer-free and ordered: the ring
   * hands the engine every older packet before the first new one.
   */
  private epoch = 0;

  private constructor(context: BaseAudioContext, node: AudioWorkletNode, transport: 'shared-ring' | 'port', ring: PacketRing | null, profile: string, maxPayloadBytes: number) {
    super();
    this.context = context;
    this.node = node;
    this.transport = transport;
    this.ring = ring;
    this.profileName = profile;
    this.maxPayloadBytes = maxPayloadBytes;
    // A closed realtime context's node is done: settle the requests waiting, so no getStats() hangs.
    context.addEventListener?.('statechange', () => {
      const stopped = realtimeContextStopped(context);
      if (stopped && !this.contextStopped) this.epoch++;
      this.contextStopped = stopped;
      if (!realtimeContextClosed(context)) return;
      this.rejectPending('the AudioContext was closed');
      this.start.settle(new JitterlaneError('JitterlaneNode.create: the AudioContext was closed before the processor started'));
    });
    // The processor threw (building its engine, compiling its wasm) or died later. The spec names
    // the event 'processorerror'; Chromium 156 dispatches it as an ErrorEvent of type 'error'
    // (checked in test/browser/create_bad_options.test.ts), so both are heard, once.
    let processorFailed = false;
    const onProcessorError = (event: Event) => {
      if (processorFailed) return;
      processorFailed = true;
      const why = errorText((event as ErrorEvent).error ?? (event as ErrorEvent).message ?? 'no reason given');
      if (this.start.pending) this.start.settle(new JitterlaneError(`JitterlaneNode.create: the processor failed to start: ${why}`));
      else this.dispatchEvent(new CustomEvent('error', { detail: `processorerror: ${why}` }));
    };
    node.addEventListener?.('processorerror', onProcessorError);
    node.addEventListener?.('error', onProcessorError);
    this.batcher = ring ? null : new PacketBatcher((batch, transfer) => this.post({ type: 'packets', batch }, transfer));
    node.port.onmessage = (event: MessageEvent<ProcessorToMain>) => this.onMessage(event.data);
  }

  /**
   * Loads the worklet (once per context) and creates a node. Every option is
   * checked here first (src/node_options.ts): a bad one rejects with a
   * JitterlaneError naming it and the accepted values. The promise also
   * rejects, never hangs, when the node cannot start: the worklet bundle or a
   * wasm file cannot be loaded or compiled, the processor throws while it
   * builds its engine ('processorerror'), it reports an error instead of
   * 'ready', or the context closes first. No timeout is involved: the
   * processor answers with 'ready' or fails in one of those ways.
   */
  static async create(context: BaseAudioContext, options: JitterlaneNodeOptions = {}): Promise<JitterlaneNode> {
    if (!context || typeof context !== 'object' || !('audioWorklet' in context)) throw new JitterlaneError('JitterlaneNode.create: the first argument must be an AudioContext or OfflineAudioContext');
    if (context.state === 'closed') throw new JitterlaneError('JitterlaneNode.create: the AudioContext is closed (or, offline, has finished rendering)');
    const checked = checkNodeOptions(options);
    const { codec, channels, clockRate, payloadRate, profile, ringBytes } = checked;
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
    const transport = checked.transport === 'shared-ring' || (checked.transport !== 'port' && isolated) ? 'shared-ring' : 'port';
    if (transport === 'shared-ring' && !isolated) throw new JitterlaneError("JitterlaneNode.create: transport 'shared-ring' needs a cross-origin isolated page (COOP same-origin + COEP require-corp)");

    const processorUrl = String(options.processorUrl ?? defaultProcessorUrl(options.replay !== undefined));
    const wasmUrl = String(options.wasmUrl ?? defaultWasmUrl());
    const opusWasmUrl = codec === 'opus' ? String(options.opusWasmUrl ?? defaultOpusWasmUrl()) : null;
    const [, module, opusModule] = await Promise.all([addModuleOnce(context, processorUrl, WHO), compileOnce(wasmUrl, WHO), opusWasmUrl ? compileOnce(opusWasmUrl, WHO) : null]);
    const ring = transport === 'shared-ring' ? PacketRing.create(ringBytes, true) : null;
    const clock = transport === 'shared-ring' ? createAudioClockBuffer() : null;
    const processorOptions: ProcessorOptions = {
      wasm: await wasmForProcessor(wasmUrl, module, WHO),
      opusWasm: opusWasmUrl === null ? undefined : await wasmForProcessor(opusWasmUrl, opusModule!, WHO),
      codec,
      channels,
      clockRate,
      payloadRate,
      profile,
      ring: ring ? (ring.buffer as SharedArrayBuffer) : undefined,
      ringBytes,
      sampleRate: context.sampleRate,
      slots: checked.slots,
      slotBytes: checked.slotBytes,
      replay: options.replay,
      clock: clock ?? undefined,
      flightRecorderBytes: checked.flightRecorderBytes || undefined,
    };
    let node: AudioWorkletNode;
    try {
      node = new AudioWorkletNode(context, 'jitterlane', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [channels], processorOptions });
    } catch (error) {
      // The polyfill builds the processor inside this call, so its constructor's throw lands here.
      throw new JitterlaneError(`JitterlaneNode.create: the processor failed to start: ${errorText(error)}`);
    }
    const self = new JitterlaneNode(context, node, transport, ring, typeof profile === 'string' ? profile : 'custom', checked.slotBytes ?? DEFAULT_SLOT_BYTES);
    self.clock = clock;
    self.flightOn = checked.flightRecorderBytes > 0;
    self.payloadTypes = checked.payloadTypes;
    self.engineOptions = { codec, channels, clockRate, payloadRate, profile, slots: checked.slots, slotBytes: checked.slotBytes };
    await self.ready();
    return self;
  }

  /** The processor's start, settled once. */
  private readonly start = new StartLatch();

  /**
   * Resolves when the processor has built its engine; rejects with a
   * JitterlaneError when it failed to ('processorerror', or an error message
   * from the processor before 'ready', or the context closed first).
   */
  ready(): Promise<void> {
    return this.start.promise;
  }

  private onMessage(message: ProcessorToMain): void {
    if (message.type === 'ready') this.start.settle(null);
    else if (message.type === 'stats') {
      this.pending.get(message.id)?.resolve(message.stats);
      this.pending.delete(message.id);
    } else if (message.type === 'replay-result') {
      this.pendingReplay.get(message.id)?.resolve(message.result);
      this.pendingReplay.delete(message.id);
    } else if (message.type === 'flight') {
      const header: FlightHeader = {
        engine: this.engineOptions!,
        outputFnv1a: message.outputFnv1a,
        stats: message.stats,
        dropped: message.dropped,
        contextRate: this.context.sampleRate,
      };
      this.pendingFlight.get(message.id)?.resolve(flightFile(header, message.records));
      this.pendingFlight.delete(message.id);
    } else if (message.type === 'error') {
      // Before 'ready' the error is why the node never started: create() rejects with it.
      if (this.start.pending) this.start.settle(new JitterlaneError(`JitterlaneNode.create: the processor failed to start: ${message.message}`));
      else this.dispatchEvent(new CustomEvent('error', { detail: message.message }));
    }
  }

  private post(message: MainToProcessor, transfer: Transferable[] = []): void {
    this.node.port.postMessage(message, transfer);
  }

  private live(): void {
    if (this.closed) throw new JitterlaneError('JitterlaneNode used after close()');
    if (realtimeContextClosed(this.context)) throw new JitterlaneError('JitterlaneNode used after its AudioContext was closed');
  }

  /** Rejects every request still waiting for the processor (close, or the context closed). */
  private rejectPending(why: string): void {
    for (const { reject } of this.pending.values()) reject(new JitterlaneError(`getStats: ${why} before the processor answered`));
    this.pending.clear();
    for (const { reject } of this.pendingReplay.values()) reject(new JitterlaneError(`replayResult: ${why} before the processor answered`));
    this.pendingReplay.clear();
    for (const { reject } of this.pendingFlight.values()) reject(new JitterlaneError(`flightRecording: ${why} before the processor answered`));
    this.pendingFlight.clear();
  }

  /** Connects the output (AudioNode-like). */
  connect(destination: AudioNode): AudioNode {
    return this.node.connect(destination);
  }

  disconnect(): void {
    this.node.disconnect();
  }

  /**
   * Hands one received packet to the worklet. Throws JitterlaneError on
   * arguments of the wrong type or range, and after close() or once the
   * AudioContext is closed. Returns false when the packet was dropped and
   * counted: a full ring (`ringOverflow`), a payload larger than the
   * engine's slot (`slotBytes`, default 2048: `packetsTooLarge`), or a
   * realtime context that is not running (`packetsDroppedSuspended`: with
   * the audio clock stopped the packet could only play late, and played
   * after resume() it would add its wait to the latency while the delay
   * gauges read small). An empty payload is passed on and counted by the
   * engine (`packetsInvalid`). With `payloadType` given, the packet is
   * sorted by it (create's payloadType and telephoneEventPayloadType):
   * telephone-events become a 'telephoneevent' event (detail: digit, event,
   * volume, durationMs, end, timestamp; at an event's start and at its end)
   * and return true; a type that is not the codec's returns false, counted
   * (`packetsForeignPayloadType`); PT 13 goes to the engine as comfort noise.
   */
  push(payload: Uint8Array, info: PushInfo): boolean {
    this.live();
    checkPayload('push', payload);
    if (!info || typeof info !== 'object') throw new JitterlaneError('push: the second argument must be { sequenceNumber, timestamp, ... }');
    const { sequenceNumber, timestamp } = info;
    const ssrc = info.ssrc ?? -1;
    checkPacketFields('push', sequenceNumber, timestamp, ssrc, info.marker === true, info.arrivalFrame ?? Number.NaN);
    if (info.arrivalTime !== undefined && !Number.isFinite(info.arrivalTime)) throw new JitterlaneError(`push: arrivalTime must be a finite number of seconds, got ${info.arrivalTime}`);
    const arrivalFrame = info.arrivalFrame ?? (info.arrivalTime === undefined ? Number.NaN : info.arrivalTime * this.context.sampleRate);
    if (info.payloadType !== undefined && (!Number.isInteger(info.payloadType) || info.payloadType < 0 || info.payloadType > 127)) throw new JitterlaneError(`push: payloadType must be an integer 0..127, got ${info.payloadType}`);
    const role = feedPacketRole(info.payloadType, this.payloadTypes);
    if (role === 'foreign') {
      this.packetsForeignPayloadType++;
      return false;
    }
    if (role === 'telephone-event') {
      this.telephoneEventPackets++;
      // RFC 4733 durations count the audio clock's ticks.
      const report = this.telephoneEvents.accept(payload, timestamp, this.engineOptions?.clockRate ?? 8000);
      if (report) this.dispatchEvent(new CustomEvent('telephoneevent', { detail: report }));
      return true;
    }
    const comfortNoise = role === 'comfort-noise';
    // The worklet could only skip it (a payload larger than the engine's input): count it here, where it is seen.
    if (payload.length > this.maxPayloadBytes) {
      this.packetsTooLarge++;
      return false;
    }
    if (realtimeContextStopped(this.context)) {
      this.packetsDroppedSuspended++;
      return false;
    }
    const engineSsrc = ssrcForEngine(ssrc, this.epoch);
    if (this.ring) return this.ring.write(payload, sequenceNumber, timestamp, engineSsrc, info.marker === true, arrivalFrame, comfortNoise);
    this.batcher!.push(payload, sequenceNumber, timestamp, engineSsrc, info.marker === true, arrivalFrame, comfortNoise);
    return true;
  }

  /** Switches the target profile; the engine moves to it by time-stretching. Emits 'profilechange'. */
  setProfile(profile: ProfileName | ProfileRecord): void {
    this.live();
    // Applied on the audio thread, where a refusal could only become an 'error' event: checked here first.
    validateProfile(profile, 'setProfile');
    this.post({ type: 'profile', profile });
    const name = typeof profile === 'string' ? profile : 'custom';
    if (name !== this.profileName) {
      this.profileName = name;
      this.dispatchEvent(new CustomEvent('profilechange', { detail: { profile: name } }));
    }
  }

  /** The active profile's name. */
  get profile(): string {
    return this.profileName;
  }

  /** Stats in RTCInboundRtpStreamStats shape; also emits 'underrun' and 'reset' events when their counters moved. */
  async getStats(): Promise<JitterlaneInboundStats> {
    this.live();
    const id = this.nextRequest++;
    const raw = await new Promise<Record<string, number>>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type: 'stats', id });
    });
    if (raw.concealmentEvents > this.lastCounters.concealmentEvents) this.dispatchEvent(new CustomEvent('underrun', { detail: { concealmentEvents: raw.concealmentEvents } }));
    if (raw.streamResets > this.lastCounters.streamResets) this.dispatchEvent(new CustomEvent('reset', { detail: { streamResets: raw.streamResets } }));
    this.lastCounters = { concealmentEvents: raw.concealmentEvents, streamResets: raw.streamResets };
    // With the shared ring, the processor reads the very counter this side's ring holds: take it once.
    // With port batches, the overflow happens in the processor's own ring and only it knows.
    const ringOverflow = this.ring ? this.ring.overflowCount : raw.ringOverflow;
    const webrtc = Object.fromEntries(WEBRTC_FIELDS.map((name) => [name, raw[name]])) as Pick<EngineStats, (typeof WEBRTC_FIELDS)[number]>;
    return {
      type: 'inbound-rtp',
      kind: 'audio',
      id: 'jitterlane-inbound-audio',
      timestamp: performance.timeOrigin + performance.now(),
      ...webrtc,
      jitterlane: { ...raw, ...outputPathDelays(this.context, raw), ringOverflow, packetsTooLarge: this.packetsTooLarge, packetsDroppedSuspended: this.packetsDroppedSuspended, packetsForeignPayloadType: this.packetsForeignPayloadType, telephoneEventPackets: this.telephoneEventPackets },
    };
  }

  private readonly pendingReplay = new Map<number, { resolve: (result: ReplayRecordingResult) => void; reject: (error: Error) => void }>();

  /** For tools: what a node created with `replay` recorded (after rendering). */
  replayResult(): Promise<ReplayRecordingResult> {
    this.live();
    const id = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.pendingReplay.set(id, { resolve, reject });
      this.post({ type: 'replay-result', id });
    });
  }

  private readonly pendingFlight = new Map<number, { resolve: (file: Uint8Array) => void; reject: (error: Error) => void }>();
  /** The engine's creation options, for the flight recording's header. */
  private engineOptions: FlightHeader['engine'] | null = null;
  /** The worklet's published audio clock (shared pages), handed to producers. */
  private clock: SharedArrayBuffer | null = null;

  /**
   * The flight recording so far, as a file (`jitterlane flight FILE` replays
   * it in Node and compares): needs `flightRecorderBytes` at create. Rejects
   * after close() or when the recorder is off.
   */
  flightRecording(): Promise<Uint8Array> {
    this.live();
    if (!this.flightOn) return Promise.reject(new JitterlaneError('flightRecording: the node was created without flightRecorderBytes'));
    const id = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.pendingFlight.set(id, { resolve, reject });
      this.post({ type: 'flight', id });
    });
  }

  private flightOn = false;

  /**
   * A path into the worklet of its own, for a producer on another thread (the
   * receiver takeover's worker): a shared ring it writes straight into, with
   * the worklet's audio clock to stamp arrivals by, on a cross-origin isolated
   * page; else a MessagePort it posts packet batches (encodeBatch) to. Either
   * way the main thread is no longer on the packets' path.
   */
  attachProducer(ringBytes = 64 * 1024): ProducerChannel {
    this.live();
    if (this.transport === 'shared-ring') {
      const ring = PacketRing.create(ringBytes, true).buffer as SharedArrayBuffer;
      this.post({ type: 'add-source', ring, ringBytes });
      return { ring, clock: this.clock ?? undefined, maxPayloadBytes: this.maxPayloadBytes };
    }
    const channel = new MessageChannel();
    this.post({ type: 'add-source', port: channel.port2, ringBytes }, [channel.port2]);
    return { port: channel.port1, maxPayloadBytes: this.maxPayloadBytes };
  }

  /**
   * Stops the processor and frees the engine; later calls throw JitterlaneError
   * and requests still waiting (getStats, replayResult) reject with one. Safe
   * to call twice, and after the AudioContext was closed.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rejectPending('the node was closed');
    this.post({ type: 'close' });
    this.node.disconnect();
  }
}
