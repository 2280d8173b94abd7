// RFC 3389 comfort noise (CN, static payload type 13): what a G.711 sender
// sends instead of audio while the talker is silent: the noise level and,
// optionally, reflection coefficients of an all-pole model of its spectrum.
// Parsing only; generating the noise belongs to the engine.

/** Static payload type of comfort noise (RFC 3551 table 4, RFC 3389 §4). */
export const CN_PAYLOAD_TYPE = 13;

/** One comfort-noise payload (a SID frame). */
export interface ComfortNoise {
  /** Noise level in dBov: 0 (overload) down to −127 (RFC 3389 §3.1). */
  levelDbov: number;
  /**
   * Reflection coefficients k1..kM in (−1, 1), from bytes quantized with 127
   * as 0 and a step of 1/128 (RFC 3389 §3.2, as libwebrtc's CNG reads them).
   * Empty when the sender gave the level only.
   */
  reflectionCoefficients: number[];
}

/** Bytes of the noise-level field; the coefficients follow, one byte each. */
const LEVEL_BYTES = 1;
/** Quantized value of a zero coefficient, and the quantizer's step (Q7). */
const COEFFICIENT_ZERO = 127;
const COEFFICIENT_SCALE = 128;

/** Parses a CN payload, or returns null when it is not one: empty, or the level byte's unused top bit set. */
export function parseComfortNoise(payload: Uint8Array): ComfortNoise | null {
  if (payload.length < LEVEL_BYTES || (payload[0] & 0x80) !== 0) return null;
  const reflectionCoefficients: number[] = [];
  for (let i = LEVEL_BYTES; i < payload.length; i++) reflectionCoefficients.push((payload[i] - COEFFICIENT_ZERO) / COEFFICIENT_SCALE);
  return { levelDbov: 0 - (payload[0] & 0x7f), reflectionCoefficients };
}
