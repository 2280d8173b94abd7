// Benchmark audio: a synthetic voiced sound — eight harmonics of a fundamental
// that glides between 100 and 200 Hz once a second — as PCM16LE 20 ms packets.
// It is periodic enough for the stretch and concealment searches to find a
// pitch period, and never silent or tiny: int16 input cannot be denormal, so
// float code is timed at its normal speed rather than the FPU's slow path.

import { SAMPLE_RATE } from '../src/engine/contract.js';

/** The engine's output rate (assembly/abi.ts). */
export { SAMPLE_RATE };
/** Frames in one 20 ms packet at 48 kHz. */
export const PACKET_FRAMES = 960;
/** One second of packets; the glide's phase closes over it, so the loop has no seam. */
const LOOP_PACKETS = 50;
const HARMONICS = 8;
/** Peak level, −6 dBFS. */
const PEAK = 0.5;

let cached: Uint8Array[] | null = null;

/** The loop's packets, in order; packet k of a stream uses payload k mod the count. */
export function voicedPayloads(): Uint8Array[] {
  if (cached) return cached;
  const frames = LOOP_PACKETS * PACKET_FRAMES;
  const signal = new Float64Array(frames);
  let peak = 0;
  for (let n = 0; n < frames; n++) {
    const t = n / SAMPLE_RATE;
    // Phase of f0(t) = 150 + 50·sin(2πt) Hz, integrated: 150 whole cycles per second.
    const cycles = 150 * t + (50 / (2 * Math.PI)) * (1 - Math.cos(2 * Math.PI * t));
    let value = 0;
    for (let h = 1; h <= HARMONICS; h++) value += Math.sin(2 * Math.PI * h * cycles) / h;
    signal[n] = value;
    peak = Math.max(peak, Math.abs(value));
  }
  const payloads: Uint8Array[] = [];
  for (let p = 0; p < LOOP_PACKETS; p++) {
    const bytes = new Uint8Array(PACKET_FRAMES * 2);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < PACKET_FRAMES; i++) {
      view.setInt16(i * 2, Math.round((signal[p * PACKET_FRAMES + i] / peak) * PEAK * 32767), true);
    }
    payloads.push(bytes);
  }
  cached = payloads;
  return payloads;
}
