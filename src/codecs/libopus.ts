// libopus compiled to WebAssembly (the raw build @evan/opus ships, its stack
// and initial memory made small by scripts/build-libopus.mjs), driven through
// its exports with buffers reserved once, so decoding, concealment and in-band
// FEC allocate nothing on the audio thread. One instance can serve every
// decoder of a thread: LibOpus.forScope() gives each AudioWorkletGlobalScope
// one, shared by every stream of every node there; each decoder then costs its
// state only (18 KiB mono, 26 KiB stereo), the payload and PCM buffers being
// the instance's. It imports only stub WASI calls, so it instantiates
// synchronously from a WebAssembly.Module in Node and in an AudioWorklet alike.

import type { EngineHeap, HostCodec } from './host_codec.js';
import { OPUS_MAX_PACKET_FRAMES, opusFecSamples, opusPacketSamples } from './opus_packet.js';

interface LibOpusExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(bytes: number): number;
  free(ptr: number): void;
  opus_decoder_get_size(channels: number): number;
  opus_decoder_init(state: number, rate: number, channels: number): number;
  opus_decode(state: number, data: number, length: number, pcm: number, frameSize: number, decodeFec: number): number;
  opus_decoder_ctl_set(state: number, request: number, value: number): number;
  opus_encoder_get_size(channels: number): number;
  opus_encoder_init(state: number, rate: number, channels: number, application: number): number;
  opus_encode(state: number, pcm: number, frameSize: number, data: number, maxBytes: number): number;
  opus_encoder_ctl_set(state: number, request: number, value: number): number;
}

/** Largest payload a decoder takes: six 1275-byte frames, libopus's own bound, rounded up. */
export const OPUS_MAX_PAYLOAD_BYTES = 8192;
/** libopus conceals (and decodes) in steps of 2.5 ms. */
export const OPUS_CONCEAL_STEP_FRAMES = 120;
/**
 * Concealment is asked of libopus 10 ms at a time (the engine carries what it
 * did not need): measured on the speech fixtures (README, "Concealment
 * quality"), 10 ms calls score 4–10 dB better log-spectral distance than
 * 2.5 ms calls, whose SILK PLC restarts every step, and as well as 20 ms ones.
 */
export const OPUS_CONCEAL_CHUNK_FRAMES = 480;
const OPUS_RESET_STATE = 4028;
const OPUS_SET_BITRATE = 4002;
const OPUS_SET_INBAND_FEC = 4012;
const OPUS_SET_PACKET_LOSS_PERC = 4014;
const OPUS_SET_DTX = 4016;
const OPUS_APPLICATION_VOIP = 2048;

/** One libopus instance (one WebAssembly memory) and the decoders and encoders made in it. */
export class LibOpus {
  readonly exports: LibOpusExports;
  /**
   * Views over libopus memory. libopus tells us when malloc grows its memory
   * (emscripten_notify_memory_growth), so they are replaced then and never
   * checked on the audio path.
   */
  bytes: Uint8Array;
  samples: Int16Array;
  /**
   * A payload's bytes and its decoded PCM, in libopus memory: one pair for
   * every decoder of the instance, since calls on one thread never overlap
   * (each call copies in, decodes and copies out before it returns).
   */
  readonly input: number;
  readonly pcm: number;
  /** Decoders made and not yet destroyed. */
  decoders = 0;

  private constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as LibOpusExports;
    this.exports._initialize();
    this.input = this.exports.malloc(OPUS_MAX_PAYLOAD_BYTES);
    this.pcm = this.exports.malloc(OPUS_MAX_PACKET_FRAMES * 2 * 2);
    this.bytes = new Uint8Array(this.exports.memory.buffer);
    this.samples = new Int16Array(this.exports.memory.buffer);
  }

  /** Bytes of the instance's WebAssembly memory (it grows as decoders are made, never shrinks). */
  get memoryBytes(): number {
    return this.exports.memory.buffer.byteLength;
  }

  /**
   * The one instance of this global scope (an AudioWorkletGlobalScope, a
   * worker, a Node process), made from `module()` the first time: every node
   * and stream of an AudioContext shares it. The first module given is the one
   * used; libopus builds do not differ in what they decode.
   */
  static forScope(module: () => WebAssembly.Module): LibOpus {
    scopeInstance ??= LibOpus.fromModule(module());
    return scopeInstance;
  }

  /** Instantiates synchronously (allowed in an AudioWorklet, and in Node for a compiled module). */
  static fromModule(module: WebAssembly.Module): LibOpus {
    let self: LibOpus | null = null;
    const instance = new WebAssembly.Instance(module, {
      // The build's C library writes nowhere and never exits: stubs are enough.
      wasi_snapshot_preview1: { fd_seek: () => 0, fd_write: () => 0, fd_close: () => 0, proc_exit: () => undefined },
      env: { emscripten_notify_memory_growth: () => self?.memoryGrew() },
    });
    self = new LibOpus(instance);
    return self;
  }

  private memoryGrew(): void {
    this.bytes = new Uint8Array(this.exports.memory.buffer);
    this.samples = new Int16Array(this.exports.memory.buffer);
  }

  /** A decoder at 48 kHz; it is also the engine's HostCodec for Opus. */
  createDecoder(channels: 1 | 2): LibOpusDecoder {
    return new LibOpusDecoder(this, channels);
  }

  /** An encoder (for fixtures and replay audio; it allocates per call and is not for the audio thread). */
  createEncoder(options: OpusEncoderOptions): LibOpusEncoder {
    return new LibOpusEncoder(this, options);
  }
}

