// Decoded audio between the decoder and the output: per channel, a linear
// store holding some already-played history (concealment and stretching read
// it) followed by audio not yet played. Operations write in place; the store is
// compacted when its end nears capacity, never reallocated.

export class SyncBuffer {
  readonly channels: i32;
  readonly capacity: i32;
  /** Frames of played audio kept before the play point. */
  readonly historyFrames: i32;
  readonly data: StaticArray<f32>;
  /** Index of the next frame to emit. */
  playIndex: i32;
  /** Index one past the last valid frame. */
  endIndex: i32;

  constructor(channels: i32, capacity: i32, historyFrames: i32) {
    this.channels = channels;
    this.capacity = capacity;
    this.historyFrames = historyFrames;
    this.data = new StaticArray<f32>(channels * capacity);
    this.playIndex = historyFrames;
    this.endIndex = historyFrames;
  }

  /** Address of frame `index` of channel `channel`. */
  ptr(channel: i32, index: i32): usize {
    return changetype<usize>(this.data) + (<usize>(channel * this.capacity + index) << 2);
  }

  /** Frames decoded or synthesised but not yet emitted. */
  unplayed(): i32 {
    return this.endIndex - this.playIndex;
  }

  /**
   * Makes room for `frames` more frames after endIndex, moving history and
   * unplayed audio to the front when needed. False when they cannot fit.
   */
  reserve(frames: i32): bool {
    if (this.endIndex + frames <= this.capacity) return true;
    const keepFrom = this.playIndex - this.historyFrames;
    const keep = this.endIndex - keepFrom;
    if (keep + frames > this.capacity) return false;
    for (let c = 0; c < this.channels; c++) {
      memory.copy(this.ptr(c, 0), this.ptr(c, keepFrom), <usize>keep << 2);
    }
    this.playIndex -= keepFrom;
    this.endIndex -= keepFrom;
    return true;
  }

  /** Copies n frames per channel from the play point to `out` (planar, `stride` floats per channel) and advances. */
  emit(out: usize, stride: i32, n: i32): void {
    for (let c = 0; c < this.channels; c++) {
      memory.copy(out + (<usize>(c * stride) << 2), this.ptr(c, this.playIndex), <usize>n << 2);
    }
    this.playIndex += n;
  }

  /** Removes `frames` frames starting at `index` (all channels), closing the gap. */
  removeAt(index: i32, frames: i32): void {
    for (let c = 0; c < this.channels; c++) {
      memory.copy(this.ptr(c, index), this.ptr(c, index + frames), <usize>(this.endIndex - index - frames) << 2);
    }
    this.endIndex -= frames;
  }
}
