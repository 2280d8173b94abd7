// JitterlaneGroupNode: many streams in one AudioWorkletNode, for a group call
// (one stream per remote talker) or an agent with a second voice. Main thread.
// Each stream has its own engine, profile, decoder state, ring and stats; the
// processor mixes them into one output with a gain each, or routes them to
// outputs of their own (`outputs` > 1), as the app chooses. Streams come and
// go at run time: addStream() resolves once the processor has reserved the
// stream, between render calls; removeStream() frees it there.

import { StartLatch } from '../start_latch.js';
import { DEFAULT_SLOT_BYTES } from '../engine/contract.js';
import { JitterlaneError, validateProfile, type EngineStats, type ProfileName, type ProfileRecord } from '../engine/index.js';
import { WEBRTC_FIELDS } from '../jitterlane_node.js';
import { checkNodeOptions, type NodeCodec } from '../node_options.js';
import { createAudioClockBuffer } from '../transport/audio_clock.js';
import { PacketRing } from '../transport/index.js';
import { addModuleOnce, compileOnce, errorText, wasmForProcessor } from '../worklet_assets.js';
import type { GroupFromProcessor, GroupPlayoutFigures, GroupProcessorOptions, GroupStatsReply, GroupToProcessor } from './group_messages.js';
import { GroupStream, type StreamHost } from './group_stream.js';

const WHO = 'JitterlaneGroupNode.create';
/** AudioWorkletNode outputs at most (Chromium's limit for a ChannelMerger-sized fan-out). */
const MAX_OUTPUTS = 32;

/** Options of JitterlaneGroupNode.create. */
export interface GroupNodeOptions {
  /** Outputs of the node (default 1: every stream mixed). With N > 1 each stream names the output it plays into. */
  outputs?: number;
  /** Channels of every output (default 1). */
  channels?: 1 | 2;
  /** 'auto' (default): the shared rings when crossOriginIsolated, else the port. */
  transport?: 'auto' | 'shared-ring' | 'port';
  /** Where the worklet bundle and the wasm files are (defaults: next to this module). */
  processorUrl?: string | URL;
  wasmUrl?: string | URL;
  opusWasmUrl?: string | URL;
}

/** Options of addStream(): a stream as JitterlaneNode.create takes it, plus its place in the mix. */
export interface GroupStreamOptions {
  codec?: NodeCodec;
  channels?: 1 | 2;
  clockRate?: number;
  payloadRate?: number;
  profile?: ProfileName | ProfileRecord;
  /** Ring size in bytes (default 64 KiB: seconds of a voice stream). */
  ringBytes?: number;
  /** Packet slots and their size (engine defaults: 128 × 2048 bytes, about 768 KiB per stream; see README). */
  slots?: number;
  slotBytes?: number;
  /** Output the stream plays into (default 0). */
  output?: number;
  /** Linear gain in the mix (default 1). */
  gain?: number;
  /** The stream's RTP SSRC when the app knows it, for its stats object. */
  ssrc?: number;
}

/** One stream's stats: RTCInboundRtpStreamStats field names and units (seconds for delays). */
export type GroupInboundStats = {
  type: 'inbound-rtp';
  kind: 'audio';
  id: string;
  timestamp: number;
  /** The app's id for the stream. */
  trackIdentifier: string;
  ssrc?: number;
  /** jitterlane's own, outside webrtc-stats. */
  jitterlane: Record<string, number>;
} & Pick<EngineStats, (typeof WEBRTC_FIELDS)[number]>;

/** The mix's figures, in the shape of webrtc-stats media-playout where a field has a name there. */
export type GroupPlayoutStats = GroupPlayoutFigures & {
  type: 'media-playout';
  kind: 'audio';
  id: string;
  timestamp: number;
  /** Seconds rendered per output. */
  totalSamplesDuration: number;
};

/** getStats(): one inbound-rtp object per stream, by the app's id, and the mix's playout. */
export interface GroupStats {
  streams: Map<string, GroupInboundStats>;
  playout: GroupPlayoutStats;
}

