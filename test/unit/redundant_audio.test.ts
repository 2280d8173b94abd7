// RFC 2198 redundant audio as Chromium sends it (audio/red, one copy of the
// previous frame): the parser splits the blocks, the splitter passes copies on
// only where their packets did not come.

import { describe, expect, it } from 'vitest';
import { parseRedundantAudio, RedundantAudioSplitter } from '../../src/rtp/redundant_audio.js';

const OPUS = 111;

/** A RED payload: `copies` (oldest first, with their timestamp offsets), then the primary. */
function red(copies: { offset: number; bytes: number[] }[], primary: number[]): Uint8Array {
  const header: number[] = [];
  for (const c of copies) header.push(0x80 | OPUS, c.offset >> 6, ((c.offset & 0x3f) << 2) | (c.bytes.length >> 8), c.bytes.length & 0xff);
  header.push(OPUS);
  return new Uint8Array([...header, ...copies.flatMap((c) => c.bytes), ...primary]);
}

describe('parseRedundantAudio', () => {
  it('reads a primary alone (the first packet of a call: no earlier frame to copy)', () => {
    const parsed = parseRedundantAudio(red([], [1, 2, 3]))!;
    expect(parsed.redundant).toEqual([]);
    expect(parsed.primary).toEqual({ payloadType: OPUS, timestampOffset: 0, payload: new Uint8Array([1, 2, 3]) });
  });

  it('reads the copies with their offsets and lengths, then the primary', () => {
    const parsed = parseRedundantAudio(red([{ offset: 1920, bytes: [7] }, { offset: 960, bytes: [8, 9] }], [4, 5]))!;
    expect(parsed.redundant.map((b) => [b.payloadType, b.timestampOffset, [...b.payload]])).toEqual([
      [OPUS, 1920, [7]],
      [OPUS, 960, [8, 9]],
    ]);
    expect([...parsed.primary.payload]).toEqual([4, 5]);
  });

  it('reads the bytes Chromium 156 sent (a 100-byte copy 960 ticks back)', () => {
    const copy = Array.from({ length: 100 }, (_, i) => i);
    const payload = new Uint8Array([239, 15, 0, 100, 111, ...copy, 42, 43]);
    const parsed = parseRedundantAudio(payload)!;
    expect(parsed.redundant[0]!.timestampOffset).toBe(960);
    expect(parsed.redundant[0]!.payload.length).toBe(100);
    expect([...parsed.primary.payload]).toEqual([42, 43]);
  });

  it.each([
    { when: 'it is empty', payload: [] },
    { when: 'a redundant header is cut short', payload: [0x80 | OPUS, 15, 0] },
    { when: 'there is no primary header', payload: [0x80 | OPUS, 15, 0, 0] },
    { when: 'a copy is longer than the payload', payload: [0x80 | OPUS, 15, 0, 50, OPUS, 1, 2] },
    { when: 'the primary is empty', payload: [0x80 | OPUS, 15, 0, 1, OPUS, 9] },
  ])('refuses a payload when $when', ({ payload }) => {
    expect(parseRedundantAudio(new Uint8Array(payload))).toBeNull();
  });
});

describe('RedundantAudioSplitter', () => {
  const SSRC = 7;
  const packet = (seq: number) => red([{ offset: 960, bytes: [seq - 1] }], [seq]);

  it('passes only the primary while no packet is missing', () => {
    const splitter = new RedundantAudioSplitter();
    for (let seq = 10; seq < 15; seq++) {
      const frames = splitter.split(packet(seq), seq, seq * 960, SSRC)!;
      expect(frames.map((f) => [f.sequenceNumber, f.recovered])).toEqual([[seq, false]]);
    }
  });

  it('passes the copy of a lost packet, in sequence order before the primary, at its own timestamp', () => {
    const splitter = new RedundantAudioSplitter();
    splitter.split(packet(10), 10, 9600, SSRC);
    const frames = splitter.split(packet(12), 12, 11520, SSRC)!;
    expect(frames.map((f) => ({ seq: f.sequenceNumber, ts: f.timestamp, bytes: [...f.payload], recovered: f.recovered }))).toEqual([
      { seq: 11, ts: 10560, bytes: [11], recovered: true },
      { seq: 12, ts: 11520, bytes: [12], recovered: false },
    ]);
  });

  it('passes no copy of a packet older than the last one (a reordered packet: its frame already came)', () => {
    const splitter = new RedundantAudioSplitter();
    splitter.split(packet(10), 10, 9600, SSRC);
    splitter.split(packet(12), 12, 11520, SSRC);
    const late = splitter.split(packet(11), 11, 10560, SSRC)!;
    expect(late.map((f) => f.sequenceNumber)).toEqual([11]);
  });

  it('starts over on a new SSRC and across the sequence wrap', () => {
    const splitter = new RedundantAudioSplitter();
    splitter.split(packet(0xfffe), 0xfffe, 0, SSRC);
    expect(splitter.split(packet(0), 0, 1920, SSRC)!.map((f) => f.sequenceNumber)).toEqual([0xffff, 0]);
    expect(splitter.split(packet(500), 500, 0, SSRC + 1)!.map((f) => f.sequenceNumber)).toEqual([500]);
  });

  it('gives no copy the number of a packet without audio (a padding-only probe took it)', () => {
    const splitter = new RedundantAudioSplitter();
    splitter.split(packet(10), 10, 9600, SSRC);
    splitter.noteSequence(11, SSRC);
    // The copy in packet 12 is of packet 10's frame (the probe had none): it came already.
    expect(splitter.split(red([{ offset: 960, bytes: [10] }], [12]), 12, 10560, SSRC)!.map((f) => f.sequenceNumber)).toEqual([12]);
  });

  it('passes no copy whose frame starts before the last frame that came (a probe the feed did not report)', () => {
    const splitter = new RedundantAudioSplitter();
    splitter.split(packet(10), 10, 9600, SSRC);
    expect(splitter.split(red([{ offset: 960, bytes: [10] }], [12]), 12, 10560, SSRC)!.map((f) => f.sequenceNumber)).toEqual([12]);
  });

  it('gives null for a malformed payload', () => {
    expect(new RedundantAudioSplitter().split(new Uint8Array([0x80 | OPUS]), 1, 0, SSRC)).toBeNull();
  });
});
