// How good concealment sounds, measured objectively: an Opus speech fixture is
// played through the engine with packets lost on purpose, and the audio where
// the lost packets belonged is compared with a loss-free decode, for the
// engine's built-in concealment, libopus's own (codec PLC), and recovery from
// in-band FEC — and silence as the floor.
//
// Two measures. Segmental SNR (per lost 20 ms, clamped to [-10, 35] dB, the
// usual segSNR practice) rewards matching the waveform: FEC reconstructs it,
// but any concealment only guesses it, so concealment scores about 0 dB, as
// silence does. Log-spectral distance (LSD, dB; lower is better), standard in
// PLC and bandwidth-extension evaluation, compares short-time spectra and
// ignores phase: it tells a plausible continuation from silence. Both are
// taken over 10 ms frames whose reference is not silent (above -50 dBFS).

import type { EngineModule, HostCodec, ProfileRecord } from '../engine/index.js';
import type { LibOpus } from '../codecs/libopus.js';
import { seededRandom } from '../seeded_random.js';

export type ConcealmentMode = 'built-in PLC' | 'codec PLC' | 'FEC' | 'silence';

/** The profile of the measurement: a buffer deep enough that every loss is known before its time (no stretching, no waiting), so the output stays aligned with the reference. */
const ALIGNED_PROFILE: ProfileRecord = { floorMs: 200, ceilingMs: 500, deadbandMs: 1000, fastAboveMs: 2000 };
const START_FRAME = 9600; // 200 ms: where the first packet plays under ALIGNED_PROFILE
const QUANTUM = 128;
const FRAME = 480; // 10 ms analysis frames
const SILENT_POWER = 1e-5; // -50 dBFS
const SPECTRUM_FLOOR = 1e-9; // -90 dB: keeps log(0) of silence finite
const MAX_BIN_HZ = 8000; // the speech band

/** Plays `packets` (one every `packetSamples`, arriving on time) through a fresh engine, dropping `lost`; returns the output. */
export function playWithLoss(module: EngineModule, opus: LibOpus, packets: Uint8Array[], packetSamples: number, lost: Set<number>, mode: Exclude<ConcealmentMode, 'silence'>): { output: Float32Array; fecRecovered: number; concealedSamples: number } {
  const decoder = opus.createDecoder(1);
  // Each mode offers the engine less of the codec: without conceal() the engine uses its built-in PLC.
  const codec: HostCodec =
    mode === 'FEC'
      ? decoder
      : {
          decode: (h, p, l, o, s) => decoder.decode(h, p, l, o, s),
          duration: (h, p, l) => decoder.duration(h, p, l),
          reset: () => decoder.reset(),
          conceal: mode === 'codec PLC' ? (h, o, f, s) => decoder.conceal(h, o, f, s) : undefined,
        };
  const engine = module.createEngine({ codec: 'host', hostCodec: codec, profile: ALIGNED_PROFILE });
  const quanta = Math.ceil((packets.length * packetSamples + START_FRAME) / QUANTUM) + 4;
  const output = new Float32Array(quanta * QUANTUM);
  let next = 0;
  for (let q = 0; q < quanta; q++) {
    for (; next < packets.length && next * packetSamples <= q * QUANTUM; next++) {
      if (!lost.has(next)) engine.insert(packets[next], { sequenceNumber: next, timestamp: next * packetSamples, arrivalFrame: next * packetSamples });
    }
    output.set(engine.pull(QUANTUM)[0].subarray(0, QUANTUM), q * QUANTUM);
  }
  const stats = engine.stats();
  engine.destroy();
  decoder.destroy();
  return { output, fecRecovered: stats.fecRecovered, concealedSamples: stats.concealedSamples };
}

/** Packet indices lost: each packet starts a burst of `burst` with probability `rate`, from a seeded generator (the first and last 5 packets are kept). */
export function lossPattern(count: number, rate: number, burst: number, seed: number): Set<number> {
  const random = seededRandom(seed);
  const lost = new Set<number>();
  for (let k = 5; k < count - 5; k++) {
    if (random() < rate) for (let b = 0; b < burst && k + b < count - 5; b++) lost.add(k + b);
  }
  return lost;
}

/** Start frames (in the output) of the analysis frames inside lost packets whose reference is not silent. */
function lostFrames(reference: Float32Array, lost: Set<number>, packetSamples: number): number[] {
  const frames: number[] = [];
  for (const k of [...lost].sort((a, b) => a - b)) {
    for (let h = 0; h + FRAME <= packetSamples; h += FRAME) {
      const at = START_FRAME + k * packetSamples + h;
      let power = 0;
      for (let i = 0; i < FRAME; i++) power += reference[at + i] ** 2;
      if (power / FRAME >= SILENT_POWER) frames.push(at);
    }
  }
  return frames;
}