/** The scope's shared instance (LibOpus.forScope). */
let scopeInstance: LibOpus | null = null;

/**
 * A libopus decoder whose state lives in libopus memory, reserved at creation;
 * it decodes through the instance's shared input and PCM buffers.
 */
export class LibOpusDecoder implements HostCodec {
  readonly channels: 1 | 2;
  private readonly lib: LibOpus;
  private readonly x: LibOpusExports;
  private state: number;
  /** The decoder state's size, and a copy of it kept by checkpoint() (in libopus memory, reserved with the state). */
  private readonly stateBytes: number;
  private saved: number;
  private hasCheckpoint = false;
  private readonly input: number;
  private readonly pcm: number;

  constructor(lib: LibOpus, channels: 1 | 2) {
    this.lib = lib;
    this.x = lib.exports;
    this.channels = channels;
    this.input = lib.input;
    this.pcm = lib.pcm;
    this.stateBytes = this.x.opus_decoder_get_size(channels);
    this.state = this.x.malloc(this.stateBytes);
    this.saved = this.state === 0 ? 0 : this.x.malloc(this.stateBytes);
    if (this.state === 0 || this.saved === 0) {
      if (this.state !== 0) this.x.free(this.state);
      throw new Error('libopus could not reserve a decoder (out of memory)');
    }
    const status = this.x.opus_decoder_init(this.state, 48000, channels);
    if (status !== 0) {
      this.x.free(this.state);
      this.x.free(this.saved);
      throw new Error(`opus_decoder_init failed (${status})`);
    }
    lib.decoders++;
  }

  duration(heap: EngineHeap, payload: number, length: number): number {
    return length <= OPUS_MAX_PAYLOAD_BYTES ? opusPacketSamples(heap.u8, payload, length) : -1;
  }

  fecFrames(heap: EngineHeap, payload: number, length: number): number {
    return opusFecSamples(heap.u8, payload, length);
  }

  decode(heap: EngineHeap, payload: number, length: number, out: number, stride: number): number {
    if (length < 1 || length > OPUS_MAX_PAYLOAD_BYTES) return -1;
    this.copyIn(heap.u8, payload, length);
    const frames = this.x.opus_decode(this.state, this.input, length, this.pcm, Math.min(OPUS_MAX_PACKET_FRAMES, stride), 0);
    if (frames <= 0) return -1;
    this.copyOut(heap.f32, out, stride, 0, frames);
    return frames;
  }

  conceal(heap: EngineHeap, out: number, frames: number, stride: number): number {
    // Whole 10 ms chunks (libopus takes up to 120 ms per call).
    const total = Math.ceil(frames / OPUS_CONCEAL_CHUNK_FRAMES) * OPUS_CONCEAL_CHUNK_FRAMES;
    if (total > stride) return 0;
    let made = 0;
    while (made < total) {
      const step = Math.min(OPUS_MAX_PACKET_FRAMES, total - made);
      const n = this.x.opus_decode(this.state, 0, 0, this.pcm, step, 0);
      if (n !== step) return 0;
      this.copyOut(heap.f32, out, stride, made, n);
      made += n;
    }
    return made;
  }

  decodeFec(heap: EngineHeap, payload: number, length: number, out: number, frames: number, stride: number): number {
    if (length < 1 || length > OPUS_MAX_PAYLOAD_BYTES || frames % OPUS_CONCEAL_STEP_FRAMES !== 0 || frames > Math.min(OPUS_MAX_PACKET_FRAMES, stride)) return 0;
    this.copyIn(heap.u8, payload, length);
    const n = this.x.opus_decode(this.state, this.input, length, this.pcm, frames, 1);
    if (n !== frames) return 0;
    this.copyOut(heap.f32, out, stride, 0, n);
    return n;
  }

