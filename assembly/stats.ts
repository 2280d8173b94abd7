// webrtc-stats counters of one stream. Their indices, names and meaning are
// part of the host contract and written once, in assembly/abi.ts (STAT_*);
// this module re-exports the contract so `S.STAT_…` reads as before.

import { STAT_COUNT } from './abi';

export * from './abi';
/** Older engine names of two counters (webrtc-stats names in assembly/abi.ts). */
export { STAT_INSERTED_SAMPLES_FOR_DECELERATION as STAT_INSERTED_FOR_DECELERATION, STAT_REMOVED_SAMPLES_FOR_ACCELERATION as STAT_REMOVED_FOR_ACCELERATION } from './abi';

/** The counter block of one engine. */
export class Stats {
  readonly values: StaticArray<f64> = new StaticArray<f64>(STAT_COUNT);

  add(index: i32, amount: f64): void {
    unchecked((this.values[index] += amount));
  }

  set(index: i32, value: f64): void {
    unchecked((this.values[index] = value));
  }

  get(index: i32): f64 {
    return unchecked(this.values[index]);
  }

  clear(): void {
    for (let i = 0; i < STAT_COUNT; i++) unchecked((this.values[i] = 0));
  }
}
