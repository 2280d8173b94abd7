// PacketRing: a wait-free single-producer single-consumer ring of
// variable-length packet records, the way received packets reach the audio
// thread.
//
// Two uses, one code path:
// - shared: the main thread (or a Worker) writes, the AudioWorklet reads, over
//   a SharedArrayBuffer handed to the worklet in processorOptions;
// - same thread: the worklet's port message handler writes batches into a
//   plain ArrayBuffer ring and process() reads them (see packet_batch.ts).
//
// Buffer layout (one buffer, so one object crosses to the other thread):
//
//   bytes 0..63     producer's control words (Int32): magic, capacity,
//                   write index, overflow count, records written
//   bytes 64..127   consumer's control words (Int32): read index,
//                   oversize count, records read
//   bytes 128..     data area of `capacity` bytes (a multiple of 8) holding
//                   records (record_layout.ts) back to back
//
// Producer and consumer words sit 64 bytes apart, on different cache lines,
// so the two threads' counter updates do not keep stealing one line from each
// other (false sharing).
//
// Ownership, which is what makes the ring wait-free without locks or
// compare-and-swap: the producer alone writes the write index, the overflow
// count, the records-written count and the free part of the data area; the
// consumer alone writes the read index, the oversize and records-read counts.
// Each side only reads the other side's words.
//
// Indices are byte offsets into the data area, always multiples of 8 in
// 0..capacity−1. read == write means empty. The producer never lets the write
// index catch up with the read index from behind: it keeps 8 bytes (one
// alignment unit) free, so "full" never looks like "empty".
//
// A record never splits across the end of the data area. When one does not
// fit before the end, the producer writes a WRAP_MARKER length word where it
// stands and puts the record at byte 0; the consumer, meeting the marker,
// continues at 0. The bytes after the marker are wasted until the consumer
// passes them; at most one record's worth.
//
// Atomics on the control words whether the buffer is shared or not:
// Atomics.load/store accept a non-shared Int32Array, cost a few nanoseconds
// next to copying a payload, and keep one code path, so the same-thread ring
// runs exactly the code the two-thread tests exercise. Record bytes are plain
// typed-array accesses on both sides; the index stores and loads order them.

import { checkPacketFields, checkPayload } from '../engine/packet_fields.js';
import { RECORD_ALIGN_BYTES, RECORD_HEADER_BYTES, WRAP_MARKER, readRecordHeader, recordBytes, recordPayloadBytes, writeRecordHeader, writeWrapMarker } from './record_layout.js';

/** Bytes before the data area: two 64-byte halves of control words. */
export const RING_CONTROL_BYTES = 128;

/** Smallest data area create() accepts: room for a record with a few payload bytes. */
export const RING_MIN_CAPACITY_BYTES = 128;

/** Largest data area: indices and lengths stay positive int32 values. */
export const RING_MAX_CAPACITY_BYTES = 1 << 30;

/** 'JLR1' in ASCII: says a buffer was laid out by this version of PacketRing.create. */
const RING_MAGIC = 0x4a4c5231;

// Control word indices (Int32). Producer's half: words 0..15.
const MAGIC = 0;
const CAPACITY = 1;
const WRITE_INDEX = 2;
const OVERFLOW_COUNT = 3;
const RECORDS_WRITTEN = 4;
// Consumer's half: words 16..31 (byte 64 onwards).
const READ_INDEX = 16;
const OVERSIZE_COUNT = 17;
const RECORDS_READ = 18;

/** The one spare alignment unit that tells full from empty. */
const SPARE_BYTES = RECORD_ALIGN_BYTES;

/** What read() returns when no record is waiting. */
export const READ_EMPTY = -1;
/** What read() returns when it skipped a record longer than the output array. */
export const READ_SKIPPED_OVERSIZE = -2;

/**
 * A single-producer single-consumer ring of packet records over one
 * SharedArrayBuffer (two threads) or ArrayBuffer (one thread).
 *
 * One thread (or one handler) may call write(); one may call read() and
 * discardUnread(); any may read the counters. read() and write() never
 * allocate, never block and never overwrite unread data.
 */
export class PacketRing {
  /** The whole buffer (control words and data): hand it to the other side. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Size of the data area in bytes. */
  readonly capacityBytes: number;
  /** Largest payload write() accepts; larger ones are dropped and counted as overflow. */
  readonly maxPayloadBytes: number;
  /** True when the buffer is a SharedArrayBuffer. */
  readonly isShared: boolean;

