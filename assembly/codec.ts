// Payload decoding: the built-in codecs (L16, G.711 μ-law / A-law, little-endian
// PCM16 and float32 for WebSocket voice apps) and the host hooks through which
// any other codec (Opus) decodes into engine memory and supplies its own
// concealment. Output is planar f32 at the engine rate.

import { decodeAlaw, decodeUlaw } from './dsp/g711';
import { Upsampler, isSupportedUpsampleFactor } from './dsp/upsample';

import { CODEC_F32LE, CODEC_HOST, CODEC_L16, CODEC_PCMA, CODEC_PCMU, CONCEAL_SLACK_FRAMES } from './abi';

// Codec ids and the concealment slack are part of the host contract: assembly/abi.ts.
export { CODEC_L16, CODEC_PCMU, CODEC_PCMA, CODEC_PCM16LE, CODEC_F32LE, CODEC_HOST, CONCEAL_SLACK_FRAMES } from './abi';

/**
 * Host decode hook: decode `length` payload bytes into planar f32 at the engine
 * rate, channel c at out + c·maxFrames·4; return frames per channel, or a
 * negative number on a decoder error.
 */
@external("jitterlane", "decode")
declare function hostDecode(engine: i32, payload: usize, length: i32, out: usize, maxFrames: i32): i32;

/**
 * Host concealment hook: write at least `frames` concealed frames (planar as
 * above) and return how many, at most `frames` + CONCEAL_SLACK_FRAMES (codecs
 * conceal in steps: libopus in 2.5 ms); 0 when the codec has no PLC.
 */
@external("jitterlane", "conceal")
declare function hostConceal(engine: i32, out: usize, frames: i32, maxFrames: i32): i32;

/**
 * Host in-band FEC hook: the payload carries a lower-rate copy of the audio
 * just before it (Opus LBRR); write exactly `frames` frames recovered from it
 * (planar as above) and return `frames`, or 0 when it cannot.
 */
@external("jitterlane", "decodeFec")
declare function hostDecodeFec(engine: i32, payload: usize, length: i32, out: usize, frames: i32, maxFrames: i32): i32;

/** Host FEC probe: frames of the preceding audio the payload's in-band FEC covers, 0 when it carries none. */
@external("jitterlane", "fecFrames")
declare function hostFecFrames(engine: i32, payload: usize, length: i32): i32;

/** Host duration hook: frames per channel (engine rate) the payload decodes to, or ≤ 0 when unknown. */
@external("jitterlane", "duration")
declare function hostDuration(engine: i32, payload: usize, length: i32): i32;

/** Host reset hook: the stream changed (SSRC change or leap); reset decoder state. */
@external("jitterlane", "reset")
declare function hostReset(engine: i32): void;

/**
 * Host checkpoint hook: a concealment starts; keep the decoder's state as it is
 * now (after the last real packet), for a roll-back.
 */
@external("jitterlane", "checkpoint")
declare function hostCheckpoint(engine: i32): void;

/**
 * Host roll-back hook: the concealment stood in for no audio (the packet it
 * waited for came late, not lost); return the decoder to its checkpoint, so
 * that it decodes that packet as the continuation of the last one played, not
 * of its own concealment (a codec without a checkpoint runs on).
 */
@external("jitterlane", "rollBack")
declare function hostRollBack(engine: i32): void;

/** Longest span in-band FEC recovers: one 60 ms Opus frame. */
const MAX_FEC_FRAMES: i32 = 2880;

/** True for codec ids this module knows. */
export function isKnownCodec(codec: i32): bool {
  return codec >= CODEC_L16 && codec <= CODEC_HOST;
}

/** Decoder of one stream. All buffers are reserved at construction. */
export class Decoder {
  readonly engine: i32;
  readonly codec: i32;
  readonly channels: i32;
  readonly payloadRate: i32;
  readonly factor: i32;
  /** Input samples per channel the scratch can hold (at the payload rate). */
  readonly maxInputFrames: i32;
  private readonly scratch: StaticArray<f32>;
  private readonly upsamplers: StaticArray<Upsampler>;

  constructor(engine: i32, codec: i32, channels: i32, payloadRate: i32, outputRate: i32, maxOutputFrames: i32) {
    this.engine = engine;
    this.codec = codec;
    this.channels = channels;
    this.payloadRate = payloadRate;
    const factor = codec == CODEC_HOST ? 1 : outputRate / payloadRate;
    const maxInputFrames = maxOutputFrames / max(1, factor);
    this.factor = factor;
    this.maxInputFrames = maxInputFrames;
    this.scratch = new StaticArray<f32>(maxInputFrames * channels);
    const upsamplers = new StaticArray<Upsampler>(channels);
    for (let c = 0; c < channels; c++) upsamplers[c] = new Upsampler(max(1, factor));
    this.upsamplers = upsamplers;
  }

  /** True when the rates fit: the host codecs decode at the engine rate; PCM rates divide it. */
  static ratesSupported(codec: i32, payloadRate: i32, outputRate: i32): bool {
    if (codec == CODEC_HOST) return true;
    if (codec == CODEC_PCMU || codec == CODEC_PCMA) return payloadRate == 8000;
    if (payloadRate <= 0 || outputRate % payloadRate != 0) return false;
    return isSupportedUpsampleFactor(outputRate / payloadRate);
  }

