import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: trace replays are CPU bound, so run files two at a time.
    maxWorkers: 2,
  },
});