const STREAM_OPTION_NAMES = ['codec', 'channels', 'clockRate', 'payloadRate', 'profile', 'ringBytes', 'slots', 'slotBytes', 'output', 'gain', 'ssrc'] as const;
const NODE_OPTION_NAMES = ['outputs', 'channels', 'transport', 'processorUrl', 'wasmUrl', 'opusWasmUrl'] as const;

// Each default a `new URL('<static path>', import.meta.url)`, the pattern bundlers follow to emit the file.
const defaultProcessorUrl = (): URL => new URL('../../worklet/jitterlane-group-processor.js', import.meta.url);
const defaultWasmUrl = (): URL => new URL('../../../build/jitterlane.wasm', import.meta.url);
const defaultOpusWasmUrl = (): URL => new URL('../../../build/libopus.wasm', import.meta.url);

/** Many streams in one AudioWorkletNode. */
export class JitterlaneGroupNode extends EventTarget {
  readonly node: AudioWorkletNode;
  readonly context: BaseAudioContext;
  readonly transport: 'shared-ring' | 'port';
  readonly outputs: number;
  private readonly clock: SharedArrayBuffer | null;
  private readonly streams = new Map<string, GroupStream>();
  private readonly ssrcs = new Map<string, number>();
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextRequest = 1;
  private nextKey = 1;
  /** The profile of streams added without one: set by setProfile() (streams of one path share its evidence). */
  private defaultProfile: ProfileName | ProfileRecord | undefined = undefined;
  private closed = false;
  private readonly host: StreamHost;

  private constructor(context: BaseAudioContext, node: AudioWorkletNode, transport: 'shared-ring' | 'port', outputs: number, clock: SharedArrayBuffer | null) {
    super();
    this.context = context;
    this.node = node;
    this.transport = transport;
    this.outputs = outputs;
    this.clock = clock;
    this.host = {
      context,
      clock,
      transport,
      post: (message, transfer) => this.post(message, transfer),
      live: () => this.live(),
    };
    node.port.onmessage = (event: MessageEvent<GroupFromProcessor>) => this.onMessage(event.data);
    let failed = false;
    const onProcessorError = (event: Event) => {
      if (failed) return;
      failed = true;
      const why = errorText((event as ErrorEvent).error ?? (event as ErrorEvent).message ?? 'no reason given');
      this.start.settle(new JitterlaneError(`${WHO}: the processor failed to start: ${why}`));
      this.rejectPending(`the processor failed: ${why}`);
      this.dispatchEvent(new CustomEvent('error', { detail: `processorerror: ${why}` }));
    };
    // Chromium dispatches 'processorerror' as an ErrorEvent of type 'error' (see JitterlaneNode).
    node.addEventListener?.('processorerror', onProcessorError);
    node.addEventListener?.('error', onProcessorError);
    // A closed realtime context's node is done. An OfflineAudioContext reads 'closed' once it
    // finished rendering, but its processor still answers (tests read stats then).
    const Offline = (globalThis as { OfflineAudioContext?: new (...args: never[]) => BaseAudioContext }).OfflineAudioContext;
    const offline = typeof Offline === 'function' && context instanceof Offline;
    context.addEventListener?.('statechange', () => {
      if (context.state === 'closed' && !offline) {
        this.rejectPending('the AudioContext was closed');
        this.start.settle(new JitterlaneError(`${WHO}: the AudioContext was closed before the processor started`));
      }
    });
  }

