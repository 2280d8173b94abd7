import { describe, expect, it } from 'vitest';
import { fixedOracle, windowOracle } from '../../src/replay/oracle.js';
import type { PacketRecord } from '../../src/replay/types.js';

const FRAME_MS = 20;
const BASE_TRANSIT_MS = 30;

/** Packets sent every 20 ms whose transit is 30 ms plus `extraMs(k)` for packet k. */
function stream(count: number, extraMs: (k: number) => number): PacketRecord[] {
  return Array.from({ length: count }, (_, k) => ({
    seq: k,
    sendMs: k * FRAME_MS,
    arrivalMs: k * FRAME_MS + BASE_TRANSIT_MS + extraMs(k),
    playMs: null,
    fate: 'buffered' as const,
    ecn: -1,
  }));
}

describe('fixedOracle', () => {
  it('covers all but 1 % of the packets: two 50 ms stragglers in 100 force D = 50', () => {
    // Relative delays: 98 × 0 and 2 × 50. Only ⌊100 / 100⌋ = 1 packet may be late,
    // so D must cover the second-slowest packet too: D = 50, and then none is late.
    const result = fixedOracle(stream(100, (k) => (k === 10 || k === 60 ? 50 : 0)));
    expect(result).toEqual({ delayMs: 50, lateLossRatio: 0, meanAddedLatencyMs: 50 });
  });

  it('lets the slowest packet go when the rest fit a smaller delay', () => {
    // Relative delays: 98 × 0, 30 and 50. One may be late: D = 30 leaves only the 50 ms one late, 1 %.
    const result = fixedOracle(stream(100, (k) => (k === 10 ? 50 : k === 60 ? 30 : 0)));
    expect(result).toEqual({ delayMs: 30, lateLossRatio: 0.01, meanAddedLatencyMs: 30 });
  });

  it('measures D above the fastest transit, not above zero', () => {
    // Transits 30, 40, 30, 40, …: the fastest is 30, relative delays 0 and 10; 50 of 100 need D = 10.
    expect(fixedOracle(stream(100, (k) => (k % 2) * 10)).delayMs).toBe(10);
  });

  it('gives zeros for no packets', () => {
    expect(fixedOracle([])).toEqual({ delayMs: 0, lateLossRatio: 0, meanAddedLatencyMs: 0 });
  });
});

describe('windowOracle', () => {
  // 200 packets over 4 s of send time: window [0, 2000) holds packets 0..99, [2000, 4000) packets 100..199.
  // First window: relative delay 0, but packet 50 is 40 ms slow. Second window: delay steps up to 25 ms,
  // with packet 150 at 85 ms.
  const records = stream(200, (k) => {
    if (k === 50) return 40;
    if (k === 150) return 85;
    return k < 100 ? 0 : 25;
  });

  it('chooses the delay afresh per 2 s window', () => {
    const result = windowOracle(records);
    // Each window may lose ⌊100 / 100⌋ = 1 packet: the first needs D = 0, the second D = 25.
    expect(result.windows).toEqual([
      { startMs: 0, endMs: 2000, packets: 100, delayMs: 0, late: 1 },
      { startMs: 2000, endMs: 4000, packets: 100, delayMs: 25, late: 1 },
    ]);
    expect(result.meanAddedLatencyMs).toBe(12.5); // (100 × 0 + 100 × 25) / 200
    expect(result.lateLossRatio).toBe(0.01); // 2 late of 200
  });

  it('beats the fixed oracle, which must hold 25 ms throughout', () => {
    // Over the whole trace ⌊200 / 100⌋ = 2 may be late: the 40 and 85 ms packets go, D = 25.
    expect(fixedOracle(records)).toEqual({ delayMs: 25, lateLossRatio: 0.01, meanAddedLatencyMs: 25 });
  });

  it('equals the fixed oracle when one window spans the trace', () => {
    const single = windowOracle(records, 4000);
    expect(single.windows).toHaveLength(1);
    expect(single.meanAddedLatencyMs).toBe(25);
    expect(single.lateLossRatio).toBe(0.01);
  });

  it('gives zeros for no packets and rejects a non-positive window', () => {
    expect(windowOracle([])).toEqual({ lateLossRatio: 0, meanAddedLatencyMs: 0, windows: [] });
    expect(() => windowOracle(records, 0)).toThrow(/windowMs/);
  });
});
