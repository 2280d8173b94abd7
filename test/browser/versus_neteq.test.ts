// The live comparison (npm run versus-neteq) on a 20 s subset: two shared
// traces played through the network emulator into Chromium's NetEq and
// jitterlane's l4s profile at once (passThrough: the same frames at the same
// moment). Realtime on a shared machine: the bounds are generous and honest
// (audio at the sent level, delays measured and finite, jitterlane earlier);
// the figures are printed, and the README's table comes from the command.

import { describe, expect, it } from 'vitest';
import { compareLive, RELAYED_CALL_BROWSER, type LiveComparison } from '../../src/netem/live_comparison.js';
import { scheduleFromTrace } from '../../src/netem/network_schedule.js';
import { defaultTraceDir, traceFiles } from '../../src/replay/trace_set.js';
import { readTrace } from '../../src/trace/index.js';
import { browserAvailable, withBrowser } from './harness.js';

const SECONDS = 20;
const WARMUP_SECONDS = 3;

describe.runIf(browserAvailable() || process.env.CI === 'true')('jitterlane against Chromium\u2019s own jitter buffer, live through the emulator', () => {
  const browser = withBrowser(RELAYED_CALL_BROWSER);

  // A clean L4S-test path and a jittery home LAN (shared/traces/SOURCES.md §7–9, §4).
  it.each(['l4stests_irtt_up_fq_codel', 'wswiki_rtp_conversacion'])('plays %s through both at the speech\u2019s level, and jitterlane plays it earlier', async (name) => {
    const file = traceFiles(defaultTraceDir()).find((f) => f.name === name);
    expect(file, `${name} in ${defaultTraceDir()}`).toBeDefined();
    const run: LiveComparison = await compareLive(browser.context(), browser.origin(), scheduleFromTrace(readTrace(file!.path), SECONDS + WARMUP_SECONDS), {
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      profiles: ['l4s'],
      // 23 s of an Opus call is about 230 KiB of records.
      flightRecorderBytes: 1 << 20,
    });
    const neteq = run.players.find((p) => p.player === 'NetEq')!;
    const ours = run.players.find((p) => p.player === 'jitterlane l4s')!;
    for (const p of [neteq, ours]) {
      console.log(
        `versus NetEq | ${name} | ${p.player}: conceal ${p.concealedPercent.toFixed(2)} % (${p.concealmentEventsPerMinute.toFixed(1)}/min), buffer ${p.bufferDelayMs.toFixed(1)} ms, ` +
          `cost ${p.cost.toFixed(1)}, end-to-end ${p.endToEnd?.medianMs.toFixed(1)} ms, level ${p.levelDb.toFixed(1)} dB | load ${run.loadBefore[0].toFixed(2)}`,
      );
      // Both played the call: 20 s of 20 ms packets (the relay forwarded them all; the trace loses few).
      expect(p.packetsReceived).toBeGreaterThan(0.8 * SECONDS * 50);
      // At the sent speech's level: Opus and both players keep it within a few dB (measured: within 1 dB).
      expect(Math.abs(p.levelDb)).toBeLessThan(6);
      // The end-to-end delay was measured on most of the speech and is finite (within the 2 s searched).
      expect(p.endToEnd).not.toBeNull();
      expect(p.endToEnd!.matched).toBeGreaterThanOrEqual(0.5 * p.endToEnd!.windows);
      expect(Number.isFinite(p.endToEnd!.medianMs)).toBe(true);
      expect(Number.isFinite(p.bufferDelayMs)).toBe(true);
    }
    // Realtime equals offline: the node's flight recording, replayed in Node, gives the live output to the
    // sample, and from it the artefacts a listener heard over the measured span.
    expect(ours.flightMatches).toBe(true);
    expect(ours.artefacts!.minutes).toBeCloseTo(SECONDS / 60, 1);
    expect(ours.artefacts!.artefactsPerMin).toBeCloseTo(ours.artefacts!.concealmentEpisodesPerMin + ours.artefacts!.stretchesPerMin, 9);
    expect(neteq.artefacts).toBeNull();
    console.log(`versus NetEq | ${name} | jitterlane l4s heard: ${ours.artefacts!.concealmentEpisodesPerMin.toFixed(1)} episodes/min, ${ours.artefacts!.stretchesPerMin.toFixed(1)} stretches/min; stretched ms/min NetEq ${neteq.stretchedMsPerMinute.toFixed(0)}, jitterlane ${ours.stretchedMsPerMinute.toFixed(0)}`);
    // The product's promise, live: jitterlane l4s plays earlier than NetEq (by 5–230 ms in the runs the README reports, a loaded machine).
    expect(ours.endToEnd!.medianMs).toBeLessThan(neteq.endToEnd!.medianMs);
    // Every packet was played, concealed or counted: the relay emulated the trace's losses and nothing else.
    expect(run.relay.streams.reduce((n, s) => n + s.overflow, 0)).toBe(0);
  }, 90_000);
});
