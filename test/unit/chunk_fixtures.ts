// Fixtures of the chunk-player tests (Node and Chromium): the shipped speech
// sample at a chunk stream's rate and encoding, a tone, G.711 μ-law, and the
// measures the checks use (Goertzel, a spectrum, the largest step).

import type { ChunkPlayer } from '../../src/chunks/chunk_player.js';
import { OutputResampler } from '../../src/worklet/output_resampler.js';
import { pcm16le, speech } from '../helpers/engine_stream.js';

export { pcm16le };

/** `x` at `fromRate` brought to `toRate` with the output resampler's kernel (a 64-tap Kaiser sinc: the band edge is clean). */
export function resample(x: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return x;
  const resampler = new OutputResampler(fromRate, toRate, 1);
  const n = Math.floor((x.length * toRate) / fromRate);
  const out = new Float32Array(n);
  let at = 0;
  const pull = (m: number) => {
    const slice = new Float32Array(m);
    slice.set(x.subarray(at, Math.min(x.length, at + m)));
    at += m;
    return [slice];
  };
  // In quanta: the resampler's store holds a few quanta of input, not a whole signal.
  for (let from = 0; from < n; from += 128) resampler.render([out.subarray(from, Math.min(n, from + 128))], Math.min(128, n - from), pull);
  return out;
}

/** `seconds` of the shipped speech from `fromSeconds` on, at `rate`, as the samples a chunk of PCM16 carries (rounded to 16 bits). */
export function speechAt(rate: number, seconds: number, fromSeconds = 0): Float32Array {
  const s = speech().subarray(Math.round(fromSeconds * 48000), Math.round((fromSeconds + seconds) * 48000));
  const x = resample(s, 48000, rate);
  for (let i = 0; i < x.length; i++) x[i] = Math.max(-32768, Math.min(32767, Math.round(x[i]! * 32768))) / 32768;
  return x;
}

/** A sine of `hz` at `amplitude`, `seconds` long at `rate`. */
export function toneAt(rate: number, seconds: number, hz: number, amplitude: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
}

/** G.711 μ-law (ITU-T G.711, with the bias of 0x84 of its reference code). */
export function muLaw(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let v = Math.max(-32635, Math.min(32635, Math.round(x[i]! * 32768)));
    const sign = v < 0 ? 0x80 : 0;
    if (v < 0) v = -v;
    v += 0x84;
    let exponent = 7;
    for (let mask = 0x4000; (v & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
    const mantissa = (v >> (exponent + 3)) & 0x0f;
    out[i] = ~(sign | (exponent << 4) | mantissa) & 0xff;
  }
  return out;
}

/** The magnitude of `x` (at `rate`) at `hz`: Goertzel's single DFT bin. */
export function goertzel(x: Float32Array, hz: number, rate = 48000): number {
  const w = (2 * Math.PI * hz) / rate;
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s = v + 2 * Math.cos(w) * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return Math.sqrt(s1 * s1 + s2 * s2 - 2 * Math.cos(w) * s1 * s2);
}

/**
 * Energy of `x` (at `rate`) at each of `frequencies`, in dB: Hann-windowed
 * 20 ms frames, Goertzel per frequency, summed over frames and divided by the
 * rate, so signals at different rates and with different amounts of silence
 * around them compare (silence adds nothing).
 */
export function spectrumDb(x: Float32Array, rate: number, frequencies: readonly number[]): number[] {
  const n = Math.round(rate * 0.02);
  const window = Float32Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  let windowEnergy = 0;
  for (const w of window) windowEnergy += w * w;
  const frame = new Float32Array(n);
  return frequencies.map((hz) => {
    let sum = 0;
    for (let at = 0; at + n <= x.length; at += n) {
      for (let i = 0; i < n; i++) frame[i] = x[at + i]! * window[i]!;
      sum += goertzel(frame, hz, rate) ** 2 / windowEnergy;
    }
    return 10 * Math.log10(sum / rate + 1e-30);
  });
}

/** Energy of `x` (at `rate`), ∫x² dt, in dB. */
export function energyDb(x: Float32Array, rate: number): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return 10 * Math.log10(sum / rate + 1e-30);
}

/** The largest sample-to-sample step of `x`. */
export function largestStep(x: Float32Array): number {
  let step = 0;
  for (let i = 1; i < x.length; i++) step = Math.max(step, Math.abs(x[i]! - x[i - 1]!));
  return step;
}

/** Index of the first sample that is not zero (-1 if none). */
export const firstSound = (x: Float32Array): number => x.findIndex((v) => v !== 0);

/** Runs a chunk player for `quanta` 128-frame quanta, calling `at(q)` before each; returns the output. */
export function runPlayer(player: ChunkPlayer, quanta: number, at: (q: number) => void = () => {}): Float32Array {
  const out = new Float32Array(quanta * 128);
  const block = [new Float32Array(128)];
  for (let q = 0; q < quanta; q++) {
    at(q);
    player.pull(128, block);
    out.set(block[0]!, q * 128);
  }
  return out;
}
