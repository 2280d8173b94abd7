// Checks assembly/wrap.ts: signed distances between 16-bit sequence numbers
// and 32-bit timestamps across their wrap, and the Unwrapper's monotone counts
// through several wraps and past a reordered packet.

import { beforeEach, describe, expect, it } from 'vitest';
import { sequenceDelta, timestampDelta } from '../../src/trace/rtp_arithmetic.js';
import { loadDspModule, type DspExports } from '../helpers/dsp_module.js';

const SEQ_MODULUS = 65_536;
const TS_MODULUS = 2 ** 32;

let dsp: DspExports;

beforeEach(async () => {
  dsp = (await loadDspModule()).exports;
});

describe('sequenceDelta and seqNewer', () => {
  it('measures 1 from 65535 to 0 across the wrap, and −1 back', () => {
    expect(dsp.sequenceDelta(65_535, 0)).toBe(1);
    expect(dsp.sequenceDelta(0, 65_535)).toBe(-1);
  });

  it('measures 10 from 65530 to 4', () => {
    // 65530 → 65535 is 5, then 0 → 4 is 5 more.
    expect(dsp.sequenceDelta(65_530, 4)).toBe(10);
  });

  it('keeps to −32768..32767: half the space ahead reads as behind', () => {
    // 32768 apart is ambiguous; a 16-bit signed difference makes it −32768.
    expect(dsp.sequenceDelta(0, 32_768)).toBe(-32_768);
    expect(dsp.sequenceDelta(0, 32_767)).toBe(32_767);
  });

  it('ignores bits above 16', () => {
    expect(dsp.sequenceDelta(3, SEQ_MODULUS + 5)).toBe(2);
  });

  it('calls 0 newer than 65535, and not the other way round', () => {
    expect(dsp.seqNewer(0, 65_535)).toBe(1);
    expect(dsp.seqNewer(65_535, 0)).toBe(0);
    expect(dsp.seqNewer(7, 7)).toBe(0);
  });
});

describe('timestampDelta', () => {
  it('measures 1 from 2^32 − 1 to 0 across the wrap, and −1 back', () => {
    expect(dsp.timestampDelta(TS_MODULUS - 1, 0)).toBe(1n);
    expect(dsp.timestampDelta(0, TS_MODULUS - 1)).toBe(-1n);
  });

  it('measures one 20 ms packet at 48 kHz (960 ticks) across the wrap', () => {
    // 2^32 − 480 + 960 wraps to 480.
    expect(dsp.timestampDelta(TS_MODULUS - 480, 480)).toBe(960n);
  });

  it('keeps to −2^31..2^31 − 1', () => {
    expect(dsp.timestampDelta(0, 2 ** 31)).toBe(-(2n ** 31n));
    expect(dsp.timestampDelta(0, 2 ** 31 - 1)).toBe(2n ** 31n - 1n);
  });
});

describe('one order on both sides of the wasm boundary', () => {
  it('gives what src/trace/rtp_arithmetic.ts gives for the same (from, to) pairs: to − from', () => {
    const seqPairs = [[65_535, 0], [0, 65_535], [65_530, 4], [0, 32_767], [100, 100]] as const;
    for (const [from, to] of seqPairs) expect(dsp.sequenceDelta(from, to), `${from} → ${to}`).toBe(sequenceDelta(from, to));
    const tsPairs = [[TS_MODULUS - 1, 0], [0, TS_MODULUS - 1], [TS_MODULUS - 480, 480], [0, 2 ** 31 - 1], [7, 7]] as const;
    for (const [from, to] of tsPairs) expect(Number(dsp.timestampDelta(from, to)), `${from} → ${to}`).toBe(timestampDelta(from, to));
  });
});

describe('Unwrapper', () => {
  it('maps the first sequence number to 65536 and the first timestamp to 0', () => {
    const u = dsp.unwrapperCreate();
    expect(dsp.unwrapperSeq(u, 12_345)).toBe(65_536n);
    expect(dsp.unwrapperTs(u, 987_654_321)).toBe(0n);
  });

  it('counts sequence numbers up through five wraps', () => {
    const u = dsp.unwrapperCreate();
    // Steps of 1000 from 60 000: wraps at steps 6, 72, 137, 203 and 268,
    // the next not until 334.
    const first = 60_000;
    dsp.unwrapperSeq(u, first);
    for (let k = 1; k <= 330; k++) {
      expect(dsp.unwrapperSeq(u, (first + 1000 * k) % SEQ_MODULUS)).toBe(BigInt(SEQ_MODULUS + 1000 * k));
    }
  });

  it('counts timestamps up through five wraps', () => {
    const u = dsp.unwrapperCreate();
    // Steps of 2^30 (under half the space, so each reads as forward) from
    // 2^32 − 1000: wraps at steps 1, 5, 9, 13 and 17.
    const first = TS_MODULUS - 1000;
    dsp.unwrapperTs(u, first);
    for (let k = 1; k <= 17; k++) {
      expect(dsp.unwrapperTs(u, (first + 2 ** 30 * k) % TS_MODULUS)).toBe(BigInt(2 ** 30 * k));
    }
  });

  it('places a sequence number that arrives late across the wrap before the newer ones, without moving the count back', () => {
    const u = dsp.unwrapperCreate();
    // Sent 65534, 65535, 0, 1, 2; 0 arrives after 1.
    expect(dsp.unwrapperSeq(u, 65_534)).toBe(65_536n);
    expect(dsp.unwrapperSeq(u, 65_535)).toBe(65_537n);
    expect(dsp.unwrapperSeq(u, 1)).toBe(65_539n);
    expect(dsp.unwrapperSeq(u, 0)).toBe(65_538n);
    expect(dsp.unwrapperSeq(u, 2)).toBe(65_540n);
  });

  it('places a sequence number from before the first one below 65536, still positive', () => {
    const u = dsp.unwrapperCreate();
    // The first packet seen is 0; 65535 was sent just before it.
    expect(dsp.unwrapperSeq(u, 0)).toBe(65_536n);
    expect(dsp.unwrapperSeq(u, 65_535)).toBe(65_535n);
    expect(dsp.unwrapperSeq(u, 1)).toBe(65_537n);
  });

  it('places a timestamp that arrives late across the wrap before the newer ones', () => {
    const u = dsp.unwrapperCreate();
    // 20 ms packets at 48 kHz (960 ticks) around the 32-bit wrap; the one at 2^32 − 480 + 960 = 480 comes late.
    const first = TS_MODULUS - 480;
    expect(dsp.unwrapperTs(u, first)).toBe(0n);
    expect(dsp.unwrapperTs(u, 480 + 960)).toBe(1920n);
    expect(dsp.unwrapperTs(u, 480)).toBe(960n);
    expect(dsp.unwrapperTs(u, 480 + 1920)).toBe(2880n);
  });

  it('starts a new count after reset', () => {
    const u = dsp.unwrapperCreate();
    dsp.unwrapperSeq(u, 100);
    dsp.unwrapperSeq(u, 200);
    dsp.unwrapperTs(u, 5_000);
    dsp.unwrapperReset(u);
    expect(dsp.unwrapperSeq(u, 40_000)).toBe(65_536n);
    expect(dsp.unwrapperTs(u, 17)).toBe(0n);
  });
});
