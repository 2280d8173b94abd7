// Network schedules from the shared traces (shared/traces/SOURCES.md gives the
// figures cited) and from the generators.

import { describe, expect, it } from 'vitest';
import { randomLossSchedule, scheduleFromTrace, zeroJitterSchedule } from '../../src/netem/network_schedule.js';
import { defaultTraceDir, traceFiles } from '../../src/replay/trace_set.js';
import { readTrace } from '../../src/trace/index.js';

const tracePath = (name: string) => traceFiles(defaultTraceDir()).find((f) => f.name === name)?.path;

describe('network schedules', () => {
  it.runIf(tracePath('wswiki_MagicJack_short_call'))('gives MagicJack\u2019s 626 packets their delays above the fastest, none lost (SOURCES.md §2)', () => {
    const schedule = scheduleFromTrace(readTrace(tracePath('wswiki_MagicJack_short_call')!));
    expect(schedule.delaysMs).toHaveLength(626);
    expect(schedule.lossPercent).toBe(0);
    expect(schedule.packetMs).toBe(20);
    const delays = schedule.delaysMs as number[];
    expect(Math.min(...delays)).toBe(0);
    // SOURCES.md: rel delay max 14.55 ms (the first packet), p50 0.72 ms.
    expect(Math.max(...delays)).toBeCloseTo(14.55, 0);
    expect(delays[0]).toBe(Math.max(...delays));
  });

  it.runIf(tracePath('l4stests_irtt_noload'))('turns irtt\u2019s 10 ms probes into a 20 ms stream with the replay\u2019s 4 losses (README, quality table)', () => {
    const schedule = scheduleFromTrace(readTrace(tracePath('l4stests_irtt_noload')!));
    expect(schedule.packetMs).toBe(20);
    expect(schedule.delaysMs.filter((d) => d === null)).toHaveLength(4);
    // 60 s of probes: about 3000 packets of 20 ms.
    expect(schedule.delaysMs.length).toBeGreaterThan(2990);
    expect(schedule.delaysMs.length).toBeLessThan(3010);
  });

  it.runIf(tracePath('l4stests_irtt_noload'))('keeps only the first `seconds` of a trace', () => {
    expect(scheduleFromTrace(readTrace(tracePath('l4stests_irtt_noload')!), 10).delaysMs).toHaveLength(500);
  });

  it('has a zero-jitter network that delivers every packet at once', () => {
    expect(zeroJitterSchedule()).toMatchObject({ delaysMs: [0], meanDelayMs: 0, lossPercent: 0, packetMs: 20 });
  });

  it('loses the same seeded packets on every run, at about the rate asked', () => {
    const a = randomLossSchedule(2000, 0.05, 11);
    expect(a.delaysMs).toEqual(randomLossSchedule(2000, 0.05, 11).delaysMs);
    expect(a.lossPercent).toBeGreaterThan(4);
    expect(a.lossPercent).toBeLessThan(6);
  });
});
