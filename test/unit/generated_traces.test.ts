import { describe, expect, it } from 'vitest';
import { recurringLatenessTrace, spikyCellularTrace, traceFromDelays } from '../../src/trace/generated.js';

describe('generated traces', () => {
  it('turns per-packet delays into a 20 ms voice stream in arrival order, losses left out', () => {
    const trace = traceFromDelays('t', [5, null, 30, 0]);
    // Packet 2 (sent at 40 ms, 30 ms late) arrives after packet 3 (sent at 60 ms, on time).
    expect(trace.packets.map((p) => p.seq)).toEqual([0, 3, 2]);
    expect(trace.packets.map((p) => p.arrivalUs)).toEqual([0, 55_000, 65_000]);
    expect(trace.packets.map((p) => p.timestamp)).toEqual([0, 2880, 1920]);
    expect(trace.clockRate).toBe(48000);
  });

  it('gives the same packets for the same seed and others for another seed', () => {
    const a = spikyCellularTrace({ seed: 7 });
    const b = spikyCellularTrace({ seed: 7 });
    const c = spikyCellularTrace({ seed: 8 });
    expect(a.trace.packets).toEqual(b.trace.packets);
    expect(a.delaysMs).not.toEqual(c.delaysMs);
  });

  it('places step spikes of 100–300 ms lasting about a second, and none in the quiet tail', () => {
    const { spikes, delaysMs } = spikyCellularTrace({ seed: 3, seconds: 120 });
    expect(spikes.length).toBeGreaterThan(2);
    for (const s of spikes) {
      expect(s.heightMs).toBeGreaterThanOrEqual(100);
      expect(s.heightMs).toBeLessThan(300);
      expect(s.durationMs).toBeGreaterThanOrEqual(600);
      expect(s.startMs + s.durationMs).toBeLessThan(100_000 + 1400);
      // A packet in the middle of the spike carries its height on top of the access jitter.
      const middle = Math.round((s.startMs + s.durationMs / 2) / 20);
      expect(delaysMs[middle]!).toBeGreaterThanOrEqual(s.heightMs);
    }
    // Outside the spikes most packets come within 20 ms ("most packets arrive within 20 ms").
    const calm = delaysMs.filter((d, k) => d !== null && !spikes.some((s) => k * 20 >= s.startMs && k * 20 < s.startMs + s.durationMs)) as number[];
    expect(calm.filter((d) => d <= 20).length / calm.length).toBeGreaterThan(0.99);
  });

  it('releases a stall’s packets together in the hold shape: the first sent waits the whole stall', () => {
    const { spikes, delaysMs } = spikyCellularTrace({ seed: 3, shape: 'hold' });
    const s = spikes[0];
    const first = Math.ceil(s.startMs / 20);
    const last = Math.ceil((s.startMs + s.heightMs) / 20) - 1;
    expect(delaysMs[first]!).toBeGreaterThanOrEqual(s.startMs + s.heightMs - first * 20);
    expect(delaysMs[last]!).toBeLessThan(20 + 40);
  });

  it('makes isolated late packets in a rhythm on an otherwise clean low-latency path', () => {
    const { delaysMs } = recurringLatenessTrace({ seed: 1 });
    const values = delaysMs as number[];
    const late = values.map((d, k) => (d > 4 ? k : -1)).filter((k) => k >= 0);
    expect(late.length).toBeGreaterThan(60); // a minute of clusters, one packet in twelve
    // Isolated: no two consecutive packets late.
    for (let i = 1; i < late.length; i++) expect(late[i] - late[i - 1]).toBeGreaterThan(1);
    expect(Math.max(...values)).toBeLessThan(20);
  });
});
