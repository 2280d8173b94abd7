// One instantiated engine module: it instantiates the WebAssembly module,
// checks it against the contract (assembly/abi.ts), answers the codec hooks,
// and creates engines. It imports nothing from Node or the browser.

import type { EngineHeap, HostCodec } from '../codecs/host_codec.js';
import { checkEngineExports, CODEC_HOST, CODEC_F32LE, CODEC_L16, CODEC_PCM16LE, CODEC_PCMA, CODEC_PCMU, PROFILE_IDS } from './contract.js';
import { Engine } from './engine.js';
import { MixPlanes } from './mix_planes.js';
import { JitterlaneError } from './errors.js';
import { validateProfile } from './profile.js';
import type { CodecName, EngineExports, EngineMemory, EngineOptions, ExtraImports } from './types.js';

/** Engine codec ids by name ('opus' is decoded by libopus as a host codec). */
const CODEC_IDS: Readonly<Record<CodecName, number>> = { L16: CODEC_L16, PCMU: CODEC_PCMU, PCMA: CODEC_PCMA, PCM16LE: CODEC_PCM16LE, F32LE: CODEC_F32LE, opus: CODEC_HOST, host: CODEC_HOST };

/** One instantiated engine module; creates engines. */
export class EngineModule implements EngineMemory {
  readonly exports: EngineExports;
  /** Host codecs by engine handle, for the decode hooks. */
  private readonly hostCodecs = new Map<number, HostCodec>();

  /** Throws JitterlaneError when the module was built from another version of the contract (checkEngineExports). */
  private constructor(instance: WebAssembly.Instance) {
    checkEngineExports(instance.exports);
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
        checkpoint: (h: number) => self().hostCheckpoint(h),
        rollBack: (h: number) => self().hostRollBack(h),
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

  /** Notes that the next call may allocate in the module, so views made before it may be stale. */
  mayGrow(): void {
    this.memoryGeneration++;
  }

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

  private hostCheckpoint(h: number): void {
    try {
      this.hostCodecs.get(h)?.checkpoint?.();
    } catch {
      // no checkpoint: a later roll-back finds none and the decoder runs on from its concealment
    }
  }

  private hostRollBack(h: number): void {
    try {
      this.hostCodecs.get(h)?.rollBack?.();
    } catch {
      // no roll-back: the decoder runs on from its concealment, as it did before the hook
    }
  }

  /** Reserves the mix planes of a many-stream host (one per channel of each output); call before rendering, it allocates. */
  reserveMix(outputs: number, channels: number): MixPlanes {
    return new MixPlanes(this, outputs, channels);
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
    const profile = validateProfile(options.profile ?? 'classic', 'createEngine');
    this.mayGrow();
    const h = this.exports.create(codecId, channels, clockRate, payloadRate, typeof profile === 'string' ? PROFILE_IDS[profile] : PROFILE_IDS.classic, options.slots ?? 0, options.slotBytes ?? 0);
    if (h < 0) throw new JitterlaneError(`engine create refused (code ${h}): codec ${options.codec} at ${payloadRate} Hz, ${channels} channel(s), clock ${clockRate} Hz, profile ${JSON.stringify(options.profile ?? 'classic')}`);
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