  reset(): void {
    this.x.opus_decoder_ctl_set(this.state, OPUS_RESET_STATE, 0);
    this.hasCheckpoint = false;
  }

  /** Keeps the decoder state (libopus's state is one flat struct: copying its bytes copies it). */
  checkpoint(): void {
    this.lib.bytes.copyWithin(this.saved, this.state, this.state + this.stateBytes);
    this.hasCheckpoint = true;
  }

  rollBack(): boolean {
    if (!this.hasCheckpoint) return false;
    this.lib.bytes.copyWithin(this.state, this.saved, this.saved + this.stateBytes);
    this.hasCheckpoint = false;
    return true;
  }

  /** Frees the decoder's state in the libopus instance (its memory is reused by the next decoder made). */
  destroy(): void {
    if (this.state === 0) return;
    this.x.free(this.state);
    this.x.free(this.saved);
    this.state = 0;
    this.saved = 0;
    this.lib.decoders--;
  }

  /** Payload bytes from engine memory into libopus memory, byte by byte (a subarray would allocate). */
  private copyIn(from: Uint8Array, at: number, length: number): void {
    const to = this.lib.bytes;
    const base = this.input;
    for (let i = 0; i < length; i++) to[base + i] = from[at + i];
  }

  /** Interleaved int16 in libopus memory to planar float in engine memory, starting at frame `offset`. */
  private copyOut(to: Float32Array, out: number, stride: number, offset: number, frames: number): void {
    const pcm = this.lib.samples;
    const base = this.pcm >> 1;
    const channels = this.channels;
    for (let c = 0; c < channels; c++) {
      const target = out + c * stride + offset;
      for (let i = 0; i < frames; i++) to[target + i] = pcm[base + i * channels + c] / 32768;
    }
  }
}

export interface OpusEncoderOptions {
  channels: 1 | 2;
  /** Bits per second. Default 32000 (WebRTC's default for mono voice). */
  bitrate?: number;
  /** In-band FEC (LBRR), as WebRTC's useinbandfec=1. Default true. */
  fec?: boolean;
  /** Expected loss, percent: libopus spends LBRR bits only when it expects loss. Default 20. */
  expectedLossPercent?: number;
  /** Discontinuous transmission. Default false. */
  dtx?: boolean;
}

/** A libopus encoder (VoIP application) for fixtures and replay audio. */
export class LibOpusEncoder {
  readonly channels: 1 | 2;
  private readonly lib: LibOpus;
  private readonly x: LibOpusExports;
  private readonly state: number;

  constructor(lib: LibOpus, options: OpusEncoderOptions) {
    this.lib = lib;
    this.x = lib.exports;
    this.channels = options.channels;
    this.state = this.x.malloc(this.x.opus_encoder_get_size(options.channels));
    const settings: [string, number][] = [
      ['init', this.x.opus_encoder_init(this.state, 48000, options.channels, OPUS_APPLICATION_VOIP)],
      ['bitrate', this.x.opus_encoder_ctl_set(this.state, OPUS_SET_BITRATE, options.bitrate ?? 32000)],
      ['inband fec', this.x.opus_encoder_ctl_set(this.state, OPUS_SET_INBAND_FEC, options.fec === false ? 0 : 1)],
      ['packet loss', this.x.opus_encoder_ctl_set(this.state, OPUS_SET_PACKET_LOSS_PERC, options.expectedLossPercent ?? 20)],
      ['dtx', this.x.opus_encoder_ctl_set(this.state, OPUS_SET_DTX, options.dtx ? 1 : 0)],
    ];
    for (const [what, status] of settings) if (status !== 0) throw new Error(`opus encoder ${what} failed (${status})`);
  }

  /** Encodes one frame of interleaved int16 (120, 240, 480, 960, 1920 or 2880 samples per channel). */
  encode(pcm: Int16Array): Uint8Array {
    const frames = pcm.length / this.channels;
    const input = this.x.malloc(pcm.length * 2);
    const output = this.x.malloc(4000);
    try {
      this.lib.samples.set(pcm, input >> 1);
      const n = this.x.opus_encode(this.state, input, frames, output, 4000);
      if (n < 0) throw new Error(`opus_encode failed (${n})`);
      return this.lib.bytes.slice(output, output + n);
    } finally {
      this.x.free(input);
      this.x.free(output);
    }
  }

  destroy(): void {
    this.x.free(this.state);
  }
}
