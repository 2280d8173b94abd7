// The interface through which the engine asks the host to decode: any codec
// the engine has no built-in decoder for (Opus through libopus, or an app's
// own). It sits beside the codecs, not in the engine, so a codec implements it
// without importing the engine, and the engine imports codecs, never the
// other way.

/**
 * Engine memory as a host codec sees it: two views of the same buffer, so a
 * codec reads payload bytes and writes planar float output in place. The views
 * are replaced only when the memory grows (while engines are created).
 */
export interface EngineHeap {
  u8: Uint8Array;
  f32: Float32Array;
}

/**
 * A codec the host decodes (Opus and others). Calls come synchronously from
 * inside pull() on the audio thread: they must not allocate, and they take
 * numbers only. `payload` is a byte offset into `heap.u8`; `out` is the float
 * index of channel 0's first output sample in `heap.f32`, channel c starting
 * at `out + c * stride`. Output is 48 kHz. A throw is caught and counted as a
 * decoder error (decode) or as no result (the others), never propagated.
 */
export interface HostCodec {
  /** Decodes one payload; returns frames per channel, or < 0 on error. */
  decode(heap: EngineHeap, payload: number, length: number, out: number, stride: number): number;
  /**
   * The codec's own concealment: writes at least `frames` frames, at most
   * `frames` + CONCEAL_SLACK_FRAMES (960: codecs conceal in steps; assembly/abi.ts),
   * and returns how many; 0 when it has none.
   */
  conceal?(heap: EngineHeap, out: number, frames: number, stride: number): number;
  /** Frames of the preceding audio this payload's in-band FEC covers; 0 when it carries none. */
  fecFrames?(heap: EngineHeap, payload: number, length: number): number;
  /** Writes exactly `frames` frames of the preceding audio recovered from this payload's in-band FEC; returns `frames`, or 0. */
  decodeFec?(heap: EngineHeap, payload: number, length: number, out: number, frames: number, stride: number): number;
  /** Frames (48 kHz, per channel) the payload decodes to; ≤ 0 when it is not a valid payload. */
  duration(heap: EngineHeap, payload: number, length: number): number;
  /** The stream changed: forget decoder state. */
  reset?(): void;
  /** A concealment starts: keep the decoder state as it is, for rollBack(). No allocation (the audio thread calls it). */
  checkpoint?(): void;
  /**
   * The concealment stood in for no audio (the packet it waited for came late):
   * return the decoder state to the last checkpoint, if it has one.
   */
  rollBack?(): void;
}
