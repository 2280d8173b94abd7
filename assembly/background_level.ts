// The stream's background level, and from it the level below which a
// time-stretch may treat audio as quiet (dsp/stretch_acceptance.ts). A fixed
// −50 dBFS serves a clean source, but a call's pauses are often noise above
// it (a room, a car, a mic without noise suppression): there every pause
// counted as voiced, quiet-first drains (decision.ts QUIET_FIRST_FRAMES)
// waited their whole second for a pause that never qualified, and then cut
// voiced periods. A cut in stationary noise with a short fade is as inaudible
// as one in silence. Minimum statistics: the quietest 10 ms block of the
// decoded audio over the last two seconds is the noise between words, since
// speech pauses that often; a window that long forgets a noise that stopped.
// NetEq's time-stretch accepts low-energy audio against its background noise
// estimate in the same spirit.

import { SAMPLE_RATE } from './abi';
import { LOW_ENERGY_RMS } from './dsp/stretch_acceptance';

/** Blocks the level is measured in: 10 ms of output. */
const BLOCK_FRAMES: i32 = SAMPLE_RATE / 100;
/** Sub-windows of the two-second minimum, each 250 ms of decoded audio. */
const BUCKETS: i32 = 8;
const BLOCKS_PER_BUCKET: i32 = 25;
/** Audio up to 6 dB above the background counts as quiet: the noise's own 10 ms blocks vary by a few dB. */
const QUIET_ABOVE_BACKGROUND: f32 = 2;
/** Never above −40 dBFS: louder than that, a pause is speech that is soft, not background. */
export const QUIET_CEILING_RMS: f32 = 0.01;

/** Tracks the background level of decoded audio (channel 0) and the quiet threshold it allows. */
export class BackgroundLevel {
  /** Each sub-window's lowest block energy (mean square). */
  private readonly minEnergy: StaticArray<f64> = new StaticArray<f64>(BUCKETS);
  private bucket: i32 = 0;
  private blocksInBucket: i32 = 0;
  /** Sub-windows completed, up to BUCKETS: until the window is full the threshold stays at LOW_ENERGY_RMS. */
  private bucketsDone: i32 = 0;
  private blockSum: f64 = 0;
  private blockCount: i32 = 0;
  /** RMS below which audio counts as quiet: LOW_ENERGY_RMS up to QUIET_CEILING_RMS. */
  quietRms: f32 = LOW_ENERGY_RMS;

  reset(): void {
    this.bucket = 0;
    this.blocksInBucket = 0;
    this.bucketsDone = 0;
    this.blockSum = 0;
    this.blockCount = 0;
    this.quietRms = LOW_ENERGY_RMS;
  }

  /** Takes in `frames` decoded samples at `x` (one channel). */
  listen(x: usize, frames: i32): void {
    for (let i = 0; i < frames; i++) {
      const v = <f64>load<f32>(x + (<usize>i << 2));
      this.blockSum += v * v;
      if (++this.blockCount == BLOCK_FRAMES) this.endBlock();
    }
  }

  private endBlock(): void {
    const energy = this.blockSum / <f64>BLOCK_FRAMES;
    this.blockSum = 0;
    this.blockCount = 0;
    const slot = this.bucket;
    if (this.blocksInBucket == 0 || energy < unchecked(this.minEnergy[slot])) unchecked((this.minEnergy[slot] = energy));
    if (++this.blocksInBucket < BLOCKS_PER_BUCKET) return;
    this.blocksInBucket = 0;
    this.bucket = (slot + 1) % BUCKETS;
    if (this.bucketsDone < BUCKETS) this.bucketsDone++;
    if (this.bucketsDone < BUCKETS) return;
    let floor = Infinity;
    for (let b = 0; b < BUCKETS; b++) floor = Math.min(floor, unchecked(this.minEnergy[b]));
    const level = QUIET_ABOVE_BACKGROUND * <f32>Math.sqrt(floor);
    this.quietRms = Mathf.min(QUIET_CEILING_RMS, Mathf.max(LOW_ENERGY_RMS, level));
  }
}
