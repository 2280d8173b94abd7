// Transport faults and bad input in real headless Chromium: a worklet closed
// and replaced on the same context while packets flow, a node disconnected
// and reconnected mid-stream, and the node's API edge after its AudioContext
// closed. Audio must resume at the tone's level and nothing may throw unseen.

import { describe, expect, it } from 'vitest';
import { browserAvailable, withBrowser } from './harness.js';

interface Played {
  transport: string | null;
  medianToneAmplitudeAfter: number;
  levelWindows: number;
  before: { packetsReceived: number; oldNodeRefused?: string } | null;
  stats: { packetsReceived: number; packetsDiscarded: number; jitterlane: Record<string, number> } | null;
  skipped: number;
  pushErrors: string[];
  nodeErrors: string[];
  errors: string[];
}

type Outcome = { returned?: unknown; resolved?: string; name?: string; message?: string };

const SECONDS = 3;

/** The tone (0.5, 1 kHz) within 1 dB, as the realtime tests hold it. */
function expectToneBack(result: Played): void {
  console.log(`[reliability] tone after the disruption ${result.medianToneAmplitudeAfter.toFixed(3)} (${result.levelWindows} windows); packets before ${result.before?.packetsReceived}, skipped ${result.skipped}, after ${result.stats?.packetsReceived}`);
  expect(result.levelWindows).toBeGreaterThan(10);
  expect(Math.abs(20 * Math.log10(result.medianToneAmplitudeAfter / 0.5))).toBeLessThan(1);
}

describe.runIf(browserAvailable() || process.env.CI === 'true')('reliability in Chromium', () => {
  const browser = withBrowser();

  async function run<T>(path: string, fn: string, options: Record<string, unknown>): Promise<T> {
    const page = await browser.open(path);
    const result = await page.evaluate(([name, o]) => (window as unknown as Record<string, (o: unknown) => Promise<T>>)[name as string](o), [fn, options] as const);
    await page.close();
    return result;
  }

  it.each([
    ['the shared ring', '/isolated/test/browser/pages/reliability.html', 'shared-ring'],
    ['port batches', '/test/browser/pages/reliability.html', 'port'],
  ])('resumes the tone after a worklet is closed and a new one created on the same context mid-stream (%s)', async (_name, path, transport) => {
    const result = await run<Played>(path, 'restartMidStream', { seconds: SECONDS, transport });
    expect(result.errors).toEqual([]);
    expect(result.nodeErrors).toEqual([]);
    expect(result.pushErrors).toEqual([]);
    expect(result.transport).toBe(transport);
    // The first node had played packets; the closed one then refused a push with a JitterlaneError.
    expect(result.before!.packetsReceived).toBeGreaterThan(0);
    expect(result.before!.oldNodeRefused).toBe('JitterlaneError');
    // 150 packets in 3 s: what the first node got, what the app skipped while no node existed, and
    // what the second got add up to at most all of them (the last ones may still be in flight).
    expect(result.stats!.packetsReceived).toBeGreaterThan(0);
    expect(result.before!.packetsReceived + result.skipped + result.stats!.packetsReceived).toBeLessThanOrEqual(150);
    expect(result.stats!.jitterlane.renderErrors).toBe(0);
    expect(result.stats!.jitterlane.ringOverflow).toBe(0);
    expectToneBack(result);
  }, 30_000);

  it('resumes the tone after the node is disconnected and reconnected mid-stream', async () => {
    const result = await run<Played>('/isolated/test/browser/pages/reliability.html', 'reconnectMidStream', { seconds: SECONDS, transport: 'auto' });
    expect(result.errors).toEqual([]);
    expect(result.nodeErrors).toEqual([]);
    expect(result.pushErrors).toEqual([]);
    expect(result.stats!.jitterlane.renderErrors).toBe(0);
    expect(result.stats!.packetsReceived).toBeGreaterThan(result.before!.packetsReceived);
    expectToneBack(result);
  }, 30_000);

  it.each([
    ['the shared ring', '/isolated/test/browser/pages/reliability.html', 'shared-ring'],
    ['port batches', '/test/browser/pages/reliability.html', 'port'],
  ])('answers bad input and a closed AudioContext with JitterlaneErrors or counted drops (%s)', async (_name, path, transport) => {
    const r = await run<Record<string, Outcome> & { transport: string; errors: string[]; statsOpen: { jitterlane: Record<string, number> } }>(path, 'badInput', { transport });
    expect(r.transport).toBe(transport);
    expect(r.arrayBuffer).toMatchObject({ name: 'JitterlaneError', message: expect.stringMatching(/payload must be a Uint8Array/) });
    expect(r.nanSequence).toMatchObject({ name: 'JitterlaneError', message: expect.stringMatching(/sequenceNumber .* got NaN/) });
    expect(r.nanTimestamp).toMatchObject({ name: 'JitterlaneError', message: expect.stringMatching(/timestamp .* got NaN/) });
    expect(r.infiniteTimestamp).toMatchObject({ name: 'JitterlaneError', message: expect.stringMatching(/timestamp .* got Infinity/) });
    expect(r.noInfo).toMatchObject({ name: 'JitterlaneError' });
    // A payload larger than the engine's 2048-byte slot: dropped, counted, false returned.
    expect(r.tooLarge).toEqual({ returned: false });
    expect(r.statsOpen.jitterlane.packetsTooLarge).toBe(1);
    expect(r.badProfile).toMatchObject({ name: 'JitterlaneError', message: expect.stringMatching(/invalid profile record/) });
    expect(r.nullProfile).toMatchObject({ name: 'JitterlaneError' });
    // The AudioContext closes: a request in flight settles (answered first, or rejected: never left
    // hanging), later calls throw, close() is still fine.
    console.log(`[reliability] getStats in flight across context.close(): ${JSON.stringify(r.getStatsWaitingAcrossContextClose)}`);
    expect(r.getStatsWaitingAcrossContextClose.name ?? 'resolved').toMatch(/JitterlaneError|resolved/);
    expect(r.pushAfterContextClose).toMatchObject({ name: 'JitterlaneError', message: expect.stringMatching(/AudioContext was closed/) });
    expect(r.getStatsAfterContextClose).toMatchObject({ name: 'JitterlaneError', message: expect.stringMatching(/AudioContext was closed/) });
    expect(r.closeAfterContextClose).toEqual({ returned: undefined });
    expect(r.pushAfterClose).toMatchObject({ name: 'JitterlaneError', message: expect.stringMatching(/after close\(\)/) });
    expect(r.createOnClosedContext).toMatchObject({ name: 'JitterlaneError', message: expect.stringMatching(/AudioContext is closed/) });
    expect(r.errors).toEqual([]);
  }, 30_000);
});
