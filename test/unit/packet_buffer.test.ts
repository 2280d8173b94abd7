// Checks assembly/packet_buffer.ts: PacketBuffer keeps waiting packets in
// position order whatever order they arrive in, finds them by sequence
// number, refuses when full and reuses freed slots; SeenSequences tells a
// duplicate from a first arrival inside its window as the window slides, and
// forgets on reset.

import { beforeEach, describe, expect, it } from 'vitest';
import { loadDspModule, type DspModule } from '../helpers/dsp_module.js';
import { seededRandom as random } from '../helpers/engine_stream.js';

// 20 ms packets at 48 kHz.
const PACKET_FRAMES = 960;
// Unwrapped sequence numbers start at 65 536 (assembly/wrap.ts).
const FIRST_SEQ = 65_536;
const SLOT_BYTES = 16;

let dsp: DspModule;

beforeEach(async () => {
  dsp = await loadDspModule();
});

function shuffled<T>(items: T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Inserts packet k (sequence FIRST_SEQ + k at position k · PACKET_FRAMES) with a payload of byte k repeated; returns its slot. */
function insertPacket(buffer: number, k: number, pos = k * PACKET_FRAMES): number {
  const payload = dsp.scratch;
  dsp.u8.fill(k & 0xff, payload, payload + SLOT_BYTES);
  return dsp.exports.packetBufferInsert(buffer, BigInt(FIRST_SEQ + k), BigInt(pos), PACKET_FRAMES, k * 20, payload, SLOT_BYTES);
}

/** Positions of the waiting packets, earliest first, as at() lists them. */
function positions(buffer: number): number[] {
  const out: number[] = [];
  for (let n = 0; n < dsp.exports.packetBufferCount(buffer); n++) {
    out.push(Number(dsp.exports.packetBufferPos(buffer, dsp.exports.packetBufferAt(buffer, n))));
  }
  return out;
}

function firstSeq(buffer: number): number {
  return Number(dsp.exports.packetBufferSeq(buffer, dsp.exports.packetBufferFirst(buffer)));
}

describe('PacketBuffer', () => {
  it('keeps position order when 50 packets arrive shuffled', () => {
    const buffer = dsp.exports.packetBufferCreate(64, SLOT_BYTES);
    const order = shuffled([...Array(50).keys()], random(1));
    for (const k of order) expect(insertPacket(buffer, k)).toBeGreaterThanOrEqual(0);
    expect(positions(buffer)).toEqual([...Array(50).keys()].map((k) => k * PACKET_FRAMES));
  });

  it('hands packets out earliest first through first() and removeFirst()', () => {
    const buffer = dsp.exports.packetBufferCreate(64, SLOT_BYTES);
    for (const k of [3, 0, 4, 1, 2]) insertPacket(buffer, k);
    const seen: number[] = [];
    while (dsp.exports.packetBufferCount(buffer) > 0) {
      seen.push(firstSeq(buffer) - FIRST_SEQ);
      dsp.exports.packetBufferRemoveFirst(buffer);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(dsp.exports.packetBufferFirst(buffer)).toBe(-1);
  });

  it('keeps sequence order between packets at the same position', () => {
    const buffer = dsp.exports.packetBufferCreate(8, SLOT_BYTES);
    insertPacket(buffer, 7, 0);
    insertPacket(buffer, 5, 0);
    insertPacket(buffer, 6, 0);
    const seqs = [0, 1, 2].map((n) => Number(dsp.exports.packetBufferSeq(buffer, dsp.exports.packetBufferAt(buffer, n))) - FIRST_SEQ);
    expect(seqs).toEqual([5, 6, 7]);
  });

  it('copies the payload into the slot', () => {
    const buffer = dsp.exports.packetBufferCreate(8, SLOT_BYTES);
    const slot = insertPacket(buffer, 42);
    // The source is overwritten after the insert; the slot keeps its copy.
    dsp.u8.fill(0, dsp.scratch, dsp.scratch + SLOT_BYTES);
    const at = dsp.exports.packetBufferPayload(buffer, slot);
    expect(dsp.exports.packetBufferLength(buffer, slot)).toBe(SLOT_BYTES);
    expect([...dsp.u8.subarray(at, at + SLOT_BYTES)]).toEqual(Array(SLOT_BYTES).fill(42));
  });

  it('finds waiting sequence numbers, and not removed or never-inserted ones', () => {
    const buffer = dsp.exports.packetBufferCreate(8, SLOT_BYTES);
    for (const k of [0, 1, 2, 4]) insertPacket(buffer, k);
    dsp.exports.packetBufferRemoveFirst(buffer);
    const contains = (k: number) => dsp.exports.packetBufferContains(buffer, BigInt(FIRST_SEQ + k));
    expect([contains(1), contains(2), contains(4)]).toEqual([1, 1, 1]);
    expect(contains(0)).toBe(0);
    expect(contains(3)).toBe(0);
  });

  it('refuses a packet when full, and takes one again once a slot is freed', () => {
    const slots = 8;
    const buffer = dsp.exports.packetBufferCreate(slots, SLOT_BYTES);
    for (let k = 0; k < slots; k++) expect(insertPacket(buffer, k)).toBeGreaterThanOrEqual(0);
    expect(dsp.exports.packetBufferIsFull(buffer)).toBe(1);
    expect(insertPacket(buffer, slots)).toBe(-1);
    expect(dsp.exports.packetBufferCount(buffer)).toBe(slots);
    expect(dsp.exports.packetBufferContains(buffer, BigInt(FIRST_SEQ + slots))).toBe(0);

    const freed = dsp.exports.packetBufferFirst(buffer);
    dsp.exports.packetBufferRemoveFirst(buffer);
    expect(dsp.exports.packetBufferIsFull(buffer)).toBe(0);
    // The one free slot is the one just freed.
    expect(insertPacket(buffer, slots)).toBe(freed);
    expect(dsp.exports.packetBufferIsFull(buffer)).toBe(1);
  });

  it('empties on clear and then holds a full set again', () => {
    const slots = 8;
    const buffer = dsp.exports.packetBufferCreate(slots, SLOT_BYTES);
    for (let k = 0; k < slots; k++) insertPacket(buffer, k);
    dsp.exports.packetBufferClear(buffer);
    expect(dsp.exports.packetBufferCount(buffer)).toBe(0);
    expect(dsp.exports.packetBufferFirst(buffer)).toBe(-1);
    for (let k = 0; k < slots; k++) expect(insertPacket(buffer, slots + k)).toBeGreaterThanOrEqual(0);
    expect(positions(buffer)).toEqual([...Array(slots).keys()].map((k) => (slots + k) * PACKET_FRAMES));
  });

  it('reports the end of the latest audio, or the fallback when empty', () => {
    const buffer = dsp.exports.packetBufferCreate(8, SLOT_BYTES);
    expect(dsp.exports.packetBufferEndPos(buffer, 123n)).toBe(123n);
    for (const k of [2, 5, 3]) insertPacket(buffer, k);
    // Packet 5 starts at 5 · 960 and lasts 960 frames.
    expect(dsp.exports.packetBufferEndPos(buffer, 0n)).toBe(BigInt(6 * PACKET_FRAMES));
  });

  it('stays in order through 5000 random inserts and removals (checked against a sorted list)', () => {
    const slots = 32;
    const buffer = dsp.exports.packetBufferCreate(slots, SLOT_BYTES);
    const next = random(2024);
    const model: number[] = [];
    let k = 0;
    for (let step = 0; step < 5000; step++) {
      if (next() < 0.55) {
        // Positions jump about, as reordered and late packets do.
        const pos = Math.floor(next() * 1000) * PACKET_FRAMES;
        const slot = insertPacket(buffer, k++, pos);
        if (model.length === slots) {
          expect(slot).toBe(-1);
        } else {
          expect(slot).toBeGreaterThanOrEqual(0);
          model.push(pos);
          model.sort((a, b) => a - b);
        }
      } else {
        dsp.exports.packetBufferRemoveFirst(buffer);
        model.shift();
      }
      expect(positions(buffer)).toEqual(model);
    }
  });
});

describe('SeenSequences', () => {
  const window = () => dsp.exports.SEEN_WINDOW.value as number;
  const mark = (set: number, seq: number) => dsp.exports.seenMarkAndCheck(set, BigInt(seq));

  it('has a window of 4096 sequence numbers', () => {
    // SEEN_WINDOW: over a minute of 20 ms packets, the span the tests below slide across.
    expect(window()).toBe(4096);
  });

  it('flags a sequence number the second time, not the first', () => {
    const set = dsp.exports.seenCreate();
    expect(mark(set, FIRST_SEQ)).toBe(0);
    expect(mark(set, FIRST_SEQ)).toBe(1);
  });

  it('does not flag a late packet that had not arrived before', () => {
    const set = dsp.exports.seenCreate();
    for (const k of [0, 1, 3, 4]) mark(set, FIRST_SEQ + k);
    expect(mark(set, FIRST_SEQ + 2)).toBe(0);
    expect(mark(set, FIRST_SEQ + 2)).toBe(1);
  });

  it('still flags duplicates from inside the window after it slid forward', () => {
    const set = dsp.exports.seenCreate();
    for (let k = 0; k < 100; k++) mark(set, FIRST_SEQ + k);
    // Jump 4000 ahead: numbers 5..99 are still within the last 4096.
    expect(mark(set, FIRST_SEQ + 4100)).toBe(0);
    expect(mark(set, FIRST_SEQ + 50)).toBe(1);
    expect(mark(set, FIRST_SEQ + 99)).toBe(1);
  });

  it('does not mistake a new number for an old one that shared its bit', () => {
    const set = dsp.exports.seenCreate();
    for (let k = 0; k < 100; k++) mark(set, FIRST_SEQ + k);
    mark(set, FIRST_SEQ + 4100);
    // 4096 + 10 shares a bit with 10, which was seen; it is new all the same.
    expect(mark(set, FIRST_SEQ + 4096 + 10)).toBe(0);
    // One step at a time across a whole window: every number is new the first time.
    const set2 = dsp.exports.seenCreate();
    let flagged = 0;
    for (let k = 0; k < 3 * window(); k++) flagged += mark(set2, FIRST_SEQ + k);
    expect(flagged).toBe(0);
  });

  it('answers "not seen" for a number older than the window, which the caller treats as late', () => {
    const set = dsp.exports.seenCreate();
    mark(set, FIRST_SEQ);
    mark(set, FIRST_SEQ + window());
    // FIRST_SEQ is now exactly one window behind the newest: too old to know.
    expect(mark(set, FIRST_SEQ)).toBe(0);
  });

  it('forgets everything on reset', () => {
    const set = dsp.exports.seenCreate();
    for (let k = 0; k < 10; k++) mark(set, FIRST_SEQ + k);
    dsp.exports.seenReset(set);
    for (let k = 0; k < 10; k++) expect(mark(set, FIRST_SEQ + k)).toBe(0);
  });
});
