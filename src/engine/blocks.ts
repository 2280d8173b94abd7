// Reading the engine's raw blocks into named objects: the stats block and the
// drained event records, laid out as assembly/abi.ts says. These allocate:
// for tools and the main thread, not for every quantum on the audio thread
// (which reads the raw block at the STAT_* indices instead).

import { EVENT_FIELDS, EVENT_KINDS, STAT_NAMES } from './contract.js';
import type { EngineEvent, EngineStats } from './types.js';

/** Named values from a raw stats block (STAT_* order). */
export function statsFromBlock(block: ArrayLike<number>): EngineStats {
  const out = {} as EngineStats;
  STAT_NAMES.forEach((name, i) => (out[name] = block[i]));
  return out;
}

/** Raw event records (EVENT_FIELDS values each, as drainEventsInto writes them) to event objects. */
export function decodeEvents(records: Float64Array, count: number): EngineEvent[] {
  const out: EngineEvent[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * EVENT_FIELDS;
    out.push({ kind: EVENT_KINDS[records[at]] ?? 'played', frame: records[at + 1], a: records[at + 2], b: records[at + 3] });
  }
  return out;
}