  /** Bytes one input frame (all channels) takes, for the PCM codecs. */
  private bytesPerFrame(): i32 {
    if (this.codec == CODEC_PCMU || this.codec == CODEC_PCMA) return this.channels;
    if (this.codec == CODEC_F32LE) return 4 * this.channels;
    return 2 * this.channels;
  }

  /** Output frames per channel a payload decodes to, or ≤ 0 when it cannot be known. */
  framesOf(payload: usize, length: i32): i32 {
    if (this.codec == CODEC_HOST) return hostDuration(this.engine, payload, length);
    const bpf = this.bytesPerFrame();
    if (length % bpf != 0) return -1;
    return (length / bpf) * this.factor;
  }

  /**
   * Decodes a payload into planar output (channel c at out + c·stride·4).
   * Returns frames per channel, or −1 when the payload cannot be decoded.
   */
  decode(payload: usize, length: i32, out: usize, stride: i32): i32 {
    if (this.codec == CODEC_HOST) return hostDecode(this.engine, payload, length, out, stride);
    const bpf = this.bytesPerFrame();
    if (length <= 0 || length % bpf != 0) return -1;
    const frames = length / bpf;
    if (frames > this.maxInputFrames || frames * this.factor > stride) return -1;
    const channels = this.channels;
    const scratch = changetype<usize>(this.scratch);
    const direct = this.factor == 1;
    for (let c = 0; c < channels; c++) {
      // De-interleave channel c at the payload rate: straight into the output at
      // 48 kHz, else into the scratch the upsampler reads.
      const target = out + (<usize>(c * stride) << 2);
      const dst = direct ? target : scratch + (<usize>(c * this.maxInputFrames) << 2);
      if (this.codec == CODEC_PCMU || this.codec == CODEC_PCMA) {
        if (channels == 1) {
          if (this.codec == CODEC_PCMU) decodeUlaw(payload, frames, dst);
          else decodeAlaw(payload, frames, dst);
        } else {
          for (let i = 0; i < frames; i++) {
            const byte = payload + <usize>(i * channels + c);
            if (this.codec == CODEC_PCMU) decodeUlaw(byte, 1, dst + (<usize>i << 2));
            else decodeAlaw(byte, 1, dst + (<usize>i << 2));
          }
        }
      } else if (this.codec == CODEC_F32LE) {
        for (let i = 0; i < frames; i++) {
          const v = load<f32>(payload + (<usize>(i * channels + c) << 2));
          // Non-finite input would poison every later sample through the filters.
          store<f32>(dst + (<usize>i << 2), isFinite(v) ? Mathf.max(-1, Mathf.min(1, v)) : 0);
        }
      } else {
        const bigEndian = this.codec == CODEC_L16;
        let i = 0;
        if (!bigEndian && channels == 1) {
          // Mono little-endian PCM16 is what most voice servers send: eight samples per
          // SIMD step, the same arithmetic as the scalar loop (exact int → float, one multiply).
          const scale = f32x4.splat(1.0 / 32768.0);
          for (; i + 8 <= frames; i += 8) {
            const words = v128.load(payload + (<usize>i << 1));
            const out = dst + (<usize>i << 2);
            v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(words)), scale));
            v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(words)), scale), 16);
          }
        }
        for (; i < frames; i++) {
          const p = payload + (<usize>(i * channels + c) << 1);
          const b0 = <u32>load<u8>(p);
          const b1 = <u32>load<u8>(p, 1);
          const word = bigEndian ? (b0 << 8) | b1 : (b1 << 8) | b0;
          store<f32>(dst + (<usize>i << 2), <f32>(<i16>word) * (1.0 / 32768.0));
        }
      }
      if (!direct) unchecked(this.upsamplers[c]).process(dst, frames, target);
    }
    return frames * this.factor;
  }

  /**
   * Asks the codec for at least `frames` frames of its own concealment (room for
   * CONCEAL_SLACK_FRAMES more); returns the frames made, 0 when it has none.
   */
  conceal(out: usize, frames: i32, stride: i32): i32 {
    if (this.codec != CODEC_HOST) return 0;
    const made = hostConceal(this.engine, out, frames, stride);
    return made >= frames && made <= frames + CONCEAL_SLACK_FRAMES ? made : 0;
  }

  /** Keeps the codec's decoder state for a roll-back (a concealment starts). */
  checkpoint(): void {
    if (this.codec == CODEC_HOST) hostCheckpoint(this.engine);
  }

  /** Returns the codec's decoder state to its checkpoint, where it has one. */
  rollBack(): void {
    if (this.codec == CODEC_HOST) hostRollBack(this.engine);
  }

  /** Frames of the preceding audio the payload's in-band FEC covers; 0 when none. */
  fecFramesOf(payload: usize, length: i32): i32 {
    if (this.codec != CODEC_HOST) return 0;
    const frames = hostFecFrames(this.engine, payload, length);
    return frames > 0 && frames <= MAX_FEC_FRAMES ? frames : 0;
  }

  /** Recovers exactly `frames` frames of the audio before the payload from its in-band FEC; 0 when it cannot. */
  decodeFec(payload: usize, length: i32, out: usize, frames: i32, stride: i32): i32 {
    if (this.codec != CODEC_HOST) return 0;
    return hostDecodeFec(this.engine, payload, length, out, frames, stride) == frames ? frames : 0;
  }

  /** Forgets decoder state (new stream). */
  reset(): void {
    for (let c = 0; c < this.channels; c++) unchecked(this.upsamplers[c]).reset();
    if (this.codec == CODEC_HOST) hostReset(this.engine);
  }
}
