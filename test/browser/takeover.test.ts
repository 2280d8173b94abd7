// Taking over an RTCPeerConnection receiver in Chromium: two loopback peer
// connections, PCMU, an RTCRtpScriptTransform routing the receiver's encoded
// frames to JitterlaneNode instead of the browser's decoder.

import { describe, expect, it } from 'vitest';
import { browserAvailable, withBrowser } from './harness.js';

interface TakeoverResult {
  supported: boolean;
  frames: number;
  stats: { packetsReceived: number; concealedSamples: number };
  browser: { totalSamplesReceived: number; concealedSamples: number; packetsReceived: number } | null;
  medianToneAmplitude: number;
}

describe.runIf(browserAvailable() || process.env.CI === 'true')('receiver takeover in Chromium', () => {
  const browser = withBrowser();

  it('plays the received audio through jitterlane and leaves the browser decoder nothing', async () => {
    const page = await browser.open(`/test/browser/pages/takeover.html`);
    const result = await page.evaluate(() => (window as unknown as { runTakeover: (o: unknown) => Promise<TakeoverResult> }).runTakeover({ seconds: 3 }));
    expect(result.supported).toBe(true);
    // 3 s of 20 ms PCMU frames: about 150, fewer the time ICE and DTLS take to connect.
    expect(result.frames).toBeGreaterThan(50);
    // Every frame reached the engine but those still on their way (worker → page → worklet)
    // when the stats were taken: at most a few 20 ms frames.
    expect(result.stats.packetsReceived).toBeLessThanOrEqual(result.frames);
    expect(result.stats.packetsReceived).toBeGreaterThanOrEqual(result.frames - 5);
    // The 1 kHz oscillator at gain 0.5 comes out of jitterlane at its level (G.711 keeps it within 1 dB).
    expect(Math.abs(20 * Math.log10(result.medianToneAmplitude / 0.5))).toBeLessThan(1);
    // The browser's own jitter buffer received the packets but decoded nothing.
    expect(result.browser?.packetsReceived).toBeGreaterThan(50);
    expect(result.browser?.totalSamplesReceived).toBe(0);
  });
});
