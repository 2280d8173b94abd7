// The ECN policy, driven on a fake clock with hand-made evidence. The
// thresholds named in the expectations are DEFAULT_ECN_POLICY's.

import { describe, expect, it } from 'vitest';
import { DEFAULT_ECN_POLICY, EcnPolicy, type ProfileSwitch } from '../../src/ecn/policy.js';

/** A 20 ms stream (50 packets/s) whose marks follow `mark(timeMs)`, evaluated every 500 ms like an app polling getStats. */
function run(
  policy: EcnPolicy,
  untilMs: number,
  mark: (timeMs: number) => 'ect1' | 'ce' | 'notEct' | 'ect0',
  estimate: (timeMs: number) => number = () => 5,
  concealment: (timeMs: number) => number = () => 0,
  stopStatsAtMs = Infinity,
): ProfileSwitch[] {
  const counts = { packets: 0, ect0: 0, ect1: 0, ce: 0, notEct: 0 };
  const switches: ProfileSwitch[] = [];
  let concealed = 0;
  for (let t = 0; t <= untilMs; t += 20) {
    counts.packets++;
    counts[mark(t)]++;
    concealed += concealment(t) * 960;
    if (t % 500 === 0) {
      if (t < stopStatsAtMs) policy.observeEcn({ ...counts, timeMs: t });
      policy.observePlayout({ timeMs: t, delayEstimateMs: estimate(t), concealedSamples: concealed, totalSamplesEmitted: (t / 20 + 1) * 960 });
      const change = policy.evaluate(t);
      if (change) switches.push(change);
    }
  }
  return switches;
}

describe('EcnPolicy', () => {
  it('starts on classic', () => {
    expect(new EcnPolicy().profile).toBe('classic');
  });

  it('enters l4s after sustained ECT(1), once the entry delay has passed', () => {
    const switches = run(new EcnPolicy(), 20_000, () => 'ect1');
    expect(switches).toHaveLength(1);
    expect(switches[0].to).toBe('l4s');
    expect(switches[0].reason).toBe('sustained-ect1');
    // Evidence is good from the first window with 40 packets (t = 1000 ms at 50 packets/s);
    // entry needs entryAfterMs (5000 ms) of it, checked every 500 ms.
    expect(switches[0].timeMs).toBeGreaterThanOrEqual(DEFAULT_ECN_POLICY.entryAfterMs);
    expect(switches[0].timeMs).toBeLessThanOrEqual(DEFAULT_ECN_POLICY.entryAfterMs + 1500);
  });

  it('treats CE marks as preserved ECT(1)', () => {
    const switches = run(new EcnPolicy(), 20_000, (t) => (t % 100 === 0 ? 'ce' : 'ect1'));
    expect(switches.map((s) => s.to)).toEqual(['l4s']);
  });

  it('never enters l4s on a Not-ECT or classic-ECN path', () => {
    expect(run(new EcnPolicy(), 60_000, () => 'notEct')).toEqual([]);
    expect(run(new EcnPolicy(), 60_000, () => 'ect0')).toEqual([]);
  });

  it('never enters when the path needs more jitter cover than the l4s ceiling allows', () => {
    expect(run(new EcnPolicy(), 60_000, () => 'ect1', () => 35)).toEqual([]);
  });

  it('leaves at once on bleaching', () => {
    const switches = run(new EcnPolicy(), 30_000, (t) => (t < 15_000 ? 'ect1' : 'notEct'));
    expect(switches.map((s) => [s.to, s.reason])).toEqual([['l4s', 'sustained-ect1'], ['classic', 'bleaching']]);
    // The 2 s window falls below 90 % ECT(1) within a few hundred ms of the change at 15 s.
    expect(switches[1].timeMs).toBeGreaterThan(15_000);
    expect(switches[1].timeMs).toBeLessThanOrEqual(15_500);
  });

  it('leaves at once on a CE storm with rising jitter', () => {
    const switches = run(new EcnPolicy(), 30_000, (t) => (t >= 15_000 && t % 40 === 0 ? 'ce' : 'ect1'), (t) => (t >= 15_000 ? 12 : 5));
    expect(switches.map((s) => s.reason)).toEqual(['sustained-ect1', 'ce-storm']);
    // Half the packets are CE from 15 s: the 2 s window passes ceStormShare (30 %) once
    // 1.2 s of it is storm, so at the first evaluation after 16.2 s.
    expect(switches[1].timeMs).toBe(16_500);
  });

  it('stays on l4s through heavy CE marking while jitter stays low (L4S marks by design)', () => {
    const switches = run(new EcnPolicy(), 30_000, (t) => (t % 40 === 0 ? 'ce' : 'ect1'));
    expect(switches.map((s) => s.reason)).toEqual(['sustained-ect1']);
  });

  it('leaves at once when the jitter estimate passes the ceiling', () => {
    const switches = run(new EcnPolicy(), 30_000, () => 'ect1', (t) => (t >= 15_000 ? 25 : 5));
    expect(switches.map((s) => s.reason)).toEqual(['sustained-ect1', 'jitter']);
    expect(switches[1].timeMs).toBe(15_000);
  });

  it('leaves when concealment rises above 1 % over ten seconds', () => {
    const switches = run(new EcnPolicy(), 40_000, () => 'ect1', () => 5, (t) => (t >= 15_000 ? 0.05 : 0));
    expect(switches.map((s) => s.reason)).toEqual(['sustained-ect1', 'concealment']);
  });

  it('leaves at once when the stats disappear', () => {
    const switches = run(new EcnPolicy(), 30_000, () => 'ect1', () => 5, () => 0, 15_000);
    expect(switches.map((s) => s.reason)).toEqual(['sustained-ect1', 'stats-missing']);
    // The last poll with stats is at 14 500 ms; staleAfterMs is 3000 ms.
    expect(switches[1].timeMs).toBe(17_500 + 500);
  });

  it('never enters more than once per back-off period under flapping evidence', () => {
    // ECT(1) for 7 s, bleached for 1 s, over and over.
    const policy = new EcnPolicy();
    const switches = run(policy, 300_000, (t) => (t % 8000 < 7000 ? 'ect1' : 'notEct'));
    const entries = switches.filter((s) => s.to === 'l4s').map((s) => s.timeMs);
    for (let i = 1; i < entries.length; i++) expect(entries[i] - entries[i - 1]).toBeGreaterThanOrEqual(DEFAULT_ECN_POLICY.backoffMs);
    // Back-off doubles: 30 s, 60 s, 120 s... so five minutes hold at most four entries.
    expect(entries.length).toBeLessThanOrEqual(4);
    expect(switches.length).toBeLessThanOrEqual(2 * entries.length);
  });
});
