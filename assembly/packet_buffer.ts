// Encoded packets waiting for playout, in slots reserved at create and kept in
// order of their position on the sender's timeline (unwrapped RTP timestamp
// converted to output frames). Payloads stay encoded until their audio is
// needed, so a missing packet is known before the next one is decoded.

/** Slot flag: the packet carried the RTP marker bit (INSERT_FLAG_MARKER of abi.ts). */
export const SLOT_MARKER: i32 = 1;
/** Slot flag: the packet is RFC 3389 comfort noise, no duration of its own (INSERT_FLAG_COMFORT_NOISE of abi.ts). */
export const SLOT_COMFORT_NOISE: i32 = 2;
/** Slot flag: the packet is a codec DTX frame (Opus: 1–2 bytes): a pause follows it. */
export const SLOT_DTX_FRAME: i32 = 4;

/** Fixed-capacity packet store ordered by position. */
export class PacketBuffer {
  readonly slots: i32;
  readonly slotBytes: i32;
  readonly payload: StaticArray<u8>;
  readonly seq: StaticArray<i64>;
  readonly pos: StaticArray<i64>;
  readonly frames: StaticArray<i32>;
  /** Frames of the preceding audio the payload's in-band FEC covers (0: none; negative: used). */
  readonly fecFrames: StaticArray<i32>;
  readonly length: StaticArray<i32>;
  readonly arrival: StaticArray<f64>;
  /** SLOT_* bits. */
  readonly flags: StaticArray<i32>;
  /** Slot ids ordered by position, `count` of them in use. */
  private readonly order: StaticArray<i32>;
  /** Free slot ids, `freeCount` of them. */
  private readonly free: StaticArray<i32>;
  private freeCount: i32;
  count: i32 = 0;

  constructor(slots: i32, slotBytes: i32) {
    this.slots = slots;
    this.slotBytes = slotBytes;
    this.payload = new StaticArray<u8>(slots * slotBytes);
    this.seq = new StaticArray<i64>(slots);
    this.pos = new StaticArray<i64>(slots);
    this.frames = new StaticArray<i32>(slots);
    this.fecFrames = new StaticArray<i32>(slots);
    this.length = new StaticArray<i32>(slots);
    this.arrival = new StaticArray<f64>(slots);
    this.flags = new StaticArray<i32>(slots);
    this.order = new StaticArray<i32>(slots);
    this.free = new StaticArray<i32>(slots);
    this.freeCount = 0;
    this.clear();
  }

  /** Empties the buffer (the caller counts what it discards). */
  clear(): void {
    this.count = 0;
    this.freeCount = this.slots;
    for (let i = 0; i < this.slots; i++) unchecked((this.free[i] = this.slots - 1 - i));
  }

  isFull(): bool {
    return this.count == this.slots;
  }

  /** True when a packet with this unwrapped sequence number is waiting. */
  contains(seq: i64): bool {
    for (let i = 0; i < this.count; i++) {
      if (unchecked(this.seq[this.order[i]]) == seq) return true;
    }
    return false;
  }

  /**
   * Stores a packet (payload copied from `src`) in position order; ties keep
   * sequence order. Returns its slot id, or −1 when the buffer is full.
   */
  insert(seq: i64, pos: i64, frames: i32, fecFrames: i32, arrival: f64, flags: i32, src: usize, length: i32): i32 {
    if (this.count == this.slots) return -1;
    const slot = unchecked(this.free[--this.freeCount]);
    unchecked((this.seq[slot] = seq));
    unchecked((this.pos[slot] = pos));
    unchecked((this.frames[slot] = frames));
    unchecked((this.fecFrames[slot] = fecFrames));
    unchecked((this.length[slot] = length));
    unchecked((this.arrival[slot] = arrival));
    unchecked((this.flags[slot] = flags));
    memory.copy(this.payloadPtr(slot), src, <usize>length);
    // Insertion from the back: packets mostly arrive in order, so this is O(1) then.
    let i = this.count;
    while (i > 0) {
      const before = unchecked(this.order[i - 1]);
      const beforePos = unchecked(this.pos[before]);
      if (beforePos < pos || (beforePos == pos && unchecked(this.seq[before]) < seq)) break;
      unchecked((this.order[i] = before));
      i--;
    }
    unchecked((this.order[i] = slot));
    this.count++;
    return slot;
  }

  /** Slot id of the n-th packet in position order (0 = earliest), or −1. */
  at(n: i32): i32 {
    return n < this.count ? unchecked(this.order[n]) : -1;
  }

  /** True when slot `slot` has flag `flag` (SLOT_*). */
  has(slot: i32, flag: i32): bool {
    return (unchecked(this.flags[slot]) & flag) != 0;
  }

  /** Slot id of the earliest packet, or −1 when empty. */
  first(): i32 {
    return this.at(0);
  }

  /** Removes the earliest packet. */
  removeFirst(): void {
    if (this.count == 0) return;
    unchecked((this.free[this.freeCount++] = this.order[0]));
    for (let i = 1; i < this.count; i++) unchecked((this.order[i - 1] = this.order[i]));
    this.count--;
  }

  /** Address of a slot's payload bytes. */
  payloadPtr(slot: i32): usize {
    return changetype<usize>(this.payload) + <usize>slot * <usize>this.slotBytes;
  }

  /** End position (exclusive) of the latest audio in the buffer, or `fallback` when empty. */
  endPos(fallback: i64): i64 {
    let end = fallback;
    for (let i = 0; i < this.count; i++) {
      const slot = unchecked(this.order[i]);
      const e = unchecked(this.pos[slot]) + <i64>unchecked(this.frames[slot]);
      if (e > end) end = e;
    }
    return end;
  }
}

/**
 * Which of the last `SEEN_WINDOW` sequence numbers have arrived, so a
 * duplicate is told apart from a late packet even after it was played.
 */
export const SEEN_WINDOW: i32 = 4096;

export class SeenSequences {
  private readonly bits: StaticArray<u32> = new StaticArray<u32>(SEEN_WINDOW >> 5);
  private highest: i64 = -1;

  reset(): void {
    for (let i = 0; i < SEEN_WINDOW >> 5; i++) unchecked((this.bits[i] = 0));
    this.highest = -1;
  }

  /** Marks `seq` as received; returns true when it had been received before. */
  markAndCheck(seq: i64): bool {
    if (this.highest >= 0 && seq <= this.highest - <i64>SEEN_WINDOW) return false; // too old to know; the caller sees it as late
    if (seq > this.highest) {
      // Clear the bits of sequence numbers that slide into the window unseen.
      const from = this.highest < 0 ? seq : this.highest + 1;
      const span = seq - from;
      if (span >= <i64>SEEN_WINDOW) {
        for (let i = 0; i < SEEN_WINDOW >> 5; i++) unchecked((this.bits[i] = 0));
      } else {
        for (let s = from; s <= seq; s++) this.setBit(s, false);
      }
      this.highest = seq;
    }
    const seen = this.getBit(seq);
    this.setBit(seq, true);
    return seen;
  }

  private getBit(seq: i64): bool {
    const i = <i32>(seq & <i64>(SEEN_WINDOW - 1));
    return (unchecked(this.bits[i >> 5]) & (1 << (i & 31))) != 0;
  }

  private setBit(seq: i64, on: bool): void {
    const i = <i32>(seq & <i64>(SEEN_WINDOW - 1));
    const word = unchecked(this.bits[i >> 5]);
    const mask: u32 = 1 << (i & 31);
    unchecked((this.bits[i >> 5] = on ? word | mask : word & ~mask));
  }
}
