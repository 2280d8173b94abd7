// The chunk player in Chromium (issue #15): a realtime-JSON response (2 s at
// once, then chunks at generation pace with a stall), its mark, its end
// without a concealment tail, and barge-in.

import { describe, expect, it } from 'vitest';
import { browserAvailable, withBrowser } from './harness.js';

interface ChunkRun {
  rms: number[];
  marks: { name: string; at: number }[];
  stats: { engine: Record<string, number>; responses: { responseId: string; state: string; playedMs: number; underruns: number; droppedMs: number }[]; droppedChunks: number; renderErrors: number };
  interrupted: { responseId: string | null; playedMs: number } | null;
}

describe.runIf(browserAvailable() || process.env.CI === 'true')('the chunk player in Chromium', () => {
  const browser = withBrowser();
  const run = async (options: { interruptAfterMs?: number }) => {
    const page = await browser.open('/test/browser/pages/chunks.html');
    return page.evaluate((o) => (window as unknown as { runChunks: (o: unknown) => Promise<ChunkRun> }).runChunks(o), options);
  };

  it('plays a whole response at its level, fires its mark, and ends without concealment', async () => {
    const r = await run({});
    const response = r.stats.responses[0]!;
    expect(response.state).toBe('ended');
    // 4 s of tone; the stall was waited out (one underrun), nothing dropped.
    expect(Math.abs(response.playedMs - 4000)).toBeLessThanOrEqual(2);
    expect(response.droppedMs).toBe(0);
    // The 440 Hz tone at 0.5 comes out at its RMS (0.354) in most 10 ms blocks.
    const loud = r.rms.filter((v) => Math.abs(v - 0.354) < 0.03).length;
    expect(loud * 10).toBeGreaterThan(3500);
    expect(r.marks.map((m) => m.name)).toEqual(['two-seconds']);
    expect(r.stats.renderErrors).toBe(0);
    // Clicks are checked on the engine's own output in Node (test/unit/chunk_player.test.ts): a realtime
    // recording on a loaded machine shows the audio thread's own missed quanta as steps.
  }, 30_000);

  it('goes silent on interrupt() and tells how much of the response played', async () => {
    const r = await run({ interruptAfterMs: 1500 });
    expect(r.interrupted!.responseId).toBe('r1');
    expect(r.interrupted!.playedMs).toBeGreaterThan(1000);
    expect(r.interrupted!.playedMs).toBeLessThan(2500);
    expect(r.stats.responses[0]!.state).toBe('interrupted');
    // After the interrupt the recording ends in silence (the last second is quiet).
    expect(Math.max(...r.rms.slice(-100))).toBeLessThan(0.001);
  }, 30_000);
});
