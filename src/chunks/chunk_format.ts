// What a chunk stream's bytes are, and how the engine plays them: the engine
// decodes G.711 and PCM itself and upsamples 8, 16 and 24 kHz to its 48 kHz
// by exact integer factors (assembly/dsp/upsample.ts), so a chunk stream is
// played by cutting its bytes into packets of the stream's own encoding. Rates
// that are not a divisor of 48 kHz (22.05, 44.1 kHz) are resampled to 48 kHz
// first (chunk_resampler.ts) and played as 32-bit float.

import type { CodecName } from '../engine/index.js';
import { JitterlaneError } from '../engine/errors.js';

/** Encodings a chunk stream carries. */
export type ChunkEncoding = 'pcm16' | 'f32' | 'mulaw' | 'alaw';
export const CHUNK_ENCODINGS: readonly ChunkEncoding[] = ['pcm16', 'f32', 'mulaw', 'alaw'];
/** Sample rates a chunk stream may have. */
export const CHUNK_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;

/** How a chunk stream becomes packets for the engine. */
export interface ChunkFormat {
  encoding: ChunkEncoding;
  /** The stream's own rate. */
  sampleRate: number;
  /** What the engine decodes: the stream's own encoding, or F32LE at 48 kHz after resampling. */
  codec: CodecName;
  /** The rate of the bytes the store holds (and the engine's RTP clock and payload rate). */
  storeRate: number;
  /** Bytes per sample in the store. */
  bytesPerSample: number;
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
  if (!(CHUNK_RATES as readonly unknown[]).includes(sampleRate)) {
    throw new JitterlaneError(`chunk sampleRate must be one of ${CHUNK_RATES.join(', ')} Hz, got ${JSON.stringify(sampleRate)}`);
  }
  const rate = sampleRate as number;
  const e = encoding as ChunkEncoding;
  if (e === 'mulaw' || e === 'alaw') {
    // RFC 3551: G.711 is 8 kHz (telephony media streams send it so).
    if (rate !== 8000) throw new JitterlaneError(`${e} chunks must be 8000 Hz (G.711), got ${rate}`);
    // μ-law 0xFF and A-law 0xD5 are the codes of zero.
    return { encoding: e, sampleRate: rate, codec: e === 'mulaw' ? 'PCMU' : 'PCMA', storeRate: 8000, bytesPerSample: 1, silenceByte: e === 'mulaw' ? 0xff : 0xd5, resampled: false };
  }
  const resampled = 48000 % rate !== 0;
  if (resampled) return { encoding: e, sampleRate: rate, codec: 'F32LE', storeRate: 48000, bytesPerSample: 4, silenceByte: 0, resampled };
  return { encoding: e, sampleRate: rate, codec: e === 'pcm16' ? 'PCM16LE' : 'F32LE', storeRate: rate, bytesPerSample: e === 'pcm16' ? 2 : 4, silenceByte: 0, resampled };
}
