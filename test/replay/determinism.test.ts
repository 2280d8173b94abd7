// The engine is a pure function of its inputs on the audio clock: the same
// replay gives the same bytes, and a capture and its CSV conversion (same
// arrivals, same RTP fields; SOURCES.md) give the same timing.

import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readTrace } from '../../src/trace/index.js';
import { replay } from '../../src/replay/driver.js';
import { computeMetrics } from '../../src/replay/metrics.js';
import { defaultTraceDir, traceFiles } from '../../src/replay/trace_set.js';
import type { Metrics } from '../../src/replay/types.js';

const dir = defaultTraceDir();
const files = traceFiles(dir);
const goldenPath = fileURLToPath(new URL('./golden_sha256.json', import.meta.url));
/** Rewrite the goldens only on purpose: UPDATE_GOLDEN=1 npx vitest run test/replay/determinism. */
const updateGolden = process.env.UPDATE_GOLDEN === '1';

const TIMING_KEYS: (keyof Metrics)[] = [
  'packets', 'received', 'networkLost', 'duplicates', 'lateLost', 'played',
  'meanBufferDelayMs', 'p50BufferDelayMs', 'p95BufferDelayMs', 'p99BufferDelayMs',
  'meanAddedLatencyMs', 'p95AddedLatencyMs', 'jitterBufferDelayMs', 'targetDelayMs',
  'concealmentRatio', 'concealmentEvents', 'accelerateRatio', 'decelerateRatio',
];

describe('determinism', () => {
  it('gives the same output bytes when a replay runs twice', () => {
    const trace = readTrace(files.find((f) => f.name === 'wswiki_rtp_conversacion')!.path);
    const first = replay(trace, { profile: 'l4s' });
    const second = replay(trace, { profile: 'l4s' });
    expect(second.outputSha256).toBe(first.outputSha256);
    expect(second.stats).toEqual(first.stats);
  });

  it('matches the committed output hash of every trace on both profiles', () => {
    const golden: Record<string, string> = existsSync(goldenPath) ? JSON.parse(readFileSync(goldenPath, 'utf8')) : {};
    const now: Record<string, string> = {};
    for (const file of files) {
      const trace = readTrace(file.path);
      for (const profile of ['l4s', 'classic'] as const) now[`${file.name}/${profile}`] = replay(trace, { profile }).outputSha256;
    }
    if (updateGolden) writeFileSync(goldenPath, JSON.stringify(now, null, 2) + '\n');
    else expect(now).toEqual(golden);
  });

  describe.each(['wswiki_MagicJack_short_call', 'wswiki_rtp_conversacion', 'wswiki_sip-rtp-opus', 'l4stests_skype_bi_dualpi2_l'])('%s', (name) => {
    it('gives the same timing figures from the pcap and from its CSV', () => {
      const capture = files.find((f) => f.name === name)!;
      const csv = `${dir}/${name}.csv`;
      for (const profile of ['l4s', 'classic'] as const) {
        // Replacement audio for both, so the stretching sees the same signal.
        const fromCapture = computeMetrics(replay(readTrace(capture.path), { profile, audio: 'replacement' }));
        const fromCsv = computeMetrics(replay(readTrace(csv), { profile, audio: 'replacement' }));
        for (const key of TIMING_KEYS) expect([key, fromCsv[key]]).toEqual([key, fromCapture[key]]);
      }
    });
  });
});
