// When a replay stops, in the Node driver and in the worklet replay alike:
// once every packet is in, at the first quantum that finds the buffer drained,
// or at the tail limit after the last arrival. Reads the raw stats block, so
// the worklet can call it on the audio thread without allocating.

import { STAT_BUFFERED_MS, STAT_NOW_FRAMES, STAT_PACKETS_BUFFERED } from '../engine/contract.js';

/** True when a replay whose packets are `allInserted` should stop after this quantum. */
export function replayStopsHere(stats: Float64Array, allInserted: boolean, quantumFrames: number, endLimitFrames: number, sampleRate: number): boolean {
  const drained = stats[STAT_PACKETS_BUFFERED] === 0 && stats[STAT_BUFFERED_MS] * (sampleRate / 1000) < quantumFrames;
  return (allInserted && drained) || stats[STAT_NOW_FRAMES] >= endLimitFrames;
}
