// What a chunk stream's bytes are, and how the engine plays them: the engine
// decodes G.711 and PCM itself and upsamples 8, 16 and 24 kHz to its 48 kHz
// by exact integer factors (assembly/dsp/upsample.ts), so a chunk stream is
// played by cutting its bytes into packets of the stream's own encoding. Rates
// that are not a divisor of 48 kHz (22.05, 44.1 kHz) are resampled to 48 kHz
// first (chunk_resampler.ts) and played as 32-bit float. Opus chunks are
// framed: each chunk is one Opus packet, which says its own duration in its
// TOC byte (RFC 6716 §3.1), and goes to the engine as one packet of its own.

import type { CodecName } from '../engine/index.js';
import { JitterlaneError } from '../engine/errors.js';
import { opusPacketSamples } from '../codecs/opus_packet.js';

/** Encodings a chunk stream carries. */
export type ChunkEncoding = 'pcm16' | 'f32' | 'mulaw' | 'alaw' | 'opus';
export const CHUNK_ENCODINGS: readonly ChunkEncoding[] = ['pcm16', 'f32', 'mulaw', 'alaw', 'opus'];
/** Sample rates a chunk stream may have. */
export const CHUNK_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;
/**
 * Rates an Opus encoder runs at (RFC 6716 §2). Opus decodes at 48 kHz
 * whatever its encoder's rate, so the rate only says what the sender used.
 */
export const OPUS_CHUNK_RATES = [8000, 12000, 16000, 24000, 48000] as const;
/**
 * The largest Opus chunk: 4000 bytes, the packet size libopus's own
 * documentation recommends as the bound (a 120 ms packet at 256 kbit/s).
 */
export const OPUS_CHUNK_MAX_BYTES = 4000;
/** Bytes per second the store holds for Opus: 128 kbit/s, twice what speech codes at in fullband stereo. */
export const OPUS_STORE_BYTES_PER_SECOND = 16000;

/** How a chunk stream becomes packets for the engine. */
export interface ChunkFormat {
  encoding: ChunkEncoding;
  /** The stream's own rate. */
  sampleRate: number;
  /** What the engine decodes: the stream's own encoding, or F32LE at 48 kHz after resampling. */
  codec: CodecName;
  /** The rate of the bytes the store holds (and the engine's RTP clock and payload rate). */
  storeRate: number;
  /** Bytes per sample in the store (0 when framed: bytes and samples are not proportional). */
  bytesPerSample: number;
  /** True when each chunk is one codec packet that states its own duration (Opus). */
  framed: boolean;
  /** The byte that plays as silence (G.711 has no zero byte for silence). */
  silenceByte: number;
  /** True when chunks are resampled to 48 kHz float before the store. */
  resampled: boolean;
}

/** The format of a chunk stream; throws JitterlaneError naming what is not supported. */
export function chunkFormat(encoding: unknown, sampleRate: unknown): ChunkFormat {
  if (!CHUNK_ENCODINGS.includes(encoding as ChunkEncoding)) {
    throw new JitterlaneError(`chunk encoding must be one of ${CHUNK_ENCODINGS.map((e) => `'${e}'`).join(', ')}, got ${JSON.stringify(encoding)}`);
  }
  const e = encoding as ChunkEncoding;
  if (e === 'opus') {
    if (!(OPUS_CHUNK_RATES as readonly unknown[]).includes(sampleRate)) {
      throw new JitterlaneError(`opus chunk sampleRate must be one of ${OPUS_CHUNK_RATES.join(', ')} Hz (the encoder's rate; Opus decodes at 48 kHz), got ${JSON.stringify(sampleRate)}`);
    }
    // The RTP clock of Opus is 48 kHz whatever the encoder's rate (RFC 7587 §4.1).
    return { encoding: e, sampleRate: sampleRate as number, codec: 'opus', storeRate: 48000, bytesPerSample: 0, framed: true, silenceByte: 0, resampled: false };
  }
  if (!(CHUNK_RATES as readonly unknown[]).includes(sampleRate)) {
    throw new JitterlaneError(`chunk sampleRate must be one of ${CHUNK_RATES.join(', ')} Hz, got ${JSON.stringify(sampleRate)}`);
  }
  const rate = sampleRate as number;
  if (e === 'mulaw' || e === 'alaw') {
    // RFC 3551: G.711 is 8 kHz (telephony media streams send it so).
    if (rate !== 8000) throw new JitterlaneError(`${e} chunks must be 8000 Hz (G.711), got ${rate}`);
    // μ-law 0xFF and A-law 0xD5 are the codes of zero.
    return { encoding: e, sampleRate: rate, codec: e === 'mulaw' ? 'PCMU' : 'PCMA', storeRate: 8000, bytesPerSample: 1, framed: false, silenceByte: e === 'mulaw' ? 0xff : 0xd5, resampled: false };
  }
  const resampled = 48000 % rate !== 0;
  if (resampled) return { encoding: e, sampleRate: rate, codec: 'F32LE', storeRate: 48000, bytesPerSample: 4, framed: false, silenceByte: 0, resampled };
  return { encoding: e, sampleRate: rate, codec: e === 'pcm16' ? 'PCM16LE' : 'F32LE', storeRate: rate, bytesPerSample: e === 'pcm16' ? 2 : 4, framed: false, silenceByte: 0, resampled };
}

/** Engine frames of an Opus chunk; throws JitterlaneError when it is not one well-formed Opus packet. */
export function checkOpusChunk(bytes: Uint8Array): number {
  if (bytes.length > OPUS_CHUNK_MAX_BYTES) throw new JitterlaneError(`an opus chunk is one Opus packet of at most ${OPUS_CHUNK_MAX_BYTES} bytes, got ${bytes.length} bytes`);
  const frames = opusPacketSamples(bytes, 0, bytes.length);
  if (frames <= 0) throw new JitterlaneError(`an opus chunk must be one Opus packet (RFC 6716 §3: a TOC byte and its frames), got ${bytes.length} bytes that are not`);
  return frames;
}