  // Views made once here, so that read() and write() allocate nothing.
  private readonly control: Int32Array;
  private readonly words: Int32Array;
  private readonly floats: Float64Array;
  private readonly bytes: Uint8Array;
  /** Largest record (header + payload + padding) that always fits an empty ring. */
  private readonly maxRecordBytes: number;

  /**
   * Allocates a ring with a data area of `capacityBytes` (rounded up to a
   * multiple of 8), shared or not. Allocates: call at setup, not in process().
   */
  static create(capacityBytes: number, shared: boolean): PacketRing {
    if (typeof capacityBytes !== 'number') throw new TypeError(`PacketRing.create: capacityBytes must be a number, got ${typeof capacityBytes}`);
    if (!Number.isInteger(capacityBytes) || capacityBytes < RING_MIN_CAPACITY_BYTES || capacityBytes > RING_MAX_CAPACITY_BYTES) {
      throw new RangeError(`PacketRing.create: capacityBytes must be an integer ${RING_MIN_CAPACITY_BYTES}..${RING_MAX_CAPACITY_BYTES}, got ${capacityBytes}`);
    }
    if (typeof shared !== 'boolean') throw new TypeError(`PacketRing.create: shared must be a boolean, got ${typeof shared}`);
    if (shared && typeof SharedArrayBuffer !== 'function') {
      throw new TypeError('PacketRing.create: SharedArrayBuffer is not available here (a page needs COOP same-origin and COEP require-corp)');
    }
    const capacity = (capacityBytes + RECORD_ALIGN_BYTES - 1) & ~(RECORD_ALIGN_BYTES - 1);
    const total = RING_CONTROL_BYTES + capacity;
    const buffer = shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total);
    // Written before the buffer reaches any other thread: postMessage (or
    // processorOptions) orders these stores before the other side's reads.
    const control = new Int32Array(buffer, 0, RING_CONTROL_BYTES >> 2);
    control[MAGIC] = RING_MAGIC;
    control[CAPACITY] = capacity;
    return new PacketRing(buffer);
  }

  /**
   * Attaches to a buffer made by PacketRing.create (on this or another
   * thread), e.g. the SharedArrayBuffer a worklet receives. Allocates views:
   * call at setup.
   */
  constructor(buffer: ArrayBuffer | SharedArrayBuffer) {
    // Tags rather than instanceof: processorOptions may come from another realm (the polyfill).
    const tag = Object.prototype.toString.call(buffer);
    const isShared = tag === '[object SharedArrayBuffer]';
    if (!isShared && tag !== '[object ArrayBuffer]') throw new TypeError(`PacketRing: expected an ArrayBuffer or SharedArrayBuffer, got ${tag}`);
    if (buffer.byteLength < RING_CONTROL_BYTES + RING_MIN_CAPACITY_BYTES) throw new RangeError(`PacketRing: a ${buffer.byteLength}-byte buffer is too small for a ring`);
    const control = new Int32Array(buffer, 0, RING_CONTROL_BYTES >> 2);
    if (control[MAGIC] !== RING_MAGIC) throw new RangeError('PacketRing: the buffer was not laid out by PacketRing.create');
    const capacity = control[CAPACITY];
    if (capacity !== buffer.byteLength - RING_CONTROL_BYTES || capacity % RECORD_ALIGN_BYTES !== 0) {
      throw new RangeError(`PacketRing: capacity word ${capacity} does not match a ${buffer.byteLength}-byte buffer`);
    }
    this.buffer = buffer;
    this.isShared = isShared;
    this.capacityBytes = capacity;
    this.control = control;
    this.words = new Int32Array(buffer, RING_CONTROL_BYTES, capacity >> 2);
    this.floats = new Float64Array(buffer, RING_CONTROL_BYTES, capacity >> 3);
    this.bytes = new Uint8Array(buffer, RING_CONTROL_BYTES, capacity);
    // Whether a record fits an empty ring depends on where the write index
    // stands (before the end, or after a wrap that must leave the spare
    // bytes). The worst position is mid-ring, where capacity/2 (rounded down
    // to 8) still fits; capping records there makes acceptance depend only
    // on free space, never on position.
    this.maxRecordBytes = (capacity >> 4) << 3;
    this.maxPayloadBytes = this.maxRecordBytes - RECORD_HEADER_BYTES;
  }

  /**
   * Producer: appends one packet. ssrc −1 and arrivalFrame NaN mean absent.
   * Returns false when the ring lacks room (or the payload exceeds
   * maxPayloadBytes): the packet is dropped whole and overflowCount grows.
   * Throws TypeError/RangeError for arguments of the wrong type or range.
   * No allocation.
   */
  write(payload: Uint8Array, sequenceNumber: number, timestamp: number, ssrc: number, marker: boolean, arrivalFrame: number, comfortNoise = false, redundantCopy = false): boolean {
    checkPayload('PacketRing.write', payload);
    return this.writeSpan(payload, 0, payload.length, sequenceNumber, timestamp, ssrc, marker, arrivalFrame, comfortNoise, redundantCopy);
  }

  /**
   * Producer: like write(), with the payload being `payloadBytes` bytes of
   * `source` from `sourceOffset` (for transports that hold several payloads
   * in one array, such as a batch). No allocation.
   */
  writeSpan(
    source: Uint8Array,
    sourceOffset: number,
    payloadBytes: number,
    sequenceNumber: number,
    timestamp: number,
    ssrc: number,
    marker: boolean,
    arrivalFrame: number,
    comfortNoise = false,
    redundantCopy = false,
  ): boolean {
    checkPayload('PacketRing.writeSpan', source);
    if (!Number.isInteger(sourceOffset) || !Number.isInteger(payloadBytes) || sourceOffset < 0 || payloadBytes < 0 || sourceOffset + payloadBytes > source.length) {
      throw new RangeError(`PacketRing.writeSpan: bytes ${sourceOffset}..${sourceOffset + payloadBytes} are not inside a ${source.length}-byte source`);
    }
    checkPacketFields('PacketRing.write', sequenceNumber, timestamp, ssrc, marker, arrivalFrame);

    const control = this.control;
    const capacity = this.capacityBytes;
    const need = recordBytes(payloadBytes);
    if (need > this.maxRecordBytes) return this.countOverflow();

    // Our own index: a plain read is enough, no other thread writes it.
    const writeIndex = control[WRITE_INDEX];
    // The consumer's index. The atomic load pairs with the consumer's
    // Atomics.store after it finished copying a record out: once we see the
    // new read index, the consumer is done with the bytes before it, and we
    // may overwrite them.
    const readIndex = Atomics.load(control, READ_INDEX);
    // Bytes we may write, going forward from writeIndex, stopping SPARE_BYTES
    // short of readIndex. readIndex − writeIndex − SPARE ≥ −capacity, so one
    // +capacity makes it non-negative.
    const free = (readIndex - writeIndex - SPARE_BYTES + capacity) % capacity;
    const roomToEnd = capacity - writeIndex;

    let at: number;
    if (need <= roomToEnd) {
      if (need > free) return this.countOverflow();
      at = writeIndex;
    } else {
      // The record goes at 0 and the tail after writeIndex is given up.
      if (roomToEnd + need > free) return this.countOverflow();
      // roomToEnd ≥ 8 (both ends are multiples of 8), so the marker word fits.
      writeWrapMarker(this.words, writeIndex);
      at = 0;
    }

    const serial = control[RECORDS_WRITTEN];
    writeRecordHeader(this.words, this.floats, at, payloadBytes, serial, sequenceNumber, timestamp, ssrc, marker, arrivalFrame, comfortNoise, redundantCopy);
    const bytes = this.bytes;
    const payloadAt = at + RECORD_HEADER_BYTES;
    if (sourceOffset === 0 && payloadBytes === source.length) {
      bytes.set(source, payloadAt); // a whole array: one memcpy, no view needed
    } else {
      for (let i = 0; i < payloadBytes; i++) bytes[payloadAt + i] = source[sourceOffset + i];
    }

    let next = at + need;
    if (next === capacity) next = 0;
    Atomics.store(control, RECORDS_WRITTEN, (serial + 1) | 0);
    // Publication. Every byte of the record (and the wrap marker) was written
    // above with plain stores; this sequentially consistent store comes after
    // them in program order, and the consumer's Atomics.load that sees the
    // new value happens-after it, so the consumer sees the finished record,
    // never a torn one.
    Atomics.store(control, WRITE_INDEX, next);
    return true;
  }

  /**
   * Consumer: moves the oldest record's payload into `payloadOut` (from index
   * 0) and its fields into `header` (HEADER_* indices, HEADER_FIELDS long).
   * Returns the payload length; READ_EMPTY (−1) when nothing is waiting
   * (header untouched); READ_SKIPPED_OVERSIZE (−2) when the payload is longer
   * than `payloadOut`: the record is consumed and counted, `header` holds its
   * fields, `payloadOut` is untouched. Never throws, never allocates: for the
   * audio thread. Argument types are not checked here (the TypeScript types
   * carry the contract), because the audio thread must not throw.
   * `payloadWordsOut`, when given, is the same memory as `payloadOut` seen as
   * 32-bit words (payloadOut's byteOffset a multiple of 4): the payload is
   * then copied a word at a time, four times fewer steps (a 20 ms PCM16
   * packet is 1920 bytes, and the byte loop was a third of a group stream's
   * quantum).
   */
  read(payloadOut: Uint8Array, header: Float64Array, payloadWordsOut?: Int32Array): number {
    const control = this.control;
    // Pairs with the producer's publishing store: once we see this write
    // index, every record before it is completely written.
    const writeIndex = Atomics.load(control, WRITE_INDEX);
    // Our own index: a plain read is enough.
    let at = control[READ_INDEX];
    if (at === writeIndex) return READ_EMPTY;

    // A wrap marker is published together with the record the producer then
    // put at 0, so a record is waiting there. (The producer cannot be back at
    // 0 again: it would have had to pass this very slot.)
    if (recordPayloadBytes(this.words, at) === WRAP_MARKER) at = 0;

    const payloadBytes = readRecordHeader(this.words, this.floats, at, header);
    let next = at + recordBytes(payloadBytes);
    if (next === this.capacityBytes) next = 0;

    let result = payloadBytes;
    if (payloadBytes > payloadOut.length) {
      Atomics.store(control, OVERSIZE_COUNT, (control[OVERSIZE_COUNT] + 1) | 0);
      result = READ_SKIPPED_OVERSIZE;
    } else {
      // Loops: subarray() + set() would allocate a view per packet. Records start on 8-byte
      // boundaries and their header is 32 bytes, so the payload is word-aligned here.
      const bytes = this.bytes;
      const payloadAt = at + RECORD_HEADER_BYTES;
      let i = 0;
      if (payloadWordsOut !== undefined) {
        const words = this.words;
        const from = payloadAt >> 2;
        const whole = payloadBytes >> 2;
        for (let w = 0; w < whole; w++) payloadWordsOut[w] = words[from + w];
        i = whole << 2;
      }
      for (; i < payloadBytes; i++) payloadOut[i] = bytes[payloadAt + i];
    }

    Atomics.store(control, RECORDS_READ, (control[RECORDS_READ] + 1) | 0);
    // Release the record. All our reads of it happened before this store in
    // program order; the producer's Atomics.load that sees the new read index
    // happens-after it, so the producer cannot overwrite bytes we still read.
    Atomics.store(control, READ_INDEX, next);
    return result;
  }

  /**
   * Consumer only: drops every record published so far (as if read), e.g.
   * when the engine resets. Safe while the producer keeps writing: it moves
   * the read index exactly as read() would, only further. Resetting both
   * indices to 0 is not offered: the producer owns the write index, and
   * moving it from this side would race with a write in progress. Counters
   * are not cleared (each has one writer); take differences instead.
   * No allocation.
   */
  discardUnread(): void {
    Atomics.store(this.control, READ_INDEX, Atomics.load(this.control, WRITE_INDEX));
  }

  /**
   * Bytes of the data area holding unread records (padding and wrap tail
   * included): a snapshot, exact only on the consumer's thread, where it can
   * only grow until the next read.
   */
  unreadBytes(): number {
    const writeIndex = Atomics.load(this.control, WRITE_INDEX);
    const readIndex = Atomics.load(this.control, READ_INDEX);
    return (writeIndex - readIndex + this.capacityBytes) % this.capacityBytes;
  }

  /** Packets write() dropped for lack of room (or size), mod 2^32. */
  get overflowCount(): number {
    return Atomics.load(this.control, OVERFLOW_COUNT) >>> 0;
  }

  /** Records read() skipped because they did not fit its output array, mod 2^32. */
  get oversizeCount(): number {
    return Atomics.load(this.control, OVERSIZE_COUNT) >>> 0;
  }

  /** Records accepted by write(), mod 2^32 (the next record's serial). */
  get recordsWritten(): number {
    return Atomics.load(this.control, RECORDS_WRITTEN) >>> 0;
  }

  /** Records consumed by read(), skipped ones included, mod 2^32. */
  get recordsRead(): number {
    return Atomics.load(this.control, RECORDS_READ) >>> 0;
  }

  private countOverflow(): false {
    // Producer-owned word: load + store cannot lose an update, no one else writes it.
    Atomics.store(this.control, OVERFLOW_COUNT, (this.control[OVERFLOW_COUNT] + 1) | 0);
    return false;
  }
}
