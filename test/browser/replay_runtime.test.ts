// `jitterlane replay --runtime browser`: the replay in headless Chromium's
// AudioWorklet gives the Node replay's figures and output bytes.

import { describe, expect, it } from 'vitest';
import { readTrace } from '../../src/trace/index.js';
import { replay } from '../../src/replay/driver.js';
import { replayInBrowser } from '../../src/replay/browser_runtime.js';
import { computeMetrics } from '../../src/replay/metrics.js';
import { defaultTraceDir, traceFiles } from '../../src/replay/trace_set.js';
import { browserAvailable } from './harness.js';

const files = traceFiles(defaultTraceDir());

describe.runIf(browserAvailable() || process.env.CI === 'true')('the browser runtime', () => {
  // G.711 decoded from the capture; replacement speech at 48 kHz; a delay-only CSV (SOURCES.md).
  const cases = ['wswiki_rtp_conversacion', 'wswiki_sip-rtp-opus', 'l4stests_irtt_up_dualpi2_l'].flatMap((name) =>
    (['l4s', 'classic'] as const).flatMap((profile) => (['shared-ring', 'port'] as const).map((transport) => ({ name, profile, transport }))),
  );
  it.each(cases)('replays $name on $profile over the $transport to the same figures and bytes as Node', async ({ name, profile, transport }) => {
    const trace = readTrace(files.find((f) => f.name === name)!.path);
    const inNode = computeMetrics(replay(trace, { profile }));
    const inBrowser = computeMetrics(await replayInBrowser(trace, { profile, transport }));
    const { realtimeFactor: _a, ...nodeFigures } = inNode;
    const { realtimeFactor: _b, ...browserFigures } = inBrowser;
    expect(browserFigures).toEqual(nodeFigures);
  });
});
