// Issue #14 item 10: packets pushed while the AudioContext is suspended (before
// the user's gesture, or a tab the browser suspended). Before the change they
// waited in the ring while the audio clock stood still and played late after
// resume(): 1.7 s of stale audio buffered while currentDelayMs read 11 ms (the
// issue's measure; this test measured 1698.6 ms and 10.4 ms before the change).
// Now the node drops them on the main thread and counts them
// (jitterlane.packetsDroppedSuspended), and the first packet after resume()
// starts a new stream in the engine (a new stream epoch), so what plays is live.

import { describe, expect, it } from 'vitest';
import { browserAvailable, withBrowser } from './harness.js';

type Picked = { streamResets: number; packetsDiscarded: number; bufferedMs: number; currentDelayMs: number; packetsReceived: number; packetsOverflow: number; packetsDroppedSuspended: number; baseLatency: number; outputLatency: number; steeredDelayMs: number };

const SUSPENDED_SECONDS = 1.7;

describe.runIf(browserAvailable() || process.env.CI === 'true')('issue 14 item 10: a suspended AudioContext in Chromium', () => {
  const browser = withBrowser();

  it('drops and counts the packets pushed while suspended, so the buffer after resume() holds live audio only', async () => {
    const page = await browser.open('/test/browser/pages/suspended.html');
    const r = await page.evaluate((o) => (window as unknown as { suspendAndResume(o: unknown): Promise<{ pushedWhileSuspended: number; afterResume: Picked; atEnd: Picked }> }).suspendAndResume(o), { suspendedSeconds: SUSPENDED_SECONDS });
    await page.close();
    console.log(`[suspended] ${r.pushedWhileSuspended} packets pushed while suspended; 300 ms after resume: ${JSON.stringify(r.afterResume)}; at the end: ${JSON.stringify(r.atEnd)}`);
    // 1.7 s of 20 ms packets, give or take the timer's edges.
    expect(r.pushedWhileSuspended).toBeGreaterThan(75);
    expect(r.afterResume.packetsDroppedSuspended).toBe(r.pushedWhileSuspended);
    // The engine started a new stream once, at the first packet after resume(), counting what it held as discarded.
    expect(r.atEnd.streamResets).toBe(1);
    // Realtime figures are noisy (a loaded machine stalls the page's timer and the target rises
    // honestly): the bounds are generous, far below the 1.7 s the stale packets held, and the
    // buffer is what the delay gauge says it is, not seconds more.
    for (const at of [r.afterResume, r.atEnd]) {
      expect(at.bufferedMs).toBeLessThan(1000);
      expect(at.bufferedMs - at.steeredDelayMs).toBeLessThan(100);
      // Issue #13: currentDelayMs is what is buffered plus the output path (the context's base and output latency).
      expect(at.baseLatency).toBeGreaterThan(0);
      expect(at.outputLatency).toBeGreaterThanOrEqual(0);
      expect(at.currentDelayMs).toBeCloseTo(at.bufferedMs + 1000 * (at.baseLatency + at.outputLatency), 6);
    }
  }, 60_000);
});
