// The audio of a pause: silence, or comfort noise at the level the last
// comfort-noise packet gave (RFC 3389), appended to the decoded store.

import { ComfortNoise, comfortNoiseRms } from './dsp/comfort_noise';
import { SyncBuffer } from './sync_buffer';

/** One stream's pause audio. */
export class PauseAudio {
  private readonly sync: SyncBuffer;
  private readonly noise: ComfortNoise = new ComfortNoise();
  /** RMS of the comfort noise the last CN packet asked for (0: silence). */
  private noiseRms: f32 = 0;

  constructor(sync: SyncBuffer) {
    this.sync = sync;
  }

  /** Pauses play comfort noise at the level of a CN packet's first byte (−dBov, RFC 3389 §3.1). */
  hearComfortNoise(levelByte: u8): void {
    this.noiseRms = comfortNoiseRms(<i32>(levelByte & 0x7f));
  }

  /** Audio resumed: the next pause is silent unless comfort noise says otherwise. */
  endComfortNoise(): void {
    this.noiseRms = 0;
  }

  /** A new stream: silence, the noise generator from its start. */
  reset(): void {
    this.noiseRms = 0;
    this.noise.reset();
  }

  /** Appends `frames` of silence. */
  appendSilence(frames: i32): void {
    const sync = this.sync;
    sync.reserve(frames);
    for (let c = 0; c < sync.channels; c++) memory.fill(sync.ptr(c, sync.endIndex), 0, <usize>frames << 2);
    sync.endIndex += frames;
  }

  /** Appends `frames` of pause: comfort noise at the level the last CN packet gave, else silence. */
  appendPause(frames: i32): void {
    if (this.noiseRms <= 0) {
      this.appendSilence(frames);
      return;
    }
    const sync = this.sync;
    sync.reserve(frames);
    for (let c = 0; c < sync.channels; c++) this.noise.generate(sync.ptr(c, sync.endIndex), frames, this.noiseRms);
    sync.endIndex += frames;
  }
}
