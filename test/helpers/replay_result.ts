// A ReplayResult to build test cases on: an empty replay whose fields the
// test overrides, with every engine counter at zero.

import { STAT_INDEX, statsFromBlock } from '../../src/engine/index.js';
import type { EngineStats, ReplayResult } from '../../src/replay/types.js';

/** Every engine counter at zero (the names come from the engine's own stats layout). */
export function zeroStats(): EngineStats {
  return statsFromBlock(new Float64Array(Object.keys(STAT_INDEX).length));
}

export function replayResult(overrides: Partial<ReplayResult>): ReplayResult {
  return {
    traceName: 'synthetic',
    profile: 'classic',
    sampleRate: 48000,
    channels: 1,
    packets: 0,
    duplicates: 0,
    records: [],
    stats: zeroStats(),
    timeline: [],
    events: [],
    profileChanges: [],
    outputSha256: '',
    audioSeconds: 0,
    wallSeconds: 0,
    ...overrides,
  };
}
