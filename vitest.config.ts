import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: trace replays are CPU bound, so run files two at a time.
    maxWorkers: 2,
    // The default output, then one line saying how many browser tests were skipped when Chromium is missing.
    reporters: ['default', './test/browser/chromium_skip_reporter.ts'],
  },
});
