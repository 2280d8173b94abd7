// Chunks at a rate that does not divide 48 kHz (22.05, 44.1 kHz) are brought
// to 48 kHz as they arrive, with the output resampler's own kernel (a 64-tap
// Kaiser-windowed sinc, src/worklet/output_resampler.ts), so chunk audio gets
// the quality of today's output path. Streaming: a chunk yields every 48 kHz
// sample its input already determines; flush() pads the response's end. Runs
// where chunks arrive (the main thread, or the worklet's message handler),
// never inside process(): it allocates an output per chunk.

import { OutputResampler } from '../worklet/output_resampler.js';

/** Half the kernel (OutputResampler's TAPS / 2): the input a sample waits for on each side. */
const HALF = 32;

export class ChunkResampler {
  private readonly rate: number;
  private resampler: OutputResampler;
  private pending = new Float32Array(0);
  private pendingAt = 0;
  /** Input samples given so far, and output samples made so far. */
  private inputs = 0;
  private outputs = 0;

  constructor(inputRate: number) {
    this.rate = inputRate;
    this.resampler = new OutputResampler(inputRate, 48000, 1);
  }

  /** Starts afresh (a new response): no history from the last one. */
  reset(): void {
    this.resampler = new OutputResampler(this.rate, 48000, 1);
    this.pending = new Float32Array(0);
    this.pendingAt = 0;
    this.inputs = 0;
    this.outputs = 0;
  }

  /** The 48 kHz samples `samples` (at the input rate) complete. */
  push(samples: Float32Array): Float32Array {
    const rest = this.pending.subarray(this.pendingAt);
    const joined = new Float32Array(rest.length + samples.length);
    joined.set(rest);
    joined.set(samples, rest.length);
    this.pending = joined;
    this.pendingAt = 0;
    this.inputs += samples.length;
    // Output k needs input floor(k·in/48000) + HALF (the kernel's right half) to have arrived.
    let n = 0;
    while (Math.floor(((this.outputs + n) * this.rate) / 48000) + HALF <= this.inputs - 1) n++;
    const out = new Float32Array(n);
    if (n > 0) {
      this.resampler.render([out], n, (m) => {
        const slice = this.pending.subarray(this.pendingAt, this.pendingAt + m);
        this.pendingAt += m;
        return [slice];
      });
    }
    this.outputs += n;
    return out;
  }

  /** What the end of the input still determines (the kernel's tail over silence). */
  flush(): Float32Array {
    const inputRemaining = this.inputs;
    const owed = Math.round((inputRemaining * 48000) / this.rate) - this.outputs;
    const tail = this.push(new Float32Array(HALF + 1));
    return tail.subarray(0, Math.max(0, Math.min(tail.length, owed)));
  }
}
