// The store for audio that arrives ahead of real time: AI-voice servers send
// a response's first seconds in a burst, far faster than it plays. Chunks are
// appended as they come (bytes in the stream's own encoding) and read back a
// packet at a time as playout needs them, so the jitter buffer never sees a
// burst as jitter and never overflows. A fixed byte ring, sized by duration
// at create: appending never allocates, reading never allocates.

import { JitterlaneError } from '../engine/errors.js';

/** A fixed ring of bytes: written at the tail, read from the head; positions count bytes since create. */
export class ChunkStore {
  private readonly bytes: Uint8Array;
  /** Bytes ever written and ever read (absolute positions; the ring index is position mod capacity). */
  private written = 0;
  private read = 0;

  constructor(capacityBytes: number) {
    if (!Number.isInteger(capacityBytes) || capacityBytes <= 0) throw new JitterlaneError(`ChunkStore: capacity must be a positive integer of bytes, got ${capacityBytes}`);
    this.bytes = new Uint8Array(capacityBytes);
  }

  get capacity(): number {
    return this.bytes.length;
  }

  /** Bytes waiting to be read. */
  get available(): number {
    return this.written - this.read;
  }

  /** Absolute position of the next byte written (the end of what was appended). */
  get writePosition(): number {
    return this.written;
  }

  /** Absolute position of the next byte read. */
  get readPosition(): number {
    return this.read;
  }

  /** Appends `chunk`; throws JitterlaneError, appending nothing, when it does not fit. */
  append(chunk: Uint8Array): void {
    if (chunk.length > this.bytes.length - this.available) {
      throw new JitterlaneError(`the chunk store is full: ${this.available} of ${this.bytes.length} bytes wait to play, and a ${chunk.length}-byte chunk does not fit (create the player with a larger storeSeconds)`);
    }
    const cap = this.bytes.length;
    const at = this.written % cap;
    const first = Math.min(chunk.length, cap - at);
    this.bytes.set(chunk.subarray(0, first), at);
    if (first < chunk.length) this.bytes.set(chunk.subarray(first), 0);
    this.written += chunk.length;
  }

  /** Reads `length` bytes into `out` (from its start), fewer if fewer wait; returns how many. No allocation. */
  readInto(out: Uint8Array, length: number): number {
    const n = Math.min(length, this.available, out.length);
    const cap = this.bytes.length;
    const at = this.read % cap;
    // Two plain spans (to the ring's end, then from its start): TypedArray.set would need a
    // subarray view, an allocation; a wrap test per byte cost 3 ns a byte (the chunk bench).
    const first = Math.min(n, cap - at);
    const bytes = this.bytes;
    for (let i = 0; i < first; i++) out[i] = bytes[at + i];
    for (let i = first; i < n; i++) out[i] = bytes[i - first];
    this.read += n;
    return n;
  }

  /** Drops what waits before absolute position `position` (or everything): a cleared or interrupted response. */
  discardTo(position = this.written): number {
    const to = Math.min(Math.max(position, this.read), this.written);
    const dropped = to - this.read;
    this.read = to;
    return dropped;
  }
}
