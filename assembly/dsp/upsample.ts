// Integer-factor upsampling to the engine rate with a polyphase FIR
// interpolator (Kaiser-windowed sinc low-pass).
//
// Conceptually the input is zero-stuffed to the output rate and low-pass
// filtered to remove the spectral images around multiples of the input rate.
// The polyphase form skips the stuffed zeros: output frame k·F + p is the dot
// product of phase p's coefficients with the newest input samples.

// 32 buys about 75 dB of image rejection with the transition band below (see
// KAISER_ATTENUATION_DB) while costing 32 multiply-adds per output frame.
/** Input samples each output frame depends on (taps of one polyphase branch). */
export const UPSAMPLER_TAPS_PER_PHASE: i32 = 32;

// Passband edge as a fraction of the input rate: 0.425 × 8 kHz = 3.4 kHz,
// the top of the telephone band G.711 carries, and proportionally higher
// (6.8 kHz, 10.2 kHz) for 16 kHz and 24 kHz input.
const PASSBAND_EDGE: f64 = 0.425;

// Stopband edge as a fraction of the input rate. The first image of a tone at
// f lies at (input rate − f), so putting the stopband edge at 1 − 0.425 keeps
// the images of every passband frequency in the stopband. The cutoff (−6 dB)
// sits midway, exactly at the input Nyquist frequency.
const STOPBAND_EDGE: f64 = 1.0 - PASSBAND_EDGE;

// Image rejection the Kaiser window is shaped for, in dB. With 32 taps per
// phase and a transition band of 0.15 × input rate, Kaiser's length formula
// gives about 75 dB for every supported factor, so that is what β aims at
// (measured: 73 dB worst case once the taps are rounded to f32), comfortably
// past the 60 dB needed to make images inaudible under speech.
const KAISER_ATTENUATION_DB: f64 = 75.0;

// Inputs closer to zero than this are stored as zero, so a decaying signal
// rings out to exact zeros instead of into denormals, which are slow on some
// CPUs. 1e-30 is about −600 dBFS: no audible signal gets near it.
const DENORMAL_THRESHOLD: f32 = 1e-30;

// The power-series for I0 stops once a term adds less than this relative to
// the sum; double precision cannot resolve smaller contributions anyway.
const BESSEL_SERIES_TOLERANCE: f64 = 1e-16;

/** True if `Upsampler` supports `factor` (1, 2, 3 or 6: 48, 24, 16, 8 kHz in). */
export function isSupportedUpsampleFactor(factor: i32): bool {
  return factor == 1 || factor == 2 || factor == 3 || factor == 6;
}

/** Zeroth-order modified Bessel function of the first kind, by its series. */
function besselI0(x: f64): f64 {
  const halfX = x * 0.5;
  let term: f64 = 1.0;
  let sum: f64 = 1.0;
  let k: f64 = 1.0;
  while (term > sum * BESSEL_SERIES_TOLERANCE) {
    const ratio = halfX / k;
    term *= ratio * ratio;
    sum += term;
    k += 1.0;
  }
  return sum;
}

/** Kaiser's β for a given stopband attenuation in dB (his empirical fit). */
function kaiserBeta(attenuationDb: f64): f64 {
  if (attenuationDb > 50.0) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21.0) {
    return 0.5842 * Math.pow(attenuationDb - 21.0, 0.4) + 0.07886 * (attenuationDb - 21.0);
  }
  return 0.0;
}

/** Normalised sinc: sin(πx) / (πx), 1 at 0. */
function sinc(x: f64): f64 {
  if (x == 0.0) return 1.0;
  const angle = Math.PI * x;
  return Math.sin(angle) / angle;
}

/**
 * Upsamples one mono f32 stream by an integer factor (1, 2, 3 or 6) through a
 * linear-phase low-pass, keeping filter history between calls so consecutive
 * packets join seamlessly. Allocate one per stream and channel up front:
 * `process()` never allocates.
 */
export class Upsampler {
  /** Output frames produced per input sample. */
  readonly factor: i32;

  // Phase-major coefficients: phase p's taps at [p·T, p·T + T), stored
  // oldest-input-first so they line up with the delay line's window.
  private readonly coefficients: StaticArray<f32>;

  // The last T inputs, written twice (at i and i + T) so the newest T samples
  // are always one contiguous window, whatever the write position.
  private readonly delayLine: StaticArray<f32>;

  // Where the next input sample goes in the first half of the delay line.
  private writeIndex: i32 = 0;

  /** Designs the interpolation filter for `factor`; aborts if unsupported. */
  constructor(factor: i32) {
    assert(isSupportedUpsampleFactor(factor), "Upsampler: unsupported factor");
    this.factor = factor;
    const taps = UPSAMPLER_TAPS_PER_PHASE;
    this.coefficients = new StaticArray<f32>(factor * taps);
    this.delayLine = new StaticArray<f32>(2 * taps);
    if (factor > 1) this.designFilter();
  }

