// The claim to the user, measured: the same PCMU call, leaving the sender with
// a shared trace's jitter and loss (the sender's encoded transform holds each
// frame for its packet's delay), played by Chromium's own jitter buffer
// (NetEq, from getStats) and by jitterlane (l4s profile), side by side.
// Whatever it shows is printed (README, closing note); the test asserts that
// both buffers played the call and that the figures are complete.

import { describe, expect, it } from 'vitest';
import { prepareReplay } from '../../src/replay/prepared.js';
import { defaultTraceDir, traceFiles } from '../../src/replay/trace_set.js';
import { readTrace } from '../../src/trace/index.js';
import { browserAvailable, withBrowser } from './harness.js';

const SECONDS = 15;

interface Side {
  packetsReceived: number;
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  concealedSamples: number;
  totalSamplesReceived: number;
}

/** Per packet of the first `seconds` of a trace, in sequence order: its delay above the fastest packet, or null where it was lost. */
function delaySchedule(name: string, seconds: number): { delaysMs: (number | null)[]; meanDelayMs: number } {
  const prepared = prepareReplay(readTrace(traceFiles(defaultTraceDir()).find((f) => f.name === name)!.path));
  const transit = new Map(prepared.packets.map((p) => [p.seq, p.arrivalMs - p.sendMs]));
  const fastest = Math.min(...transit.values());
  const first = Math.min(...transit.keys());
  const delaysMs: (number | null)[] = [];
  for (let k = 0; k < seconds * 50; k++) {
    const t = transit.get(first + k);
    delaysMs.push(t === undefined ? null : t - fastest);
  }
  const present = delaysMs.filter((d): d is number => d !== null);
  return { delaysMs, meanDelayMs: present.reduce((a, b) => a + b, 0) / present.length };
}

/** Mean buffer delay, concealment and METRICS.md's cost, added latency taken as buffer delay + mean network delay above the fastest packet. */
function figures(side: Side, meanDelayMs: number) {
  const bufferMs = (1000 * side.jitterBufferDelay) / side.jitterBufferEmittedCount;
  const concealedPercent = (100 * side.concealedSamples) / side.totalSamplesReceived;
  return { bufferMs, concealedPercent, cost: bufferMs + meanDelayMs + 20 * concealedPercent };
}

describe.runIf(browserAvailable() || process.env.CI === 'true')('jitterlane against Chromium\u2019s own jitter buffer', () => {
  const browser = withBrowser();

  it.each(['wswiki_rtp_conversacion', 'l4stests_irtt_up_dualpi2_l', 'd6g_5g_ping-cloud-mmWave'])('plays %s through both and reports both', async (name) => {
    const { delaysMs, meanDelayMs } = delaySchedule(name, SECONDS);
    const page = await browser.open(`/test/browser/pages/versus_neteq.html`);
    const result = await page.evaluate(
      (o) => (window as unknown as { compare: (o: unknown) => Promise<{ neteq: Side | null; jitterlane: Side; frames: number }> }).compare(o),
      { delaysMs, seconds: SECONDS, profile: 'l4s' },
    );
    await page.close();
    expect(result.neteq).not.toBeNull();
    // Both decoded most of the call (the first frames go before ICE and DTLS are up). NetEq
    // counts samples at the codec's rate (8 kHz for PCMU), jitterlane at its output rate.
    expect(result.neteq!.jitterBufferEmittedCount).toBeGreaterThan(8000 * (SECONDS / 2));
    expect(result.jitterlane.jitterBufferEmittedCount).toBeGreaterThan(48000 * (SECONDS / 2));
    const neteq = figures(result.neteq!, meanDelayMs);
    const ours = figures(result.jitterlane, meanDelayMs);
    for (const value of [neteq.bufferMs, neteq.concealedPercent, ours.bufferMs, ours.concealedPercent]) expect(Number.isFinite(value)).toBe(true);
    console.log(
      `versus NetEq | ${name} | NetEq: buffer ${neteq.bufferMs.toFixed(1)} ms, concealed ${neteq.concealedPercent.toFixed(2)} %, cost ${neteq.cost.toFixed(1)} | ` +
        `jitterlane l4s: buffer ${ours.bufferMs.toFixed(1)} ms, concealed ${ours.concealedPercent.toFixed(2)} %, cost ${ours.cost.toFixed(1)}`,
    );
  }, 60_000);
});
