// JitterlaneNode in real headless Chromium: the worklet renders the same bytes
// as the engine in Node, over the shared ring (cross-origin isolated page) and
// over port batches (plain page), at 48 kHz and at 44.1 kHz.

import { describe, expect, it } from 'vitest';
import { loadEngineModule } from '../../src/engine/node_loader.js';
import { browserAvailable, withBrowser } from './harness.js';
// @ts-expect-error plain JavaScript shared with the page
import { toneStream, sha256 } from './pages/stream.js';

interface OfflineResult {
  sha256: string;
  rms: number;
  transport: string;
  toneAmplitude: number;
  stats: { packetsReceived: number; concealedSamples: number; jitterlane: Record<string, number> };
}

const SECONDS = 3;

/** The same stream through the engine in Node, quantum by quantum, as the worklet does it. */
async function renderInNode(seconds: number): Promise<string> {
  const engine = loadEngineModule().createEngine({ codec: 'PCM16LE', profile: 'l4s' });
  const packets = toneStream(seconds) as { payload: Uint8Array; sequenceNumber: number; timestamp: number; arrivalFrame: number }[];
  const frames = seconds * 48000;
  const out = new Float32Array(frames);
  let next = 0;
  for (let at = 0; at < frames; at += 128) {
    while (next < packets.length && packets[next].arrivalFrame <= at) {
      const p = packets[next++];
      engine.insert(p.payload, { sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, arrivalFrame: p.arrivalFrame });
    }
    out.set(engine.pull(128)[0].subarray(0, 128), at);
  }
  engine.destroy();
  return sha256(out);
}

describe.runIf(browserAvailable() || process.env.CI === 'true')('JitterlaneNode in Chromium', () => {
  const browser = withBrowser();

  async function render(path: string, options: { sampleRate: number; transport: string }): Promise<OfflineResult> {
    const page = await browser.open(path);
    const result = await page.evaluate(
      (o) => (window as unknown as { renderOffline: (o: unknown) => Promise<OfflineResult> }).renderOffline(o),
      { seconds: SECONDS, profile: 'l4s', ...options },
    );
    await page.close();
    return result;
  }

  it('renders bit-identically to Node over the shared ring on a cross-origin isolated page', async () => {
    const result = await render('/isolated/test/browser/pages/offline.html', { sampleRate: 48000, transport: 'auto' });
    expect(result.transport).toBe('shared-ring');
    expect(result.sha256).toBe(await renderInNode(SECONDS));
    // 150 packets in 3 s, one in 50 lost (toneStream): 147 received.
    expect(result.stats.packetsReceived).toBe(147);
  });

  it('renders the same bytes over port batches on a plain page', async () => {
    const result = await render('/test/browser/pages/offline.html', { sampleRate: 48000, transport: 'auto' });
    expect(result.transport).toBe('port');
    expect(result.sha256).toBe(await renderInNode(SECONDS));
  });

  it('plays correctly in a 44.1 kHz context', async () => {
    const result = await render('/test/browser/pages/offline.html', { sampleRate: 44100, transport: 'port' });
    // The 1 kHz tone of amplitude 0.5 keeps its level and pitch through the engine and the
    // 48 → 44.1 kHz resampler: median over 10 ms windows within 0.5 dB, and the RMS of a
    // 0.5 sine (0.354) within 1 dB over the whole tail, concealment included.
    expect(Math.abs(20 * Math.log10(result.toneAmplitude / 0.5))).toBeLessThan(0.5);
    expect(Math.abs(20 * Math.log10(result.rms / (0.5 / Math.SQRT2)))).toBeLessThan(1);
    expect(result.stats.packetsReceived).toBe(147);
  });
});