  /**
   * Loads the group worklet (once per context) and creates a node with no
   * streams. Rejects with a JitterlaneError on a bad option, a file that
   * cannot be loaded or compiled, or a processor that fails to start.
   */
  static async create(context: BaseAudioContext, options: GroupNodeOptions = {}): Promise<JitterlaneGroupNode> {
    if (!context || typeof context !== 'object' || !('audioWorklet' in context)) throw new JitterlaneError(`${WHO}: the first argument must be an AudioContext or OfflineAudioContext`);
    if (context.state === 'closed') throw new JitterlaneError(`${WHO}: the AudioContext is closed`);
    if (options === null || typeof options !== 'object') throw new JitterlaneError(`${WHO}: options must be an object`);
    for (const name of Object.keys(options)) {
      if (!(NODE_OPTION_NAMES as readonly string[]).includes(name)) throw new JitterlaneError(`${WHO}: unknown option ${JSON.stringify(name)}; the options are ${NODE_OPTION_NAMES.join(', ')}`);
    }
    const outputs = options.outputs ?? 1;
    if (!Number.isInteger(outputs) || outputs < 1 || outputs > MAX_OUTPUTS) throw new JitterlaneError(`${WHO}: option outputs must be an integer 1..${MAX_OUTPUTS}, got ${String(outputs)}`);
    const channels = options.channels ?? 1;
    if (channels !== 1 && channels !== 2) throw new JitterlaneError(`${WHO}: option channels must be 1 or 2, got ${String(channels)}`);
    const wanted = options.transport ?? 'auto';
    if (wanted !== 'auto' && wanted !== 'shared-ring' && wanted !== 'port') throw new JitterlaneError(`${WHO}: option transport must be 'auto', 'shared-ring' or 'port', got ${String(wanted)}`);
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
    if (wanted === 'shared-ring' && !isolated) throw new JitterlaneError(`${WHO}: transport 'shared-ring' needs a cross-origin isolated page (COOP same-origin + COEP require-corp)`);
    const transport = wanted === 'shared-ring' || (wanted === 'auto' && isolated) ? 'shared-ring' : 'port';

    const processorUrl = String(options.processorUrl ?? defaultProcessorUrl());
    const wasmUrl = String(options.wasmUrl ?? defaultWasmUrl());
    // libopus is compiled up front (an Opus stream may come at any time) and instantiated in the
    // worklet at the first Opus stream, once per scope.
    const opusWasmUrl = String(options.opusWasmUrl ?? defaultOpusWasmUrl());
    const [, wasm, opusWasm] = await Promise.all([addModuleOnce(context, processorUrl, WHO), compileOnce(wasmUrl, WHO), compileOnce(opusWasmUrl, WHO)]);
    const clock = transport === 'shared-ring' ? createAudioClockBuffer() : null;
    const processorOptions: GroupProcessorOptions = {
      wasm: await wasmForProcessor(wasmUrl, wasm, WHO),
      opusWasm: await wasmForProcessor(opusWasmUrl, opusWasm, WHO),
      outputs,
      channels,
      sampleRate: context.sampleRate,
      clock: clock ?? undefined,
    };
    let node: AudioWorkletNode;
    try {
      node = new AudioWorkletNode(context, 'jitterlane-group', {
        numberOfInputs: 0,
        numberOfOutputs: outputs,
        outputChannelCount: Array.from({ length: outputs }, () => channels),
        processorOptions,
      });
    } catch (error) {
      throw new JitterlaneError(`${WHO}: the processor failed to start: ${errorText(error)}`);
    }
    const self = new JitterlaneGroupNode(context, node, transport, outputs, clock);
    await self.start.promise;
    return self;
  }

  /** The processor's start, settled once. */
  private readonly start = new StartLatch();

  private onMessage(message: GroupFromProcessor): void {
    if (message.type === 'ready') {
      this.start.settle(null);
      return;
    }
    if (message.type === 'error' && message.id < 0) {
      if (this.start.pending) this.start.settle(new JitterlaneError(`${WHO}: the processor failed to start: ${message.message}`));
      else this.dispatchEvent(new CustomEvent('error', { detail: message.message }));
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.type === 'error') waiting.reject(new JitterlaneError(message.message));
    else if (message.type === 'stats') waiting.resolve(message.reply);
    else waiting.resolve(message);
  }

  private post(message: GroupToProcessor, transfer: Transferable[] = []): void {
    this.node.port.postMessage(message, transfer);
  }