/** Mean segmental SNR (dB) of `output` against `reference` over the given frames. */
export function segmentalSnr(reference: Float32Array, output: Float32Array, frames: number[]): number {
  let sum = 0;
  for (const at of frames) {
    let signal = 0;
    let noise = 0;
    for (let i = 0; i < FRAME; i++) {
      signal += reference[at + i] ** 2;
      noise += (reference[at + i] - output[at + i]) ** 2;
    }
    sum += Math.max(-10, Math.min(35, 10 * Math.log10(signal / Math.max(noise, 1e-20))));
  }
  return frames.length ? sum / frames.length : 0;
}

/** Hann-windowed DFT power (dB) of the 100 Hz..8 kHz bins of one frame. */
class Spectrum {
  private readonly window = Float64Array.from({ length: FRAME }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / FRAME));
  private readonly bins = Math.floor((MAX_BIN_HZ * FRAME) / 48000);
  private readonly cos: Float64Array[] = [];
  private readonly sin: Float64Array[] = [];

  constructor() {
    for (let k = 1; k <= this.bins; k++) {
      this.cos.push(Float64Array.from({ length: FRAME }, (_, i) => Math.cos((2 * Math.PI * k * i) / FRAME)));
      this.sin.push(Float64Array.from({ length: FRAME }, (_, i) => Math.sin((2 * Math.PI * k * i) / FRAME)));
    }
  }

  db(x: Float32Array, at: number): Float64Array {
    const out = new Float64Array(this.bins);
    for (let b = 0; b < this.bins; b++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < FRAME; i++) {
        const v = x[at + i] * this.window[i];
        re += v * this.cos[b][i];
        im += v * this.sin[b][i];
      }
      out[b] = 10 * Math.log10(re * re + im * im + SPECTRUM_FLOOR);
    }
    return out;
  }
}

let spectrum: Spectrum | null = null;

/** Mean log-spectral distance (dB) of `output` from `reference` over the given frames. */
export function logSpectralDistance(reference: Float32Array, output: Float32Array, frames: number[]): number {
  spectrum ??= new Spectrum();
  let sum = 0;
  for (const at of frames) {
    const a = spectrum.db(reference, at);
    const b = spectrum.db(output, at);
    let d = 0;
    for (let i = 0; i < a.length; i++) d += (a[i] - b[i]) ** 2;
    sum += Math.sqrt(d / a.length);
  }
  return frames.length ? sum / frames.length : 0;
}

/** One row of the concealment quality table. */
export interface ConcealmentQualityRow {
  loss: string;
  lostPackets: number;
  /** Analysis frames measured (lost and not silent in the reference). */
  frames: number;
  mode: ConcealmentMode;
  segmentalSnrDb: number;
  logSpectralDistanceDb: number;
  fecRecovered: number;
}

/** The loss conditions of the table: random loss at 5, 10, 20 % and bursts of three packets. */
export const LOSS_CONDITIONS = [
  { loss: '5 % random', rate: 0.05, burst: 1 },
  { loss: '10 % random', rate: 0.1, burst: 1 },
  { loss: '20 % random', rate: 0.2, burst: 1 },
  { loss: 'bursts of 3 (~9 %)', rate: 0.03, burst: 3 },
];

/** Measures every mode under every loss condition for one fixture. */
export function concealmentQuality(module: EngineModule, opus: LibOpus, packets: Uint8Array[], packetSamples: number, seed = 12345): ConcealmentQualityRow[] {
  const reference = playWithLoss(module, opus, packets, packetSamples, new Set(), 'FEC').output;
  const rows: ConcealmentQualityRow[] = [];
  for (const condition of LOSS_CONDITIONS) {
    const lost = lossPattern(packets.length, condition.rate, condition.burst, seed);
    const frames = lostFrames(reference, lost, packetSamples);
    for (const mode of ['built-in PLC', 'codec PLC', 'FEC', 'silence'] as ConcealmentMode[]) {
      const run = mode === 'silence' ? { output: new Float32Array(reference.length), fecRecovered: 0 } : playWithLoss(module, opus, packets, packetSamples, lost, mode);
      rows.push({
        loss: condition.loss,
        lostPackets: lost.size,
        frames: frames.length,
        mode,
        segmentalSnrDb: segmentalSnr(reference, run.output, frames),
        logSpectralDistanceDb: logSpectralDistance(reference, run.output, frames),
        fecRecovered: run.fecRecovered,
      });
    }
  }
  return rows;
}
