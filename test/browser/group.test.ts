// JitterlaneGroupNode in real headless Chromium: 8 and 32 streams (Opus, and
// Opus with PCM) in one node of an OfflineAudioContext, each with its own
// generated timing, each equal bit for bit to its single-stream render (in
// Chromium and in Node); the memory each extra stream costs; and a loopback
// call with 8 audio transceivers whose receivers are all taken over into one
// node, each tone recovered at its frequency and level.

import { describe, expect, it } from 'vitest';
import { testStream, type TestStream } from '../helpers/group_streams.js';
import { soloRender, soloRun } from '../helpers/solo_render.js';
import { browserAvailable, withBrowser } from './harness.js';
// @ts-expect-error plain JavaScript shared with the page
import { sha256 } from './pages/stream.js';

interface GroupRender {
  groupHashes: string[];
  soloHashes: string[];
  memory: { streams: number; wasmMemoryBytes: number; opusMemoryBytes: number }[];
  stats: { packetsReceived: number; concealedSamples: number; trackIdentifier: string; ssrc: number; type: string }[];
  playout: { renderErrors: number; streams: number; opusDecoders: number; totalSamplesCount: number };
}

interface CallTakeoverResult {
  supported: boolean;
  transport: string;
  amplitude: number[][];
  taken: { id: string; frames: number; direct: number }[];
  stats: { id: string; packetsReceived: number; concealedSamples: number; totalSamplesReceived: number }[];
  playout: { renderErrors: number; streams: number };
  browser: { packetsReceived: number; totalSamplesReceived: number }[];
  streamsAfterRelease: number;
}

const SECONDS = 4;

/** A stream as the page takes it: payloads in base64. */
function forPage(stream: TestStream): unknown {
  return { ...stream, packets: stream.packets.map((p) => ({ ...p, payload: Buffer.from(p.payload).toString('base64') })) };
}

