// Taking over an RTCPeerConnection receiver in Chromium: two loopback peer
// connections, PCMU, an RTCRtpScriptTransform routing the receiver's encoded
// frames to JitterlaneNode instead of the browser's decoder.

import { describe, expect, it } from 'vitest';
import { browserAvailable, withBrowser } from './harness.js';

interface TakeoverResult {
  supported: boolean;
  frames: number;
  takeoverStats: { redFrames: number; redRecovered: number; redMalformed: number; foreignFrames: number } | null;
  stats: { packetsReceived: number; concealedSamples: number; jitterlane: { packetsInvalid: number; decoderErrors: number } };
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

  it('plays Opus inside RED (audio/red, RFC 2198) from its primary frames, not the RED payload as Opus', async () => {
    const page = await browser.open(`/test/browser/pages/takeover.html`);
    const result = await page.evaluate(() => (window as unknown as { runTakeover: (o: unknown) => Promise<TakeoverResult> }).runTakeover({ seconds: 3, red: true }));
    expect(result.supported).toBe(true);
    expect(result.frames).toBeGreaterThan(50);
    // Chromium sent RED (red preferred), and every frame of it parsed; loopback loses nothing, so no copy stood in.
    expect(result.takeoverStats?.redFrames).toBeGreaterThan(50);
    expect(result.takeoverStats?.redMalformed).toBe(0);
    expect(result.takeoverStats?.redRecovered).toBe(0);
    expect(result.takeoverStats?.foreignFrames).toBe(0);
    // The engine got Opus frames it could decode. Read as Opus, the RED payload was refused as invalid or by the
    // decoder (27 and 26 of 149 packets before RED was parsed) and the rest played 31 dB under the tone.
    expect(result.stats.jitterlane.packetsInvalid).toBe(0);
    expect(result.stats.jitterlane.decoderErrors).toBe(0);
    // Every RED frame's primary reached the engine but the few still on their way (padding-only probes are frames too, with no audio).
    expect(result.stats.packetsReceived).toBeLessThanOrEqual(result.takeoverStats!.redFrames);
    expect(result.stats.packetsReceived).toBeGreaterThanOrEqual(result.takeoverStats!.redFrames - 5);
    // The 1 kHz tone at gain 0.5 comes out at its level (Opus keeps a steady tone within 2 dB).
    expect(Math.abs(20 * Math.log10(result.medianToneAmplitude / 0.5))).toBeLessThan(2);
    expect(result.browser?.totalSamplesReceived).toBe(0);
  });
});
