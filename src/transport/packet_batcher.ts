// PacketBatcher: the main-thread side of the port fallback. A page that
// receives several packets in one task (a burst off a WebSocket or a
// data channel) would otherwise pay one postMessage, one structured clone and
// one worklet task per packet; coalescing per microtask makes it one of each,
// while adding no delay a render quantum could notice (the flush runs before
// the task that pushed returns to the event loop).

import { encodeBatch, type TransportPacket } from './packet_batch.js';
import { checkPacketFields, checkPayload } from '../engine/packet_fields.js';

/** Sends a batch to the worklet, e.g. `(batch, transfer) => port.postMessage({ type: 'packets', batch }, transfer)`. */
export type BatchPoster = (batch: ArrayBuffer, transfer: ArrayBuffer[]) => void;

/** Runs a task later; the default is queueMicrotask. Injectable so tests decide when flushes happen. */
export type FlushScheduler = (task: () => void) => void;

/**
 * Collects pushed packets and posts them as one batch per microtask (or per
 * whatever `schedule` runs), transferring the batch's buffer. Allocates (a
 * payload copy per push, a batch per flush): main thread only.
 */
export class PacketBatcher {
  private pending: TransportPacket[] = [];
  private flushScheduled = false;
  private readonly post: BatchPoster;
  private readonly schedule: FlushScheduler;
  // Bound once, so scheduling a flush does not make a closure per batch.
  private readonly runScheduledFlush = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(post: BatchPoster, schedule: FlushScheduler = (task) => queueMicrotask(task)) {
    if (typeof post !== 'function') throw new TypeError('PacketBatcher: post must be a function');
    if (typeof schedule !== 'function') throw new TypeError('PacketBatcher: schedule must be a function');
    this.post = post;
    this.schedule = schedule;
  }

  /**
   * Queues one packet (ssrc −1 and arrivalFrame NaN mean absent) and makes
   * sure a flush is scheduled. The payload is copied, so the caller may reuse
   * its array at once. Throws TypeError/RangeError for arguments of the wrong
   * type or range, here rather than at the flush, where no caller would see it.
   */
  push(payload: Uint8Array, sequenceNumber: number, timestamp: number, ssrc = -1, marker = false, arrivalFrame = Number.NaN, comfortNoise = false): void {
    checkPayload('PacketBatcher.push', payload);
    checkPacketFields('PacketBatcher.push', sequenceNumber, timestamp, ssrc, marker, arrivalFrame);
    this.pending.push({ payload: payload.slice(), sequenceNumber, timestamp, ssrc, marker, arrivalFrame, comfortNoise });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.schedule(this.runScheduledFlush);
    }
  }

  /** Posts what is pending now, if anything (a scheduled flush then finds nothing to do). */
  flush(): void {
    if (this.pending.length === 0) return;
    const packets = this.pending;
    this.pending = [];
    const batch = encodeBatch(packets);
    this.post(batch, [batch]);
  }

  /** Packets pushed and not yet posted. */
  get pendingCount(): number {
    return this.pending.length;
  }
}
