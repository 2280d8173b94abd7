// Bad input in real headless Chromium: the node's API edge with wrong
// arguments and after its AudioContext closed. (The mid-stream restart and
// reconnect tests, which play in real time, are in realtime.test.ts, so that
// they never share the machine with the other realtime tests.)

import { describe, expect, it } from 'vitest';
import { browserAvailable, withBrowser } from './harness.js';

type Outcome = { returned?: unknown; resolved?: string; name?: string; message?: string };

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
