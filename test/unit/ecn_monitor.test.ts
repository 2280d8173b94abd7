// EcnMonitor: sources (getStats, app-fed counters), the profile it drives, the
// events and evidence it exposes, and --profile auto in replays.

import { describe, expect, it } from 'vitest';
import { EcnMonitor, type Scheduler } from '../../src/ecn/monitor.js';
import { ecnCountersFromReport } from '../../src/ecn/stats_source.js';
import { EcnTimeline } from '../../src/ecn/timeline.js';
import type { ProfileSwitch } from '../../src/ecn/policy.js';
import { ecnController } from '../../src/replay/ecn_controller.js';
import { replay } from '../../src/replay/driver.js';
import { readTrace } from '../../src/trace/index.js';
import { defaultTraceDir, traceFiles } from '../../src/replay/trace_set.js';

/** A scheduler the test advances by hand. */
function manualScheduler() {
  const tasks: { every: number; next: number; run: () => void }[] = [];
  const scheduler: Scheduler = {
    every(intervalMs, callback) {
      const task = { every: intervalMs, next: intervalMs, run: callback };
      tasks.push(task);
      return () => tasks.splice(tasks.indexOf(task), 1);
    },
  };
  return { scheduler, tasks };
}

describe('ecnCountersFromReport', () => {
  it('reads the ECN counters of the inbound audio RTP stream', () => {
    const report = new Map<string, Record<string, unknown>>([
      ['v', { type: 'inbound-rtp', kind: 'video', packetsReceived: 9, packetsReceivedWithEct1: 9 }],
      ['a', { type: 'inbound-rtp', kind: 'audio', packetsReceived: 100, packetsReceivedWithEct1: 90, packetsReceivedWithCe: 4 }],
    ]);
    expect(ecnCountersFromReport(report)).toEqual({ packets: 100, ect0: 0, ect1: 90, ce: 4, notEct: 6 });
  });

  it('gives no evidence when the browser does not report ECN', () => {
    const report = new Map([['a', { type: 'inbound-rtp', kind: 'audio', packetsReceived: 100 }]]);
    expect(ecnCountersFromReport(report)).toBeNull();
  });
});

describe('EcnMonitor', () => {
  it('drives setProfile and announces each switch with its reason', () => {
    let now = 0;
    const applied: string[] = [];
    const events: ProfileSwitch[] = [];
    const monitor = new EcnMonitor({ clock: () => now, target: { setProfile: (p) => applied.push(p) } });
    monitor.addEventListener('switch', (e) => events.push((e as CustomEvent<ProfileSwitch>).detail));
    for (now = 0; now <= 10_000; now += 500) {
      monitor.report({ packets: now / 20, ect0: 0, ect1: now / 20, ce: 0, notEct: 0 });
      monitor.evaluate();
    }
    expect(applied).toEqual(['l4s']);
    expect(events.map((e) => e.reason)).toEqual(['sustained-ect1']);
    const evidence = monitor.evidence();
    expect(evidence.profile).toBe('l4s');
    expect(evidence.pathClass).toBe('l4s');
    expect(evidence.ect1Share).toBe(1);
    expect(evidence.timeInProfileMs.classic + evidence.timeInProfileMs.l4s).toBe(10_000);
  });

  it('polls getStats on its scheduler and falls back to classic when the counters vanish', async () => {
    let now = 0;
    let packets = 0;
    let reporting = true;
    const { scheduler, tasks } = manualScheduler();
    const monitor = new EcnMonitor({ clock: () => now, scheduler });
    monitor.watchStats({
      getStats: async () =>
        new Map([['a', reporting ? { type: 'inbound-rtp', kind: 'audio', packetsReceived: packets, packetsReceivedWithEct1: packets } : { type: 'inbound-rtp', kind: 'audio', packetsReceived: packets }]]),
    });
    monitor.start(500);
    const profiles: string[] = [];
    for (now = 0; now <= 30_000; now += 250) {
      packets = Math.floor(now / 20);
      if (now === 15_000) reporting = false;
      for (const task of [...tasks]) {
        if (now >= task.next) {
          task.next += task.every;
          task.run();
        }
      }
      await Promise.resolve();
      profiles.push(monitor.profile);
    }
    monitor.stop();
    expect(tasks).toHaveLength(0);
    expect(profiles).toContain('l4s');
    expect(profiles[profiles.length - 1]).toBe('classic');
    expect(monitor.evidence().switches.map((s) => s.reason)).toEqual(['sustained-ect1', 'stats-missing']);
  });

  it('refuses app-fed counters that are not counts', () => {
    const monitor = new EcnMonitor({ clock: () => 0 });
    expect(() => monitor.report({ packets: Number.NaN, ect0: 0, ect1: 0, ce: 0, notEct: 0 })).toThrow(/packets must be a finite count/);
  });
});

describe('--profile auto in replays', () => {
  const noload = traceFiles(defaultTraceDir()).find((f) => f.name === 'l4stests_irtt_noload')!;

  it('switches a clean trace to l4s after the entry delay when its ECN says L4S, and back on bleaching', () => {
    // Cumulative ECN counters: every packet ECT(1) until 30 s, Not-ECT after.
    const rows = ['time_ms,ect0,ect1,ce,not_ect'];
    for (let t = 0; t <= 60_000; t += 250) rows.push(`${t},0,${Math.min(t, 30_000) / 20},0,${Math.max(0, t - 30_000) / 20}`);
    const { controller, monitor } = ecnController(EcnTimeline.fromCsv(rows.join('\n')));
    const result = replay(readTrace(noload.path), { profile: 'classic', controller });
    expect(result.profileChanges.map((c) => c.profile)).toEqual(['l4s', 'classic']);
    expect(monitor.evidence().switches.map((s) => s.reason)).toEqual(['sustained-ect1', 'bleaching']);
    // Entry after 5 s of evidence (first full window at ~1 s), exit within one evaluation of 30 s.
    expect(result.profileChanges[0].timeMs).toBeGreaterThanOrEqual(5000);
    expect(result.profileChanges[0].timeMs).toBeLessThanOrEqual(7000);
    expect(result.profileChanges[1].timeMs).toBeGreaterThan(30_000);
    expect(result.profileChanges[1].timeMs).toBeLessThanOrEqual(31_000);
    expect(result.timeInProfileMs!.l4s).toBeGreaterThan(23_000);
    // The switches move the delay by stretching, not by concealing: no concealment beyond the
    // four packets the synthesised stream loses (80 ms of 60 s, see SOURCES.md and the trace tests).
    expect(result.stats.concealedSamples).toBeLessThanOrEqual(4 * 960 + 4 * 960);
  });

  it('stays classic on a capture whose packets are Not-ECT', () => {
    const magicJack = traceFiles(defaultTraceDir()).find((f) => f.name === 'wswiki_MagicJack_short_call')!;
    const trace = readTrace(magicJack.path);
    const { controller } = ecnController(EcnTimeline.fromPackets(trace.packets.map((p) => ({ arrivalMs: p.arrivalUs / 1000, ecn: p.ecn }))));
    expect(replay(trace, { controller }).profileChanges).toEqual([]);
  });
});
