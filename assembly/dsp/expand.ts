// Built-in concealment: pitch-period repetition of the last audio, with a
// continuity correction at the seam and progressive attenuation to silence.

/** Full level for the first 20 ms: short gaps stay natural. */
const HOLD_MS: f32 = 20;
/** Then −6 dB per 20 ms: silence (−60 dB) about 220 ms into a gap. */
const FADE_DB_PER_MS: f32 = 0.3;
/** Below −60 dB the output is set to exact silence. */
const SILENCE_GAIN: f32 = 0.001;
/** Full scale: the seam ramp may not push the repeated cycle past what the output can carry. */
const FULL_SCALE: f32 = 1;

/** State of one channel's concealment. */
export class PitchRepeater {
  private readonly cycle: StaticArray<f32>;
  private period: i32 = 0;
  private phase: i32 = 0;
  private gain: f32 = 1;
  private holdLeft: i32 = 0;
  private readonly fadePerSample: f32;
  private readonly holdFrames: i32;

  constructor(maxPeriod: i32, sampleRate: f32) {
    this.cycle = new StaticArray<f32>(maxPeriod);
    this.holdFrames = <i32>((HOLD_MS * sampleRate) / 1000);
    this.fadePerSample = Mathf.pow(10, -FADE_DB_PER_MS / 20 / (sampleRate / 1000));
  }

  /**
   * Starts concealment after history ending at `end` (exclusive; at least
   * period + 1 samples readable before it). The repeated cycle is the last
   * period, shifted by a ramp so that its first sample continues from the
   * history's last one with the slope the signal had one period earlier,
   * clipped to full scale (after a discontinuity the ramp's step can reach
   * twice the signal's peak).
   */
  start(end: usize, period: i32): void {
    // history(k) = load(end − 4k): history(1) is the last sample.
    const step = load<f32>(end - 4) - load<f32>(end - (<usize>(period + 1) << 2));
    for (let j = 0; j < period; j++) {
      const ramp = step * (1 - <f32>j / <f32>period);
      const sample = load<f32>(end - (<usize>(period - j) << 2)) + ramp;
      unchecked((this.cycle[j] = min<f32>(FULL_SCALE, max<f32>(-FULL_SCALE, sample))));
    }
    this.period = period;
    this.phase = 0;
    this.gain = 1;
    this.holdLeft = this.holdFrames;
  }

  /** Writes n concealment samples to out and advances the state. */
  generate(out: usize, n: i32): void {
    for (let i = 0; i < n; i++) {
      let g = this.gain;
      if (this.holdLeft > 0) {
        this.holdLeft--;
      } else if (g > 0) {
        g *= this.fadePerSample;
        if (g < SILENCE_GAIN) g = 0;
        this.gain = g;
      }
      store<f32>(out + (<usize>i << 2), unchecked(this.cycle[this.phase]) * g);
      this.phase++;
      if (this.phase == this.period) this.phase = 0;
    }
  }

  /** True once the attenuation has reached silence. */
  isSilent(): bool {
    return this.gain == 0 && this.holdLeft == 0;
  }
}
