import { defineConfig } from 'vitest/config';

/**
 * Tests whose figures are realtime (a live call's concealment and end-to-end
 * delay, the worklet's allocation readings): on two cores, a CPU-bound
 * replay file running beside them puts the load at 2–3 and their figures
 * swing with it (a live comparison under that load measured NetEq's buffer
 * at 176 ms and ours at 136). They run after every other file, one at a time.
 */
const REALTIME = ['test/browser/versus_neteq.test.ts', 'test/browser/realtime.test.ts', 'test/unit/chunk_allocation.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: trace replays are CPU bound, so run files two at a time.
    maxWorkers: 2,
    // The default output, then one line saying how many browser tests were skipped when Chromium is missing.
    reporters: ['default', './test/browser/chromium_skip_reporter.ts'],
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: REALTIME, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'realtime', include: REALTIME, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
