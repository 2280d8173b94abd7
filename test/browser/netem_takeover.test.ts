// Taking over a live Opus receiver whose packets cross the network emulator:
// in-band FEC after real loss reports, a renegotiation, a new sender (SSRC
// change), and release() giving the receiver back to the browser.

import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openRelayedPage, RELAYED_CALL_BROWSER } from '../../src/netem/live_comparison.js';
import { randomLossSchedule, zeroJitterSchedule, type NetworkSchedule } from '../../src/netem/network_schedule.js';
import { UdpRelay } from '../../src/netem/udp_relay.js';
import { browserAvailable, withBrowser } from './harness.js';

interface Lifecycle {
  steps: Record<'renegotiated' | 'newSender' | 'released' | 'end', number>;
  /** 1 ms RMS envelopes: the speech sent, jitterlane's output, NetEq of the first receiver, NetEq of the second. */
  envelopes: number[][];
  streamResets: number;
  oldSsrc: number;
  newSsrc: number;
  secondNeteqSamples: number;
}

/** RMS (dB against the sent speech over the same span) of envelope `k` between two times, ms, leaving out the first `settleMs`. */
function levelDb(run: Lifecycle, k: number, fromMs: number, toMs: number, settleMs = 1000): number {
  const rms = (e: number[]) => {
    const span = e.slice(Math.round(fromMs + settleMs), Math.round(toMs));
    return Math.sqrt(span.reduce((s, v) => s + v * v, 0) / Math.max(1, span.length));
  };
  return 20 * Math.log10(Math.max(1e-9, rms(run.envelopes[k])) / rms(run.envelopes[0]));
}

describe.runIf(browserAvailable() || process.env.CI === 'true')('Opus receiver takeover through the network emulator', () => {
  const browser = withBrowser(RELAYED_CALL_BROWSER);

  async function inRelayedPage<T>(schedule: NetworkSchedule, run: (page: Page, relay: UdpRelay) => Promise<T>): Promise<T> {
    const relay = await UdpRelay.start({ schedule, maxSeconds: 120 });
    let page: Page | undefined;
    try {
      page = await openRelayedPage(browser.context(), `${browser.origin()}/test/browser/pages/netem_takeover.html`, relay);
      return await run(page, relay);
    } finally {
      await page?.close();
      await relay.close();
    }
  }

  it('recovers packets from in-band FEC once the emulator drops packets and RTCP reports it', async () => {
    // 10 % seeded loss: the encoder turns LBRR on once the receiver reports loss (TOOLCHAIN.md, Live WebRTC).
    const result = await inRelayedPage(randomLossSchedule(5000, 0.1, 3), (page, relay) =>
      page.evaluate((o) => (window as unknown as { fecCall: (o: unknown) => Promise<Record<string, number>> }).fecCall(o), { relay: { a: relay.addressA.port, b: relay.addressB.port }, seconds: 10 }),
    );
    console.log(`live FEC: ${result.fecPacketsReceived} packets carried FEC, ${result.fecRecovered} lost packets recovered from it, of ${result.packetsReceived} received; ${result.concealedSamples} samples concealed`);
    expect(result.packetsReceived).toBeGreaterThan(300);
    expect(result.fecPacketsReceived).toBeGreaterThan(0);
    expect(result.fecRecovered).toBeGreaterThan(0);
  }, 60_000);

  it('plays the copies RED carries of the packets the emulator drops (audio/red preferred)', async () => {
    const result = await inRelayedPage(randomLossSchedule(5000, 0.1, 3), (page, relay) =>
      page.evaluate((o) => (window as unknown as { fecCall: (o: unknown) => Promise<Record<string, number>> }).fecCall(o), { relay: { a: relay.addressA.port, b: relay.addressB.port }, seconds: 10, red: true }),
    );
    console.log(`live RED: ${result.redFrames} RED frames, ${result.redRecovered} lost packets recovered from their copies, ${result.packetsLate} late, of ${result.packetsReceived} received; ${result.concealedSamples} samples concealed`);
    expect(result.redFrames).toBeGreaterThan(300);
    expect(result.redMalformed).toBe(0);
    // 10 % loss of ~500 packets: each lost packet whose successor came has its copy there.
    expect(result.redRecovered).toBeGreaterThan(20);
    // A copy comes a packet late; the engine waits for it or counts it late, and plays most of them.
    expect(result.packetsLate).toBeLessThan(result.redRecovered / 2);
  }, 60_000);

  // One call through its life, shared by the two tests below (one browser call instead of two).
  let lifecycle: Promise<{ run: Lifecycle; levels: Record<string, number> }> | undefined;
  function lifecycleRun() {
    lifecycle ??= inRelayedPage(zeroJitterSchedule(), (page, relay) =>
      page.evaluate((o) => (window as unknown as { lifecycle: (o: unknown) => Promise<Lifecycle> }).lifecycle(o), { relay: { a: relay.addressA.port, b: relay.addressB.port }, phaseSeconds: 3 }),
    ).then((run) => {
      const { renegotiated, newSender, released, end } = run.steps;
      const levels = {
        takenOver: levelDb(run, 1, 0, renegotiated),
        neteqWhileTakenOver: levelDb(run, 2, 0, renegotiated),
        afterRenegotiation: levelDb(run, 1, renegotiated, newSender),
        afterNewSender: levelDb(run, 1, newSender, released, 1500),
        secondNeteqWhileTakenOver: levelDb(run, 3, newSender, released, 1500),
        neteqAfterRelease: levelDb(run, 3, released, end),
        jitterlaneAfterRelease: levelDb(run, 1, released, end),
      };
      console.log(`takeover lifecycle levels (dB against the speech sent): ${JSON.stringify(Object.fromEntries(Object.entries(levels).map(([k, v]) => [k, Number(v.toFixed(1))])))}`);
      return { run, levels };
    });
    return lifecycle;
  }

  it('keeps playing through a renegotiation and a new sender (a new SSRC) taken over by the same node', async () => {
    const { run, levels } = await lifecycleRun();
    // Taken over: jitterlane plays the speech at its level (Opus keeps it within a few dB), NetEq plays nothing.
    expect(Math.abs(levels.takenOver)).toBeLessThan(6);
    expect(levels.neteqWhileTakenOver).toBeLessThan(-40);
    // A renegotiation (a new offer/answer round on the same call) changes nothing for the stream.
    expect(Math.abs(levels.afterRenegotiation)).toBeLessThan(6);
    // The new sender has its own SSRC; the node resets to it and plays on.
    expect(run.newSsrc).not.toBe(run.oldSsrc);
    expect(run.streamResets).toBeGreaterThanOrEqual(1);
    expect(Math.abs(levels.afterNewSender)).toBeLessThan(6);
    expect(levels.secondNeteqWhileTakenOver).toBeLessThan(-40);
    // Released, jitterlane gets nothing more: silence (its concealment fades out).
    expect(levels.jitterlaneAfterRelease).toBeLessThan(-30);
  }, 60_000);

  // In Chromium 156, once a takeover without passThrough is released by removing the transform
  // (receiver.transform = null), the receiver keeps counting packets but NetEq decodes none
  // (totalSamplesReceived stays 0). release() therefore keeps the transform and has its worker
  // pass every frame on (src/adapters/transform_worker.ts).
  it('release() gives the receiver back: NetEq decodes and plays the speech again', async () => {
    const { run, levels } = await lifecycleRun();
    expect(run.secondNeteqSamples).toBeGreaterThan(0);
    expect(Math.abs(levels.neteqAfterRelease)).toBeLessThan(6);
  }, 60_000);
});