  /**
   * Reads `count` f32 samples at `src` and writes `count × factor` f32
   * samples at `dst`; returns the number written. For factors above 1 the
   * ranges must not overlap; factor 1 copies and allows any overlap.
   */
  process(src: usize, count: i32, dst: usize): i32 {
    const factor = this.factor;
    if (factor == 1) {
      memory.copy(dst, src, <usize>count << 2);
      return count;
    }
    const taps = UPSAMPLER_TAPS_PER_PHASE;
    const line = changetype<usize>(this.delayLine);
    const coefficients = changetype<usize>(this.coefficients);
    let writeIndex = this.writeIndex;
    let out = dst;
    for (let i = 0; i < count; i++) {
      let sample = load<f32>(src + (<usize>i << 2));
      if (Mathf.abs(sample) < DENORMAL_THRESHOLD) sample = 0.0;
      store<f32>(line + (<usize>writeIndex << 2), sample);
      store<f32>(line + (<usize>(writeIndex + taps) << 2), sample);
      writeIndex = writeIndex + 1 == taps ? 0 : writeIndex + 1;
      // After the write, the window [writeIndex, writeIndex + T) holds the
      // last T inputs, oldest first, with this sample at its end.
      const window = line + (<usize>writeIndex << 2);
      for (let phase = 0; phase < factor; phase++) {
        const phaseTaps = coefficients + (<usize>(phase * taps) << 2);
        // Four taps per SIMD step (taps is a multiple of 4): the inner product is
        // where G.711 decoding spends its time.
        let acc = f32x4.splat(0);
        for (let t = 0; t < taps; t += 4) {
          const offset = <usize>t << 2;
          acc = f32x4.add(acc, f32x4.mul(v128.load(phaseTaps + offset), v128.load(window + offset)));
        }
        store<f32>(out, f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
        out += 4;
      }
    }
    this.writeIndex = writeIndex;
    return count * factor;
  }

  /** Clears the filter history, as after a stream reset or a long gap. */
  reset(): void {
    memory.fill(changetype<usize>(this.delayLine), 0, <usize>(2 * UPSAMPLER_TAPS_PER_PHASE) << 2);
    this.writeIndex = 0;
  }

  /**
   * Group delay of the filter in output frames: an input event appears this
   * many frames later in the output. 0 for factor 1.
   */
  delayFrames(): i32 {
    if (this.factor == 1) return 0;
    return this.prototypeLength() / 2 - 1;
  }

  // Taps in the prototype low-pass at the output rate, including one zero
  // pad: T·F − 1 real taps (odd, so the centre falls on a whole output
  // frame and the delay is an integer) plus a zero that rounds the last
  // phase up to T taps.
  private prototypeLength(): i32 {
    return this.factor * UPSAMPLER_TAPS_PER_PHASE;
  }

  // Windowed-sinc design at the output rate, split into polyphase branches.
  private designFilter(): void {
    const factor = this.factor;
    const taps = UPSAMPLER_TAPS_PER_PHASE;
    const realTaps = this.prototypeLength() - 1;
    const centre = <f64>(realTaps - 1) * 0.5;
    // Cutoff midway between passband and stopband edges, as a fraction of the
    // output rate: the input Nyquist frequency.
    const cutoff = (PASSBAND_EDGE + STOPBAND_EDGE) * 0.5 / <f64>factor;
    const beta = kaiserBeta(KAISER_ATTENUATION_DB);
    const windowNorm = besselI0(beta);
    for (let n = 0; n < realTaps; n++) {
      const fromCentre = <f64>n - centre;
      const relative = fromCentre / centre;
      const window = besselI0(beta * Math.sqrt(1.0 - relative * relative)) / windowNorm;
      const ideal = 2.0 * cutoff * sinc(2.0 * cutoff * fromCentre);
      const phase = n % factor;
      const tapInPhase = n / factor;
      // Reverse within the phase: tap j multiplies the input j samples back,
      // and the delay line window runs oldest first.
      const slot = phase * taps + (taps - 1 - tapInPhase);
      unchecked(this.coefficients[slot] = <f32>(window * ideal));
    }
    this.normalisePhases();
  }

  // Scales each phase to sum to exactly 1. The prototype's overall gain is
  // then the factor (making up for the zero-stuffing), and a constant input
  // gives a constant output with no ripple at multiples of the input rate.
  private normalisePhases(): void {
    const taps = UPSAMPLER_TAPS_PER_PHASE;
    for (let phase = 0; phase < this.factor; phase++) {
      const start = phase * taps;
      let sum: f64 = 0.0;
      for (let t = 0; t < taps; t++) sum += <f64>unchecked(this.coefficients[start + t]);
      const scale = 1.0 / sum;
      for (let t = 0; t < taps; t++) {
        const slot = start + t;
        unchecked(this.coefficients[slot] = <f32>(<f64>unchecked(this.coefficients[slot]) * scale));
      }
    }
  }
}