  private request<T>(make: (id: number) => GroupToProcessor, transfer: Transferable[] = []): Promise<T> {
    const id = this.nextRequest++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.post(make(id), transfer);
    });
  }

  private live(): void {
    if (this.closed) throw new JitterlaneError('JitterlaneGroupNode used after close()');
  }

  private rejectPending(why: string): void {
    for (const { reject } of this.pending.values()) reject(new JitterlaneError(`JitterlaneGroupNode: ${why} before the processor answered`));
    this.pending.clear();
  }

  /**
   * Adds a stream: the processor reserves its engine (and Opus decoder) and
   * puts it in the mix; the promise resolves with the stream once it is there.
   * Its first quantum starts its engine's clock. Rejects with a JitterlaneError
   * on a bad option (named, as JitterlaneNode.create names them), an id in
   * use, or an output the node does not have.
   */
  async addStream(id: string | number, options: GroupStreamOptions = {}): Promise<GroupStream> {
    const stream = this.startStream(id, options);
    await stream.ready;
    return stream;
  }

  /**
   * addStream() without waiting: returns the stream at once, usable at once
   * (what is pushed to it, and a producer attached, reach the processor after
   * the stream, in order); `stream.ready` settles when the processor has
   * reserved it, or rejects, the stream then removed. For callers that must
   * act in the same task, as a receiver's transform must be set inside its
   * 'track' event. Throws JitterlaneError on a bad option or an id in use.
   */
  startStream(id: string | number, options: GroupStreamOptions = {}): GroupStream {
    this.live();
    if (typeof id !== 'string' && typeof id !== 'number') throw new JitterlaneError('JitterlaneGroupNode.addStream: id must be a string or a number (an SSRC)');
    const name = String(id);
    if (this.streams.has(name)) throw new JitterlaneError(`JitterlaneGroupNode.addStream: a stream ${JSON.stringify(name)} is already in the node`);
    if (options === null || typeof options !== 'object') throw new JitterlaneError('JitterlaneGroupNode.addStream: options must be an object');
    for (const option of Object.keys(options)) {
      if (!(STREAM_OPTION_NAMES as readonly string[]).includes(option)) throw new JitterlaneError(`JitterlaneGroupNode.addStream: unknown option ${JSON.stringify(option)}; the options are ${STREAM_OPTION_NAMES.join(', ')}`);
    }
    const { output = 0, gain = 1, ssrc, ...engineOptions } = options;
    let checked;
    try {
      checked = checkNodeOptions({ ringBytes: 64 * 1024, ...(this.defaultProfile === undefined ? {} : { profile: this.defaultProfile }), ...engineOptions });
    } catch (error) {
      // The same checks as JitterlaneNode.create's, and messages naming this call.
      throw new JitterlaneError(String((error as Error).message).replace('JitterlaneNode.create', 'JitterlaneGroupNode.addStream'));
    }
    if (!Number.isInteger(output) || output < 0 || output >= this.outputs) throw new JitterlaneError(`JitterlaneGroupNode.addStream: option output must be an integer 0..${this.outputs - 1} (the node has ${this.outputs} output(s)), got ${String(output)}`);
    if (typeof gain !== 'number' || !Number.isFinite(gain) || gain < 0) throw new JitterlaneError(`JitterlaneGroupNode.addStream: option gain must be a finite number ≥ 0, got ${String(gain)}`);
    if (ssrc !== undefined && (!Number.isInteger(ssrc) || ssrc < 0 || ssrc > 0xffffffff)) throw new JitterlaneError(`JitterlaneGroupNode.addStream: option ssrc must be an integer 0..2^32−1, got ${String(ssrc)}`);
    const key = this.nextKey++;
    const ring = this.transport === 'shared-ring' ? PacketRing.create(checked.ringBytes, true) : null;
    const reserved = this.request<unknown>((requestId) => ({
      type: 'add-stream',
      id: requestId,
      stream: {
        key,
        codec: checked.codec,
        channels: checked.channels,
        clockRate: checked.clockRate,
        payloadRate: checked.payloadRate,
        profile: checked.profile,
        slots: checked.slots,
        slotBytes: checked.slotBytes,
        ring: ring ? (ring.buffer as SharedArrayBuffer) : undefined,
        ringBytes: checked.ringBytes,
        output,
        gain,
      },
    }));
    // The engine's input holds one slot: its size is what the processor's engine will take.
    const stream = new GroupStream(this.host, name, key, ring, checked.slotBytes ?? DEFAULT_SLOT_BYTES, reserved.then(() => undefined));
    this.streams.set(name, stream);
    if (ssrc !== undefined) this.ssrcs.set(name, ssrc);
    stream.ready.catch(() => {
      if (this.streams.get(name) === stream) this.streams.delete(name);
      this.ssrcs.delete(name);
      stream.markRemoved();
    });
    return stream;
  }

  /**
   * Switches every stream of the node to `profile`, and makes it the profile
   * of streams added later without one: the streams of one network path share
   * its ECN evidence, so one EcnMonitor drives them all
   * (`new EcnMonitor({ target: group })`). A stream with evidence of its own
   * is steered through its own setProfile().
   */
  setProfile(profile: ProfileName | ProfileRecord): void {
    this.live();
    validateProfile(profile, 'JitterlaneGroupNode.setProfile');
    this.defaultProfile = profile;
    for (const stream of this.streams.values()) stream.setProfile(profile);
  }

  /** The stream of that id, or undefined. */
  stream(id: string | number): GroupStream | undefined {
    return this.streams.get(String(id));
  }

  /** Ids of the streams in the node, in the order they were added. */
  streamIds(): string[] {
    return [...this.streams.keys()];
  }

  /**
   * Removes a stream: it leaves the mix at once (its packets not yet played are
   * dropped with it), and the processor frees its engine and decoder. Resolves
   * when that is done; an unknown id rejects.
   */
  async removeStream(id: string | number): Promise<void> {
    this.live();
    const name = String(id);
    const stream = this.streams.get(name);
    if (!stream) throw new JitterlaneError(`JitterlaneGroupNode.removeStream: no stream ${JSON.stringify(name)}`);
    this.streams.delete(name);
    this.ssrcs.delete(name);
    stream.markRemoved();
    await this.request((requestId) => ({ type: 'remove-stream', id: requestId, key: stream.key }));
  }

  /** One inbound-rtp object per stream (by its id) and the mix's playout figures. */
  async getStats(): Promise<GroupStats> {
    this.live();
    const reply = await this.request<GroupStatsReply>((id) => ({ type: 'stats', id }));
    const timestamp = performance.timeOrigin + performance.now();
    const byKey = new Map<number, GroupStream>();
    for (const stream of this.streams.values()) byKey.set(stream.key, stream);
    const streams = new Map<string, GroupInboundStats>();
    for (const { key, stats } of reply.streams) {
      const stream = byKey.get(key);
      if (!stream) continue; // removed while the reply was on its way
      const webrtc = Object.fromEntries(WEBRTC_FIELDS.map((field) => [field, stats[field]])) as Pick<EngineStats, (typeof WEBRTC_FIELDS)[number]>;
      const ssrc = this.ssrcs.get(stream.id);
      streams.set(stream.id, {
        type: 'inbound-rtp',
        kind: 'audio',
        id: `jitterlane-inbound-audio-${stream.id}`,
        timestamp,
        trackIdentifier: stream.id,
        ...(ssrc === undefined ? {} : { ssrc }),
        ...webrtc,
        jitterlane: { ...stats, packetsTooLarge: stream.packetsTooLarge },
      });
    }
    const playout: GroupPlayoutStats = {
      type: 'media-playout',
      kind: 'audio',
      id: 'jitterlane-group-playout',
      timestamp,
      ...reply.playout,
      totalSamplesDuration: reply.playout.totalSamplesCount / this.context.sampleRate,
    };
    return { streams, playout };
  }

  /** Connects output `output` (default 0) to a destination (AudioNode-like). */
  connect(destination: AudioNode, output = 0, input = 0): AudioNode {
    return this.node.connect(destination, output, input);
  }

  disconnect(): void {
    this.node.disconnect();
  }

  /** Stops the processor and frees every stream; later calls throw, waiting requests reject. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const stream of this.streams.values()) stream.markRemoved();
    this.streams.clear();
    this.rejectPending('the node was closed');
    this.post({ type: 'close' });
    this.node.disconnect();
  }
}
