// Where the packets of a framed chunk stream (Opus) lie in the chunk store:
// each chunk is one packet of its own length and duration, so the store's
// bytes alone do not say where one ends or how long it plays. A fixed ring of
// (bytes, frames) records beside the byte store, sized at create: recording
// and reading never allocate.

import { JitterlaneError } from '../engine/errors.js';

/** A fixed ring of packet records, oldest first. */
export class ChunkPackets {
  private readonly bytes: Int32Array;
  private readonly frames: Int32Array;
  private head = 0;
  private count = 0;
  /** Engine frames of the packets waiting. */
  private waitingFrames = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new JitterlaneError(`ChunkPackets: capacity must be a positive integer, got ${capacity}`);
    this.bytes = new Int32Array(capacity);
    this.frames = new Int32Array(capacity);
  }

  /** Packets waiting. */
  get waiting(): number {
    return this.count;
  }

  /** Engine frames the waiting packets play. */
  get framesWaiting(): number {
    return this.waitingFrames;
  }

  get full(): boolean {
    return this.count === this.bytes.length;
  }

  /** Records a packet appended to the store; throws JitterlaneError when the ring is full (check `full` first). */
  push(bytes: number, frames: number): void {
    if (this.full) throw new JitterlaneError(`more than ${this.bytes.length} packets wait to play (create the player with a larger storeSeconds)`);
    const at = (this.head + this.count) % this.bytes.length;
    this.bytes[at] = bytes;
    this.frames[at] = frames;
    this.count++;
    this.waitingFrames += frames;
  }

  /** Bytes of the oldest waiting packet (0 when none waits). */
  get nextBytes(): number {
    return this.count > 0 ? this.bytes[this.head] : 0;
  }

  /** Engine frames of the oldest waiting packet (0 when none waits). */
  get nextFrames(): number {
    return this.count > 0 ? this.frames[this.head] : 0;
  }

  /** Forgets the oldest waiting packet (it was read from the store). */
  shift(): void {
    if (this.count === 0) return;
    this.waitingFrames -= this.frames[this.head];
    this.head = (this.head + 1) % this.bytes.length;
    this.count--;
  }

  /** Forgets every waiting packet (the store dropped them). */
  clear(): void {
    this.head = 0;
    this.count = 0;
    this.waitingFrames = 0;
  }
}
