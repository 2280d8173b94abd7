// `jitterlane replay --runtime browser`: the replay in headless Chromium's
// AudioWorklet gives the Node replay's figures and output bytes.

import { describe, expect, it } from 'vitest';
import { parseTrace, readTrace } from '../../src/trace/index.js';
import { replay } from '../../src/replay/driver.js';
import { replayInBrowser } from '../../src/replay/browser_runtime.js';
import { computeMetrics } from '../../src/replay/metrics.js';
import { defaultTraceDir, traceFiles } from '../../src/replay/trace_set.js';
import { browserAvailable, TEST_CHROMIUM } from './harness.js';
import { callWithTimestampGap, pcapOf, pcmaCallWithDtmfAndCn, sameSsrcRestart } from '../helpers/capture_generators.js';

const files = traceFiles(defaultTraceDir());

describe.runIf(browserAvailable() || process.env.CI === 'true')('the browser runtime', () => {
  // G.711 decoded from the capture; Opus replacement speech (the default); a delay-only CSV (SOURCES.md).
  const cases = ['wswiki_rtp_conversacion', 'wswiki_sip-rtp-opus', 'l4stests_irtt_up_dualpi2_l'].flatMap((name) =>
    (['l4s', 'classic'] as const).flatMap((profile) => (['shared-ring', 'port'] as const).map((transport) => ({ name, profile, transport }))),
  );
  it.each(cases)('replays $name on $profile over the $transport to the same figures and bytes as Node', async ({ name, profile, transport }) => {
    const trace = readTrace(files.find((f) => f.name === name)!.path);
    const inNode = computeMetrics(replay(trace, { profile }));
    const inBrowser = computeMetrics(await replayInBrowser(trace, { profile, transport, chromium: TEST_CHROMIUM }));
    const { realtimeFactor: _a, ...nodeFigures } = inNode;
    const { realtimeFactor: _b, ...browserFigures } = inBrowser;
    expect(browserFigures).toEqual(nodeFigures);
  });

  it('decodes Opus, conceals with libopus and recovers from its FEC in the worklet to the Node replay\'s bytes (irtt_noload: 4 lost packets)', async () => {
    const trace = readTrace(files.find((f) => f.name === 'l4stests_irtt_noload')!.path);
    const inNode = computeMetrics(replay(trace, { profile: 'l4s' }));
    const inBrowser = computeMetrics(await replayInBrowser(trace, { profile: 'l4s', transport: 'shared-ring', chromium: TEST_CHROMIUM }));
    // The 4 packets the network lost come back from the next packets' in-band FEC (SOURCES.md: irtt skipped 12 sends).
    expect(inNode.fecRecovered).toBe(4);
    expect(inBrowser.outputSha256).toBe(inNode.outputSha256);
    expect(inBrowser.fecRecovered).toBe(inNode.fecRecovered);
    expect(inBrowser.concealmentRatio).toBe(inNode.concealmentRatio);
  });

  it('plays PCM replacement audio to the same bytes as Node too', async () => {
    // The capture's own Opus payloads would play by default (issue #14 item 7): ask for the replacement.
    const trace = readTrace(files.find((f) => f.name === 'wswiki_sip-rtp-opus')!.path);
    const inNode = computeMetrics(replay(trace, { profile: 'l4s', audio: 'replacement', replacement: 'pcm' }));
    const inBrowser = computeMetrics(await replayInBrowser(trace, { profile: 'l4s', transport: 'port', audio: 'replacement', replacement: 'pcm', chromium: TEST_CHROMIUM }));
    expect(inBrowser.outputSha256).toBe(inNode.outputSha256);
    expect(inNode.outputSha256).not.toBe(computeMetrics(replay(trace, { profile: 'l4s' })).outputSha256);
  });

  // Issues #13 and #14 phase 2: the marker bit, comfort noise and the telephone-events the replay keeps out reach the worklet as in Node.
  const generated = [
    { name: 'a same-SSRC restart (twice)', capture: () => sameSsrcRestart() },
    { name: 'PCMA with DTMF and comfort noise', capture: () => pcmaCallWithDtmfAndCn() },
    { name: 'a timestamp gap before a marker packet', capture: () => callWithTimestampGap({ marker: true }) },
  ];
  it.each(generated)('replays $name to the same figures and bytes as Node', async ({ capture }) => {
    const trace = parseTrace(pcapOf(capture()), 'generated.pcap');
    const inNode = computeMetrics(replay(trace, { profile: 'l4s' }));
    const inBrowser = computeMetrics(await replayInBrowser(trace, { profile: 'l4s', transport: 'shared-ring', chromium: TEST_CHROMIUM }));
    const { realtimeFactor: _a, ...nodeFigures } = inNode;
    const { realtimeFactor: _b, ...browserFigures } = inBrowser;
    expect(browserFigures).toEqual(nodeFigures);
  });
});