describe.runIf(browserAvailable() || process.env.CI === 'true')('JitterlaneGroupNode in Chromium', () => {
  const browser = withBrowser();

  async function renderGroup(streams: TestStream[], isolated = true): Promise<GroupRender> {
    const page = await browser.open(`${isolated ? '/isolated' : ''}/test/browser/pages/group.html`);
    const result = await page.evaluate((o) => (window as unknown as { renderGroup: (o: unknown) => Promise<GroupRender> }).renderGroup(o), { streams: streams.map(forPage), seconds: SECONDS });
    await page.close();
    return result;
  }

  /** Each stream's render alone in Node (the single-stream processor bundle). */
  async function nodeHashes(streams: TestStream[]): Promise<string[]> {
    return Promise.all(streams.map((stream) => sha256(soloRender(stream, SECONDS * 48000))));
  }

  /** Memory per stream added after the first, from the page's readings. */
  function perExtraStream(memory: GroupRender['memory']): number {
    const first = memory[0];
    const last = memory[memory.length - 1];
    return (last.wasmMemoryBytes + last.opusMemoryBytes - first.wasmMemoryBytes - first.opusMemoryBytes) / (last.streams - first.streams);
  }

  it('renders 8 Opus streams in one node, each bit-exactly as it renders alone, at under 1 MiB per extra stream', async () => {
    const streams = Array.from({ length: 8 }, (_, i) => testStream(i, 'opus', SECONDS));
    const result = await renderGroup(streams);
    expect(result.groupHashes).toEqual(result.soloHashes);
    expect(result.groupHashes).toEqual(await nodeHashes(streams));
    expect(new Set(result.groupHashes).size).toBe(8);
    // Each stream's stats are its own inbound-rtp object, keyed by its id, with its SSRC.
    result.stats.forEach((s, i) => {
      expect(s).toMatchObject({ type: 'inbound-rtp', trackIdentifier: streams[i].id, ssrc: 0x10000 + i });
      expect(s.packetsReceived).toBeGreaterThan(streams[i].packets.length * 0.95);
      expect(s.packetsReceived).toBeLessThanOrEqual(streams[i].packets.length);
    });
    expect(result.playout).toMatchObject({ renderErrors: 0, streams: 8, opusDecoders: 8, totalSamplesCount: SECONDS * 48000 });
    // Measured 786 432 (engine) + about 18 KiB (libopus) per extra Opus stream (README, "Many streams").
    expect(perExtraStream(result.memory)).toBeLessThanOrEqual(1024 * 1024);
  });

  it('renders 8 mixed PCM and Opus streams in one node, each bit-exactly as it renders alone', async () => {
    const streams = Array.from({ length: 8 }, (_, i) => testStream(i, i % 2 ? 'PCM16LE' : 'opus', SECONDS));
    const result = await renderGroup(streams);
    expect(result.groupHashes).toEqual(result.soloHashes);
    expect(result.groupHashes).toEqual(await nodeHashes(streams));
    expect(result.playout).toMatchObject({ renderErrors: 0, opusDecoders: 4 });
  });

  it('renders the same bytes with packets in port batches on a plain page', async () => {
    const streams = Array.from({ length: 8 }, (_, i) => testStream(i, i % 2 ? 'PCM16LE' : 'opus', SECONDS));
    const result = await renderGroup(streams, false);
    expect(result.groupHashes).toEqual(await nodeHashes(streams));
    expect(result.playout).toMatchObject({ renderErrors: 0, streams: 8 });
  });

  it('renders 32 streams in one node, each bit-exactly as it renders alone', async () => {
    const streams = Array.from({ length: 32 }, (_, i) => testStream(i, i % 4 === 3 ? 'PCM16LE' : 'opus', SECONDS));
    const result = await renderGroup(streams);
    expect(result.groupHashes).toEqual(result.soloHashes);
    expect(result.groupHashes).toEqual(await nodeHashes(streams));
    expect(result.playout).toMatchObject({ renderErrors: 0, streams: 32, opusDecoders: 24 });
    expect(perExtraStream(result.memory)).toBeLessThanOrEqual(1024 * 1024);
  }, 120_000);

  // Realtime, 20 s of 8 Opus streams and 60 s of 32 (24 Opus, 8 PCM), each with the timing of its own
  // (test/helpers/group_streams.ts): every stream conceals what it conceals alone (the single-stream
  // processor rendering the same packets at the same arrivals in Node), to within 0.1 % of its samples
  // as the goal, and the WASM memory of engines and libopus stays flat from the first quantum to the last.
  it.each([
    [8, 20],
    [32, 60],
  ])('plays %i streams for %i s in a realtime context, each concealing about what it conceals alone, with its WebAssembly memory flat', async (count, seconds) => {
    const streams = Array.from({ length: count }, (_, i) => testStream(i, count > 8 && i % 4 === 3 ? 'PCM16LE' : 'opus', seconds));
    const page = await browser.open('/isolated/test/browser/pages/group.html');
    const result = await page.evaluate((o) => (window as unknown as { runRealtime: (o: unknown) => Promise<{ pushed: number; sent: number[]; start: Record<string, number>; end: Record<string, number>; stats: { packetsReceived: number; concealedSamples: number; totalSamplesReceived: number; played: number }[] }> }).runRealtime(o), { streams: streams.map(forPage), seconds });
    await page.close();
    // Engines and decoders were reserved at addStream: nothing grew while the streams played.
    expect(result.end.wasmMemoryBytes).toBe(result.start.wasmMemoryBytes);
    expect(result.end.opusMemoryBytes).toBe(result.start.opusMemoryBytes);
    expect(result.end.renderErrors).toBe(0);
    expect(result.end.quanta).toBeGreaterThan(seconds * 375 * 0.8);
    const excess = result.stats.map((s, i) => {
      // Every packet pushed reached its engine; nearly all of them played (the outage streams lose what came too late).
      expect(s.packetsReceived).toBe(result.sent[i]);
      expect(s.played).toBeGreaterThan(result.sent[i] * 0.8);
      const stream = streams[i]!;
      const alone = soloRun({ ...stream, packets: stream.packets.filter((p) => p.arrivalFrame < seconds * 48000) }, Math.round((seconds + 0.3) * 48000)).stats;
      const live = (100 * s.concealedSamples) / s.totalSamplesReceived;
      const solo = (100 * alone.concealedSamples) / alone.totalSamplesReceived;
      return { live, solo };
    });
    const worst = Math.max(...excess.map((e) => e.live - e.solo));
    console.log(`[group realtime ${count} streams, ${seconds} s] concealed % live vs alone: ${excess.map((e) => `${e.live.toFixed(2)}/${e.solo.toFixed(2)}`).join(' ')}; worst excess ${worst.toFixed(3)} %`);
    // The goal is 0.1 % (measured on an idle machine: worst 0.049 % of 8 streams, 0.095 % of 32). A
    // realtime figure on a shared CI machine is noisy: the bound here is 0.5 %, and the run prints its own.
    for (const e of excess) expect(e.live - e.solo).toBeLessThanOrEqual(0.5);
  }, 180_000);

  it('switches every stream with group.setProfile() and starts later streams there', async () => {
    const page = await browser.open('/test/browser/pages/group.html');
    const streams = await page.evaluate(() => (window as unknown as { groupProfile: () => Promise<Record<string, { profileSwitches: number; targetDelayMs: number }>> }).groupProfile());
    await page.close();
    expect(streams.a.profileSwitches).toBe(1);
    expect(streams.b.profileSwitches).toBe(1);
    // c was created with l4s (no switch); d asked for classic itself.
    expect(streams.c.profileSwitches).toBe(0);
    expect(streams.d.profileSwitches).toBe(0);
    // With no packets the target rests at each profile's floor (assembly/abi.ts: l4s 10 ms, classic 40 ms).
    expect(streams.c.targetDelayMs).toBeLessThan(streams.d.targetDelayMs);
  });

  it('refuses bad options, ids and calls with a JitterlaneError that names what was wrong', async () => {
    const page = await browser.open('/test/browser/pages/group.html');
    const errors = await page.evaluate(() => (window as unknown as { apiErrors: () => Promise<Record<string, unknown>> }).apiErrors());
    await page.close();
    expect(errors.createOption).toMatch(/^JitterlaneError: .*unknown option "output"/);
    expect(errors.badCodec).toMatch(/^JitterlaneError: JitterlaneGroupNode.addStream: option codec must be one of/);
    expect(errors.badOutput).toMatch(/option output must be an integer 0..1 \(the node has 2 output\(s\)\), got 2/);
    expect(errors.badGain).toMatch(/option gain must be a finite number ≥ 0, got -1/);
    expect(errors.unknownOption).toMatch(/unknown option "gian"/);
    expect(errors.duplicate).toMatch(/a stream "a" is already in the node/);
    expect(errors.setGain).toMatch(/gain must be a finite number ≥ 0, got NaN/);
    expect(errors.badPush).toMatch(/^(JitterlaneError|RangeError|TypeError): .*sequenceNumber/);
    expect(errors.unknownRemove).toMatch(/no stream "b"/);
    expect(errors.pushAfterRemove).toMatch(/GroupStream "a" used after removeStream\(\)/);
    expect(errors.readdedIds).toEqual(['a']);
    expect(errors.pushAfterClose).toMatch(/used after close\(\)/);
    expect(errors.addAfterClose).toMatch(/used after close\(\)/);
  });

  for (const calls of [1, 4]) {
    const what = calls === 1 ? 'the 8 receivers of one call (their track events)' : 'the receivers of 4 calls of 2 transceivers each (addPeerConnection)';
    it(`takes over ${what} into one node, each tone at its frequency and level`, async () => {
      const tones = Array.from({ length: 8 }, (_, i) => ({ frequency: 300 + 170 * i, gain: 0.1 + 0.05 * i }));
      const page = await browser.open('/isolated/test/browser/pages/group.html');
      const result = await page.evaluate((o) => (window as unknown as { runCallTakeover: (o: unknown) => Promise<CallTakeoverResult> }).runCallTakeover(o), { tones, seconds: 5, calls });
      await page.close();
      expect(result.supported).toBe(true);
      // Isolated page: each receiver's worker wrote its frames straight into its stream's ring.
      expect(result.transport).toBe('shared-ring');
      expect(result.taken).toHaveLength(8);
      for (const taken of result.taken) {
        expect(taken.frames).toBeGreaterThan(150);
        expect(taken.direct).toBeGreaterThan(100);
      }
      result.amplitude.forEach((row, i) => {
        // Output i carries tone i at its level (Opus at 32 kbps keeps a pure tone within 1.5 dB) ...
        expect(Math.abs(20 * Math.log10(row[i] / tones[i].gain)), `output ${i}`).toBeLessThan(1.5);
        // ... and none of the other seven tones: each at least 30 dB below it (Hann-windowed 85 ms blocks).
        row.forEach((amplitude, j) => {
          if (j !== i) expect(20 * Math.log10(amplitude / row[i]), `output ${i} at tone ${j}`).toBeLessThan(-30);
        });
      });
      expect(result.playout).toMatchObject({ renderErrors: 0, streams: 8 });
      // The browser's own receivers got the packets and decoded none of them.
      expect(result.browser).toHaveLength(8);
      for (const receiver of result.browser) {
        expect(receiver.packetsReceived).toBeGreaterThan(150);
        expect(receiver.totalSamplesReceived).toBe(0);
      }
      // release() gave every receiver back and removed its stream.
      expect(result.streamsAfterRelease).toBe(0);
    }, 60_000);
  }
});
