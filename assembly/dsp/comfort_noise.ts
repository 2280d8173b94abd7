// Comfort noise for pauses the sender filled with RFC 3389 SID packets:
// spectrally flat (white) noise at the signalled level. RFC 3389 also sends
// reflection coefficients for a spectral shape; flat noise at the right level
// is what the listener notices (a line that is not dead), so the shape is not
// modelled. Deterministic: a fixed-seed generator, reset with the stream.

/** Seed of the noise sequence: any odd constant; fixed so replays stay bit-exact. */
const NOISE_SEED: u32 = 0x2545f491;
/** √3: a uniform variable on [−a, a] has RMS a/√3. */
const UNIFORM_PEAK_PER_RMS: f32 = 1.7320508;
/** RMS of a full-scale sine, the 0 dBov reference (RFC 3389 §3.1 levels are relative to the system's overload point). */
const FULL_SCALE_SINE_RMS: f32 = 0.70710678;

/** RMS amplitude (float samples, ±1 full scale) of a comfort-noise level of −`levelDbov` dBov (0..127). */
export function comfortNoiseRms(levelDbov: i32): f32 {
  return FULL_SCALE_SINE_RMS * Mathf.pow(10, -(<f32>levelDbov) / 20);
}

/** White noise generator (xorshift32). */
export class ComfortNoise {
  private state: u32 = NOISE_SEED;

  /** Restarts the sequence (a new stream). */
  reset(): void {
    this.state = NOISE_SEED;
  }

  /** Writes `n` samples of white noise of RMS `rms` at `out`. */
  generate(out: usize, n: i32, rms: f32): void {
    const peak = rms * UNIFORM_PEAK_PER_RMS;
    let x = this.state;
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      // Top 24 bits as a uniform value in [−1, 1).
      const uniform = <f32>(x >> 8) * (2.0 / 16777216.0) - 1;
      store<f32>(out + (<usize>i << 2), uniform * peak);
    }
    this.state = x;
  }
}
