// The engine always renders at 48 kHz; many devices run their AudioContext at
// 44.1 kHz. This converts the engine's output to the context rate inside the
// worklet: a windowed-sinc interpolator (Kaiser, 64 taps) over a table of 512
// fractional phases with linear interpolation between them. Reserved once;
// render() allocates nothing.

/**
 * Taps of the interpolation kernel: 32 input samples either side of each output
 * instant. With Kaiser β = 8 that is a 3.8 kHz transition band at 48 kHz.
 */
const TAPS = 64;
const HALF = TAPS / 2;
/** Fractional phases tabulated: 512 keeps the phase-interpolation error far below 16-bit resolution. */
const PHASES = 512;
/** Kaiser β for about 80 dB stopband. */
const KAISER_BETA = 8;
/**
 * −6 dB point as a share of the lower Nyquist: 0.92 × 22.05 kHz = 20.3 kHz, so
 * the passband reaches 18.4 kHz and the stopband starts before 22.05 kHz, where
 * content would fold back.
 */
const CUTOFF = 0.92;
/** Engine frames kept per channel: room for a 2048-frame block (the polyfill's) plus the kernel, twice. */
const STORE_FRAMES = 8192;

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/** Pulls engine audio at `inputRate` and writes it at `outputRate`. */
export class OutputResampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Output frames rendered so far; the read position is derived from it exactly (integer arithmetic). */
  private rendered = 0;
  /** Engine frames dropped from the front of the store by compaction. */
  private dropped = 0;
  private readonly table: Float32Array;
  private readonly store: Float32Array[];
  /** Valid frames in the store. */
  private filled = 0;

  constructor(inputRate: number, outputRate: number, channels: number) {
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    const cutoff = CUTOFF * Math.min(1, outputRate / inputRate);
    this.table = new Float32Array((PHASES + 1) * TAPS);
    const norm = besselI0(KAISER_BETA);
    for (let phase = 0; phase <= PHASES; phase++) {
      const frac = phase / PHASES;
      let sum = 0;
      for (let t = 0; t < TAPS; t++) {
        // Tap t weighs input sample (floor(position) − HALF + 1 + t); its distance from the output instant:
        const x = t - HALF + 1 - frac;
        const w = Math.abs(x) >= HALF ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - (x / HALF) ** 2)) / norm;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * cutoff * x) / (Math.PI * cutoff * x);
        const v = cutoff * sinc * w;
        this.table[phase * TAPS + t] = v;
        sum += v;
      }
      // Unity gain at DC for every phase, so a constant stays constant.
      for (let t = 0; t < TAPS; t++) this.table[phase * TAPS + t] /= sum;
    }
    this.store = [];
    for (let c = 0; c < channels; c++) this.store.push(new Float32Array(STORE_FRAMES));
    this.filled = HALF; // zero history before the first sample
  }

  /** Engine frames render(frames) will pull at most. */
  maxPull(frames: number): number {
    return Math.ceil((frames * this.inputRate) / this.outputRate) + TAPS + 2;
  }

  /** Store index (integer part) and phase (0..1) of output frame k. */
  private whole(k: number): number {
    return Math.floor((k * this.inputRate) / this.outputRate) + HALF - this.dropped;
  }

  /**
   * Writes `frames` output frames to `out` (one array per channel), calling
   * `pull(n)` for engine audio (it returns one array per channel with n frames).
   */
  render(out: Float32Array[], frames: number, pull: (n: number) => Float32Array[]): void {
    const lastNeeded = this.whole(this.rendered + frames - 1) + HALF;
    if (lastNeeded >= this.filled) this.fill(lastNeeded - this.filled + 1, pull);
    const channels = this.store.length;
    for (let i = 0; i < frames; i++) {
      const k = this.rendered + i;
      const base = this.whole(k);
      // Exact fraction of k·in/out, in integers: the same for any block size.
      const phaseF = (((k * this.inputRate) % this.outputRate) / this.outputRate) * PHASES;
      const phase = Math.floor(phaseF);
      const mix = phaseF - phase;
      const row0 = phase * TAPS;
      const row1 = row0 + TAPS;
      const first = base - HALF + 1;
      for (let c = 0; c < channels; c++) {
        const x = this.store[c];
        let a = 0;
        let b = 0;
        for (let t = 0; t < TAPS; t++) {
          const v = x[first + t];
          a += v * this.table[row0 + t];
          b += v * this.table[row1 + t];
        }
        out[c][i] = a + (b - a) * mix;
      }
    }
    this.rendered += frames;
    this.compact();
  }

  private fill(frames: number, pull: (n: number) => Float32Array[]): void {
    const input = pull(frames);
    for (let c = 0; c < this.store.length; c++) {
      const src = input[Math.min(c, input.length - 1)];
      const dst = this.store[c];
      for (let i = 0; i < frames; i++) dst[this.filled + i] = src[i];
    }
    this.filled += frames;
  }

  /** Moves the kernel's history to the front so the store never runs out. */
  private compact(): void {
    const keepFrom = this.whole(this.rendered) - HALF;
    if (keepFrom < STORE_FRAMES / 2) return;
    for (const x of this.store) x.copyWithin(0, keepFrom, this.filled);
    this.filled -= keepFrom;
    this.dropped += keepFrom;
  }
}
